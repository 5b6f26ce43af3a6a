package graph_test

import (
	"fmt"
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
)

// viewerCanEdit says what the writes allow: for every kind of record a coordinator may or may
// not change, the field answers true exactly when an update (or, for a route, a delete) at the
// version read is not refused FORBIDDEN. Admins may edit everything, anonymous visitors nothing,
// and a service operator its own actor's services.
func TestViewerCanEditAgreesWithTheWrites(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e) // Follonica lies in Colline Metallifere; Grosseto and Toscana do not
	create := func(name, inputType string, in map[string]any, field string) string {
		t.Helper()
		return testenv.Get(mutate(t, e, name, inputType, in, field+" { id }"), field, "id").(string)
	}
	straddling := create("createActor", "CreateActorInput", map[string]any{"name": "Coop a cavallo", "kind": "COOPERATIVE", "zoneIds": []string{ids["Follonica"], ids["Grosseto"]}}, "actor")
	inside := create("createActor", "CreateActorInput", map[string]any{"name": "Coop Follonica", "kind": "COOPERATIVE", "zoneIds": []string{ids["Follonica"]}}, "actor")
	outside := create("createPartnership", "CreatePartnershipInput", map[string]any{"title": "Protocollo grossetano", "kind": "OPERATIONAL_PROTOCOL", "zoneIds": []string{ids["Grosseto"]}}, "partnership")
	routeIn := create("createRoute", "CreateRouteInput", map[string]any{"fromId": inside, "toId": ids["job desk"], "partnershipId": ids["protocol"]}, "route")
	routeOut := create("createRoute", "CreateRouteInput", map[string]any{"fromId": inside, "toId": ids["ARTI"]}, "route")
	pathway := create("createPathwayModel", "CreatePathwayModelInput", map[string]any{"name": "Modello di prova", "stages": []map[string]any{{"code": "1", "name": "Contatto"}}}, "model")

	coordinator := auth.Viewer{Subject: "coord-colline", Role: auth.Coordinator, ZoneIDs: []string{key(t, ids["Colline Metallifere"])}}
	type record struct {
		name, id, mutation, inputType, field string
		coordinator                          bool
	}
	records := []record{
		{"a zone inside", ids["Follonica"], "updateZone", "UpdateZoneInput", "name", true},
		{"a zone outside", ids["Grosseto"], "updateZone", "UpdateZoneInput", "name", false},
		{"an actor inside", ids["CPI"], "updateActor", "UpdateActorInput", "name", true},
		{"a regional actor", ids["ARTI"], "updateActor", "UpdateActorInput", "name", false},
		{"an actor partly outside", straddling, "updateActor", "UpdateActorInput", "name", false},
		{"a service inside", ids["job desk"], "updateService", "UpdateServiceInput", "name", true},
		{"a service of the province", ids["shelter"], "updateService", "UpdateServiceInput", "name", false},
		{"a partnership inside", ids["protocol"], "updatePartnership", "UpdatePartnershipInput", "title", true},
		{"a partnership outside", outside, "updatePartnership", "UpdatePartnershipInput", "title", false},
		{"a pathway model", pathway, "updatePathwayModel", "UpdatePathwayModelInput", "name", false},
		{"a route with an end outside", routeOut, "deleteRoute", "DeleteRouteInput", "", false},
		{"a route inside", routeIn, "deleteRoute", "DeleteRouteInput", "", true},
	}
	read := func(v auth.Viewer, id string) (bool, int) {
		t.Helper()
		r := e.DoAs(t, v, `query($in: ID!) { node(id: $in) { ... on Zone { viewerCanEdit version } ... on Actor { viewerCanEdit version }
			... on Service { viewerCanEdit version } ... on Partnership { viewerCanEdit version } ... on Route { viewerCanEdit version }
			... on PathwayModel { viewerCanEdit version } } }`, map[string]any{"in": id})
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		d := r.Data
		can, _ := testenv.Get(d, "node", "viewerCanEdit").(bool)
		version, _ := testenv.Get(d, "node", "version").(float64)
		return can, int(version)
	}
	operator := auth.Viewer{Subject: "op-cpi", Role: auth.ServiceOperator, ActorID: key(t, ids["CPI"])}
	for _, r := range records {
		if can, _ := read(auth.Viewer{Subject: "admin", Role: auth.Admin}, r.id); !can {
			t.Errorf("%s: an admin may not edit it", r.name)
		}
		if can, _ := read(auth.Viewer{Role: auth.Anonymous}, r.id); can {
			t.Errorf("%s: an anonymous visitor may edit it", r.name)
		}
		if can, _ := read(operator, r.id); can != (r.id == ids["job desk"]) {
			t.Errorf("%s: the CPI's operator may edit it: %v", r.name, can)
		}
	}
	for i, r := range records {
		can, version := read(coordinator, r.id)
		if can != r.coordinator {
			t.Errorf("%s: viewerCanEdit is %v for the coordinator, want %v", r.name, can, r.coordinator)
		}
		in := map[string]any{"id": r.id, "version": version}
		if r.field != "" {
			in[r.field] = fmt.Sprintf("Rinominato %d", i)
		}
		code := mutationCode(t, e, coordinator, r.mutation, r.inputType, in)
		if refused := code == "FORBIDDEN"; refused == can || (can && code != "") {
			t.Errorf("%s: viewerCanEdit %v, but %s answers %q", r.name, can, r.mutation, code)
		}
	}
}

