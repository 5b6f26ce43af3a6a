package graph_test

import (
	"testing"

	"snodo/internal/testenv"
)

func TestPathwayModels(t *testing.T) {
	e := testenv.Open(t)
	stages := []map[string]any{
		{"code": "1", "name": "Emersione e prevenzione"}, {"code": "2a", "name": "Prima valutazione"},
		{"code": "2b", "name": "Risposta emergenziale"}, {"code": "2c", "name": "PIP I"},
		{"code": "2d", "name": "PIP II", "allowedBack": []string{"2c"}}, {"code": "3", "name": "Inclusione"},
	}
	m := mutate(t, e, "createPathwayModel", "CreatePathwayModelInput", map[string]any{"name": "COMMIT", "stages": stages},
		"model { id version stages { id code position allowedBack { code } } }")
	id := testenv.Get(m, "model", "id").(string)
	if got := testenv.Get(m, "model", "stages", 4, "allowedBack", 0, "code"); got != "2c" {
		t.Errorf("2d may go back to 2c: %v", m)
	}
	firstID := testenv.Get(m, "model", "stages", 0, "id")

	for _, c := range []struct {
		name  string
		in    map[string]any
		code  string
		field string
	}{
		{"no stages", map[string]any{"name": "X", "stages": []any{}}, "REQUIRED", "input.stages"},
		{"duplicate code", map[string]any{"name": "X", "stages": []map[string]any{{"code": "a", "name": "A"}, {"code": "a", "name": "B"}}}, "DUPLICATE", "input.stages.1.code"},
		{"back to a later stage", map[string]any{"name": "X", "stages": []map[string]any{{"code": "a", "name": "A", "allowedBack": []string{"b"}}, {"code": "b", "name": "B"}}}, "INVALID", "input.stages.0.allowedBack"},
		{"duration out of range", map[string]any{"name": "X", "maxDurationDays": 0, "stages": []map[string]any{{"code": "a", "name": "A"}}}, "INVALID", "input.maxDurationDays"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, field := userError(t, e, "createPathwayModel", "CreatePathwayModelInput", c.in)
			if code != c.code || field != c.field {
				t.Errorf("got %s at %s, want %s at %s", code, field, c.code, c.field)
			}
		})
	}

	// Stages given again replace the old ones by code: kept codes keep their IDs.
	m = mutate(t, e, "updatePathwayModel", "UpdatePathwayModelInput", map[string]any{"id": id, "version": 1, "maxDurationDays": 730,
		"stages": []map[string]any{{"code": "1", "name": "Emersione"}, {"code": "3", "name": "Inclusione"}}},
		"model { version maxDurationDays stages { id code name position } }")
	if got := testenv.Get(m, "model", "stages"); len(got.([]any)) != 2 || testenv.Get(got, 0, "id") != firstID || testenv.Get(got, 1, "position") != float64(2) {
		t.Errorf("update stages: %v", got)
	}
	d := e.MustDo(t, `{ pathwayModels { name maxDurationDays stages { code model { name } } } }`, nil)
	if testenv.Get(d, "pathwayModels", 0, "maxDurationDays") != float64(730) || testenv.Get(d, "pathwayModels", 0, "stages", 1, "model", "name") != "COMMIT" {
		t.Errorf("models: %v", d)
	}
}

func TestReferralRoutes(t *testing.T) {
	e := testenv.Open(t)
	ids := zoneDAG(t, e)
	for k, v := range taxonomy(t, e) {
		ids[k] = v
	}
	for _, name := range []string{"Reception centre", "Technical secretariat", "Helpline", "Job centre"} {
		a := mutate(t, e, "createActor", "CreateActorInput", map[string]any{"name": name, "kind": "OTHER", "zoneIds": []string{ids["Toscana"]}}, "actor { id }")
		ids[name] = testenv.Get(a, "actor", "id").(string)
	}
	route := func(from, to, instrument string, needs ...string) {
		var needIDs []string
		for _, n := range needs {
			needIDs = append(needIDs, ids[n])
		}
		mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids[from], "toId": ids[to], "instrument": instrument, "needIds": needIDs}, "route { id }")
	}
	route("Reception centre", "Technical secretariat", "scheda di prima profilazione", "housing")
	route("Technical secretariat", "Job centre", "PIP", "work")
	route("Reception centre", "Helpline", "telefonata")
	route("Helpline", "Job centre", "segnalazione", "work.placement")
	route("Job centre", "Reception centre", "rinvio")

	q := `query($from: ID!, $to: ID!, $need: ID, $hops: Int) { referralRoutes(fromId: $from, toId: $to, needId: $need, maxHops: $hops) {
		hops steps { instrument from { ... on Actor { name } } to { ... on Actor { name } } } } }`
	d := e.MustDo(t, q, map[string]any{"from": ids["Reception centre"], "to": ids["Job centre"]})
	paths := testenv.Get(d, "referralRoutes").([]any)
	if len(paths) != 2 || testenv.Get(paths[0], "hops") != float64(2) || testenv.Get(paths[1], "hops") != float64(2) {
		t.Fatalf("two alternative paths of 2 routes: %v", paths)
	}
	if got := testenv.Get(paths[0], "steps", 0, "instrument"); got != "scheda di prima profilazione" {
		t.Errorf("equal paths by instrument: %v", got)
	}
	if got := testenv.Get(paths[0], "steps", 1, "to", "name"); got != "Job centre" {
		t.Errorf("steps run in order to the end: %v", paths[0])
	}
	// For a work placement, the route for housing does not serve: only the helpline's path does.
	d = e.MustDo(t, q, map[string]any{"from": ids["Reception centre"], "to": ids["Job centre"], "need": ids["work.placement"]})
	if paths := testenv.Get(d, "referralRoutes").([]any); len(paths) != 1 || testenv.Get(paths[0], "steps", 0, "to", "name") != "Helpline" {
		t.Errorf("for work placement: %v", paths)
	}
	d = e.MustDo(t, q, map[string]any{"from": ids["Reception centre"], "to": ids["Job centre"], "hops": 1})
	if paths := testenv.Get(d, "referralRoutes").([]any); len(paths) != 0 {
		t.Errorf("no path of 1 route: %v", paths)
	}
	d = e.MustDo(t, `query($from: ID!) { nextRoutes(fromId: $from) { instrument to { ... on Actor { name } } } }`, map[string]any{"from": ids["Reception centre"]})
	if n := len(testenv.Get(d, "nextRoutes").([]any)); n != 2 {
		t.Errorf("two routes out of the reception centre: %v", d)
	}

	for name, c := range map[string]struct {
		vars map[string]any
		code string
	}{
		"maxHops over 10":  {map[string]any{"from": ids["Reception centre"], "to": ids["Job centre"], "hops": 11}, "BAD_USER_INPUT"},
		"a zone as an end": {map[string]any{"from": ids["Toscana"], "to": ids["Job centre"]}, "INVALID_ID"},
		"an unknown actor": {map[string]any{"from": "QWN0b3I6bm9wZQ", "to": ids["Job centre"]}, "NOT_FOUND"},
	} {
		t.Run(name, func(t *testing.T) {
			if r := e.Do(t, q, c.vars); r.Code() != c.code {
				t.Errorf("code %q, want %q: %+v", r.Code(), c.code, r.Errors)
			}
		})
	}
	if code, field := userError(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids["Helpline"], "toId": ids["Helpline"]}); code != "INVALID" || field != "input.toId" {
		t.Errorf("a route to itself: %s at %s", code, field)
	}
}
