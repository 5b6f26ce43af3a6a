package graph_test

import (
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
)

// Routes lose their agreement when the partnership that governs them ends: within N days of
// the store's today they are flagged and listed, soonest first (ended ones too); open-ended
// agreements and routes with none never are; a coordinator lists those wholly in its zones.
func TestRoutesLosingTheirAgreement(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	e.Store.SetClock(func() time.Time { return time.Date(2026, 6, 1, 15, 0, 0, 0, time.UTC) })
	defer e.Store.SetClock(nil)
	for _, name := range []string{"Follonica desk", "Follonica shelter"} {
		a := mutate(t, e, "createActor", "CreateActorInput", map[string]any{"name": name, "kind": "OTHER", "zoneIds": []string{ids["Follonica"]}}, "actor { id }")
		ids[name] = testenv.Get(a, "actor", "id").(string)
	}
	partnership := func(title string, end any) string {
		in := map[string]any{"title": title, "kind": "OPERATIONAL_PROTOCOL", "zoneIds": []string{ids["Toscana"]}}
		if end != nil {
			in["endDate"] = end
		}
		return testenv.Get(mutate(t, e, "createPartnership", "CreatePartnershipInput", in, "partnership { id }"), "partnership", "id").(string)
	}
	soon, later, ended, open := partnership("soon", "2026-06-20"), partnership("later", "2026-12-31"), partnership("ended", "2026-05-01"), partnership("open", nil)
	route := func(from, to, p string) string {
		return testenv.Get(mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids[from], "toId": ids[to], "partnershipId": p}, "route { id }"), "route", "id").(string)
	}
	r1 := route("Reception centre", "Job centre", soon)
	r2 := route("Reception centre", "Shelter provider", later)
	r3 := route("Technical secretariat", "Job centre", ended)
	route("Technical secretariat", "Shelter provider", open)
	r5 := route("Follonica desk", "Follonica shelter", soon)

	list := func(v *auth.Viewer, days int) []string {
		t.Helper()
		q := `query($d: Int!) { routesLosingAgreement(withinDays: $d, first: 10) { totalCount edges { node { id agreementEndsOn agreementEnding(withinDays: $d) } } } }`
		var r testenv.Response
		if v == nil {
			r = e.Do(t, q, map[string]any{"d": days})
		} else {
			r = e.DoAs(t, *v, q, map[string]any{"d": days})
		}
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		var out []string
		for _, edge := range testenv.Get(r.Data, "routesLosingAgreement", "edges").([]any) {
			if testenv.Get(edge, "node", "agreementEnding") != true {
				t.Errorf("a listed route is flagged: %v", edge)
			}
			out = append(out, testenv.Get(edge, "node", "id").(string))
		}
		if n := int(testenv.Get(r.Data, "routesLosingAgreement", "totalCount").(float64)); n != len(out) {
			t.Errorf("totalCount %d, %d listed", n, len(out))
		}
		return out
	}
	same := func(got []string, want ...string) bool {
		if len(got) != len(want) {
			return false
		}
		for i := range got {
			if got[i] != want[i] {
				return false
			}
		}
		return true
	}
	within30 := list(nil, 30)
	if len(within30) != 3 || within30[0] != r3 || !(same(within30[1:], r1, r5) || same(within30[1:], r5, r1)) {
		t.Errorf("within 30 days: the ended agreement's route, then the two ending on 20 June; got %v (want %s then %s, %s)", within30, r3, r1, r5)
	}
	if got := list(nil, 300); len(got) != 4 || got[3] != r2 {
		t.Errorf("within 300 days the December agreement's route joins, last: %v", got)
	}
	coordinator := auth.Viewer{Subject: "coord", Role: auth.Coordinator, ZoneIDs: []string{rawKey(ids["Provincia di Grosseto"])}}
	if got := list(&coordinator, 30); !same(got, r5) {
		t.Errorf("a coordinator of the province lists the route wholly in it: %v, want %s", got, r5)
	}
	// The flag on a route read by ID.
	d := e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Route { agreementEndsOn in30: agreementEnding(withinDays: 30) in300: agreementEnding(withinDays: 300) } } }`, map[string]any{"id": r2})
	if testenv.Get(d, "node", "agreementEndsOn") != "2026-12-31" || testenv.Get(d, "node", "in30") != false || testenv.Get(d, "node", "in300") != true {
		t.Errorf("the December route: %v", d)
	}
	if r := e.Do(t, `{ routesLosingAgreement(withinDays: -1) { totalCount } }`, nil); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
		t.Errorf("a negative window is refused with a code: %+v", r)
	}
	operator := auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: rawKey(ids["Job centre"])}
	if r := e.DoAs(t, operator, `{ routesLosingAgreement { totalCount } }`, nil); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("coordinators and admins list them: %+v", r)
	}
}