// routes lists the designed routes, by the partnership that governs them and by an actor at
// either end (itself or one of its services).
func TestRoutesListedByPartnershipAndActor(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	route := testenv.Get(mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids["ARTI"], "toId": ids["job desk"], "partnershipId": ids["protocol"], "instrument": "scheda"}, "route { id }"), "route", "id").(string)
	other := testenv.Get(mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids["ARTI"], "toId": ids["shelter"]}, "route { id }"), "route", "id").(string)
	list := func(filter map[string]any) []string {
		t.Helper()
		d := e.MustDo(t, `query($f: RouteFilter) { routes(filter: $f, first: 10) { totalCount edges { node { id } } } }`, map[string]any{"f": filter})
		var out []string
		for _, edge := range testenv.Get(d, "routes", "edges").([]any) {
			out = append(out, testenv.Get(edge, "node", "id").(string))
		}
		if n := int(testenv.Get(d, "routes", "totalCount").(float64)); n != len(out) {
			t.Errorf("routes(%v): totalCount %d, %d listed", filter, n, len(out))
		}
		return out
	}
	if got := list(map[string]any{"partnership": ids["protocol"]}); len(got) != 1 || got[0] != route {
		t.Errorf("the protocol's routes: %v, want [%s]", got, route)
	}
	// The CPI provides the job desk, the route's end.
	if got := list(map[string]any{"actor": ids["CPI"]}); len(got) != 1 || got[0] != route {
		t.Errorf("the CPI's routes: %v, want [%s]", got, route)
	}
	if got := list(map[string]any{"actor": ids["ARTI"]}); len(got) != 2 {
		t.Errorf("ARTI's routes: %v, want %s and %s", got, route, other)
	}
	if got := list(nil); len(got) != 2 {
		t.Errorf("every route: %v, want 2", got)
	}
	r := e.Do(t, `{ routes(filter: {actor: "bm90LWFuLWlk"}) { totalCount } }`, nil)
	if c := r.Code(); c != "INVALID_ID" {
		t.Errorf("a malformed actor ID answers %q, want INVALID_ID", c)
	}
}

// Partnership.ending flags, by the store's clock, a partnership that ends within the days given
// or has ended; an open-ended one never.
func TestPartnershipEndingByTheStoresClock(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	e.Store.SetClock(func() time.Time { return time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC) })
	defer e.Store.SetClock(nil)
	cases := []struct {
		end        any
		in60, in10 bool
	}{{"2026-07-15", true, false}, {"2026-05-01", true, true}, {"2026-12-31", false, false}, {nil, false, false}}
	for _, c := range cases {
		in := map[string]any{"title": fmt.Sprintf("Accordo %v", c.end), "kind": "CONVENTION", "zoneIds": []string{ids["Toscana"]}}
		if c.end != nil {
			in["endDate"] = c.end
		}
		id := testenv.Get(mutate(t, e, "createPartnership", "CreatePartnershipInput", in, "partnership { id }"), "partnership", "id").(string)
		d := e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Partnership { soon: ending in10: ending(withinDays: 10) } } }`, map[string]any{"id": id})
		if got := testenv.Get(d, "node", "soon"); got != c.in60 {
			t.Errorf("ending %v: within 60 days %v, want %v", c.end, got, c.in60)
		}
		if got := testenv.Get(d, "node", "in10"); got != c.in10 {
			t.Errorf("ending %v: within 10 days %v, want %v", c.end, got, c.in10)
		}
	}
	if c := e.Do(t, `{ partnerships(first: 1) { edges { node { ending(withinDays: -1) } } } }`, nil).Code(); c != "BAD_USER_INPUT" {
		t.Errorf("withinDays -1 answers %q, want BAD_USER_INPUT", c)
	}
}
