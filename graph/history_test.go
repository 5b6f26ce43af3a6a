package graph_test

import (
	"context"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
)

// everyCaseField are every field of a case and what it reaches, so that a dangling reference
// anywhere in a stored case shows up as an error.
const everyCaseField = `id code status openedAt closedAt outcome zone { name status } needs { code } model { name }
	stage { code } managingActor { name status } caseManager employability overdue notes version
	referrals { id status need { code } from { name } to { ... on Service { name provider { name } } ... on Actor { name } } }
	plan { interventions { status need { code } service { name status provider { name } } } }`

// The finding: deleting a service or an actor with referrals or a managed case succeeded, and
// then the case answered INTERNAL_SERVER_ERROR and other actors' cases and incomingReferrals
// failed with data: null. On the demo network, every zone, actor, service, partnership, route
// and pathway stage is tried for deletion and the rest archived; afterwards every case, trace,
// list of services and actors, and every actor's incoming referrals read without one error.
func TestDemoNetworkReadsWholeAfterArchivingAndDeletingEverything(t *testing.T) {
	e := testenv.Open(t)
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	cases := len(e.Query(t, "MATCH (c:Case) RETURN c.id", nil))
	if cases == 0 {
		t.Fatal("the demo network has no cases")
	}

	// Try to delete every record, the records that others depend on last.
	deleted, kept := map[string]int{}, map[string]int{}
	for _, k := range []struct{ label, mutation, inputType string }{
		{"Route", "deleteRoute", "DeleteRouteInput"},
		{"Partnership", "deletePartnership", "DeletePartnershipInput"},
		{"Service", "deleteService", "DeleteServiceInput"},
		{"Actor", "deleteActor", "DeleteActorInput"},
		{"Zone", "deleteZone", "DeleteZoneInput"},
	} {
		for _, rec := range e.Query(t, "MATCH (n:"+k.label+") RETURN n.id, n.version", nil) {
			id := relay.GlobalID(k.label, rec.Values[0].(string))
			r := e.Do(t, `mutation($in: `+k.inputType+`!) { `+k.mutation+`(input: $in) { deletedId userErrors { code message } } }`,
				map[string]any{"in": map[string]any{"id": id, "version": rec.Values[1]}})
			if len(r.Errors) > 0 {
				t.Fatalf("%s %s: %+v", k.mutation, id, r.Errors)
			}
			switch errs := testenv.Get(r.Data, k.mutation, "userErrors").([]any); {
			case len(errs) == 0:
				deleted[k.label]++
			case testenv.Get(errs[0], "code") == "HAS_DEPENDANTS":
				kept[k.label]++
			default:
				t.Errorf("%s %s: %v", k.mutation, id, errs)
			}
		}
	}
	// Every pathway model is asked to keep its first stage only.
	for _, rec := range e.Query(t, `MATCH (m:PathwayModel)-[:HAS_STAGE]->(s:Stage) WITH m, s ORDER BY s.position
		RETURN m.id, m.version, collect(s)[0].code, collect(s)[0].name`, nil) {
		r := e.Do(t, `mutation($in: UpdatePathwayModelInput!) { updatePathwayModel(input: $in) { userErrors { code } } }`,
			map[string]any{"in": map[string]any{"id": relay.GlobalID("PathwayModel", rec.Values[0].(string)), "version": rec.Values[1],
				"stages": []map[string]any{{"code": rec.Values[2], "name": rec.Values[3]}}}})
		if len(r.Errors) > 0 {
			t.Fatalf("updatePathwayModel: %+v", r.Errors)
		}
		if errs := testenv.Get(r.Data, "updatePathwayModel", "userErrors").([]any); len(errs) == 0 || testenv.Get(errs[0], "code") != "HAS_DEPENDANTS" {
			t.Errorf("the stages of a model with cases at them were removed: %v", errs)
		}
	}
	t.Logf("deleted %v, kept %v", deleted, kept)
	for _, label := range []string{"Service", "Actor", "Zone"} {
		if kept[label] == 0 {
			t.Errorf("no %s with history was kept", label)
		}
	}

	// Archive what is left.
	for _, k := range []struct{ label, mutation, inputType string }{
		{"Service", "updateService", "UpdateServiceInput"}, {"Actor", "updateActor", "UpdateActorInput"}, {"Zone", "updateZone", "UpdateZoneInput"},
	} {
		for _, rec := range e.Query(t, "MATCH (n:"+k.label+") RETURN n.id, n.version", nil) {
			mutate(t, e, k.mutation, k.inputType, map[string]any{"id": relay.GlobalID(k.label, rec.Values[0].(string)), "version": rec.Values[1], "status": "ARCHIVED"}, "userErrors { code }")
		}
	}
	if n := len(e.Query(t, "MATCH (c:Case) RETURN c.id", nil)); n != cases {
		t.Fatalf("%d cases of %d are left", n, cases)
	}

	// Every case, through the list and through its trace, as an admin.
	var ids []string
	after := any(nil)
	for {
		r := e.Do(t, `query($after: String) { cases(first: 20, after: $after) { totalCount edges { node { `+everyCaseField+` } }
			pageInfo { hasNextPage endCursor } } }`, map[string]any{"after": after})
		if len(r.Errors) > 0 {
			t.Fatalf("cases: %+v", r.Errors)
		}
		for _, edge := range testenv.Get(r.Data, "cases", "edges").([]any) {
			ids = append(ids, testenv.Get(edge, "node", "id").(string))
		}
		if testenv.Get(r.Data, "cases", "pageInfo", "hasNextPage") != true {
			break
		}
		after = testenv.Get(r.Data, "cases", "pageInfo", "endCursor")
	}
	if len(ids) != cases {
		t.Errorf("cases lists %d cases of %d", len(ids), cases)
	}
	for _, id := range ids {
		r := e.Do(t, `query($id: ID!) { caseTrace(id: $id) { case { code } events { at kind by summary stage { code }
			referral { status to { ... on Service { name } ... on Actor { name } } } actors { name } services { name } zone { name } }
			nodes { id type label } edges { from to kind at } } }`, map[string]any{"id": id})
		if len(r.Errors) > 0 {
			t.Fatalf("caseTrace %s: %+v", id, r.Errors)
		}
	}

	// The directory, in full.
	for _, list := range []string{
		`services(first: 100, after: $after) { edges { node { name status confidential provider { name status } category { code } needs { code } zones { name } freePlaces } } pageInfo { hasNextPage endCursor } }`,
		`actors(first: 100, after: $after) { edges { node { name status zones { name } parent { name } services(first: 100) { totalCount } partnerships(first: 100) { totalCount } } } pageInfo { hasNextPage endCursor } }`,
	} {
		after = nil
		for {
			r := e.Do(t, `query($after: String) { `+list+` }`, map[string]any{"after": after})
			if len(r.Errors) > 0 {
				t.Fatalf("%s: %+v", list[:8], r.Errors)
			}
			var page any
			for _, v := range r.Data {
				page = v
			}
			if testenv.Get(page, "pageInfo", "hasNextPage") != true {
				break
			}
			after = testenv.Get(page, "pageInfo", "endCursor")
		}
	}

	// Every actor that received a referral reads its incoming referrals that still last (not
	// refused, and open or closed within the recipient's access time), as an operator, and
	// every managing actor its cases, as a case manager.
	receivers := e.Query(t, `MATCH (r:Referral)-[:REFERRED_TO]->(t) OPTIONAL MATCH (t)<-[:PROVIDES]-(p:Actor)
		WITH coalesce(p.id, t.id) AS actor, r
		RETURN actor, count(CASE WHEN r.status <> 'REFUSED' AND (NOT r.status IN ['COMPLETED', 'FAILED', 'CANCELLED']
		                          OR r.updatedAt >= datetime() - duration('PT720H')) THEN 1 END)`, nil)
	if len(receivers) == 0 {
		t.Fatal("no referrals in the demo network")
	}
	for _, rec := range receivers {
		op := auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: rec.Values[0].(string)}
		r := e.DoAs(t, op, `{ incomingReferrals(first: 100) { totalCount edges { node { id status need { code } to { ... on Service { name } ... on Actor { name } } } } } }`, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("incomingReferrals of %s: %+v", op.ActorID, r.Errors)
		}
		if n, want := testenv.Get(r.Data, "incomingReferrals", "totalCount"), float64(rec.Values[1].(int64)); n != want {
			t.Errorf("the actor %s reads %v of its incoming referrals, want %v", op.ActorID, n, want)
		}
	}
	for _, rec := range e.Query(t, "MATCH (c:Case)-[:MANAGED_BY]->(a:Actor) RETURN DISTINCT a.id", nil) {
		cm := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: rec.Values[0].(string)}
		r := e.DoAs(t, cm, `{ cases(first: 100) { totalCount edges { node { code zone { name } stage { code } referrals { status } } } } }`, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("cases of %s: %+v", cm.ActorID, r.Errors)
		}
	}
}
