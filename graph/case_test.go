package graph_test

import (
	"strings"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
)

// caseWorld builds a small COMMIT network: a reception centre that manages cases, a technical
// secretariat, a job centre with a desk, a shelter provider, an archived service, a route from the
// reception centre to the secretariat, and the COMMIT model.
func caseWorld(t *testing.T, e *testenv.Env) map[string]string {
	t.Helper()
	ids := zoneDAG(t, e)
	for k, v := range taxonomy(t, e) {
		ids[k] = v
	}
	for _, name := range []string{"Reception centre", "Technical secretariat", "Job centre", "Shelter provider"} {
		a := mutate(t, e, "createActor", "CreateActorInput", map[string]any{"name": name, "kind": "OTHER", "zoneIds": []string{ids["Toscana"]}}, "actor { id }")
		ids[name] = testenv.Get(a, "actor", "id").(string)
	}
	service := func(name, provider, need string, status string) {
		s := mutate(t, e, "createService", "CreateServiceInput", map[string]any{"providerId": ids[provider], "name": name, "categoryId": ids["training_work"],
			"channel": "DESK", "status": status, "needIds": []string{ids[need]}, "zoneIds": []string{ids["Toscana"]}}, "service { id }")
		ids[name] = testenv.Get(s, "service", "id").(string)
	}
	service("Job desk", "Job centre", "work.placement", "ACTIVE")
	service("Shelter", "Shelter provider", "housing.shelter", "ACTIVE")
	service("Old desk", "Job centre", "work.placement", "ARCHIVED")
	mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids["Reception centre"], "toId": ids["Technical secretariat"], "instrument": "scheda di prima profilazione"}, "route { id }")
	m := mutate(t, e, "createPathwayModel", "CreatePathwayModelInput", map[string]any{"name": "COMMIT", "stages": []map[string]any{
		{"code": "1", "name": "Emersione"}, {"code": "2a", "name": "Prima valutazione"}, {"code": "2b", "name": "Emergenza"},
		{"code": "2c", "name": "PIP I"}, {"code": "2d", "name": "PIP II", "allowedBack": []string{"2c"}}, {"code": "3", "name": "Inclusione"},
	}}, "model { id stages { id code } }")
	ids["COMMIT"] = testenv.Get(m, "model", "id").(string)
	for _, st := range testenv.Get(m, "model", "stages").([]any) {
		ids["stage "+testenv.Get(st, "code").(string)] = testenv.Get(st, "id").(string)
	}
	other := mutate(t, e, "createPathwayModel", "CreatePathwayModelInput", map[string]any{"name": "SIL", "maxDurationDays": 730,
		"stages": []map[string]any{{"code": "report", "name": "Segnalazione"}}}, "model { id stages { id } }")
	ids["SIL"], ids["SIL report"] = testenv.Get(other, "model", "id").(string), testenv.Get(other, "model", "stages", 0, "id").(string)
	return ids
}

func TestCaseThroughTheCOMMITModel(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm-anna", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	secretariat := auth.Viewer{Subject: "op-secretariat", Role: auth.CaseManager, ActorID: key(t, ids["Technical secretariat"])}
	jobOperator := auth.Viewer{Subject: "op-job", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}
	shelterOperator := auth.Viewer{Subject: "op-shelter", Role: auth.ServiceOperator, ActorID: key(t, ids["Shelter provider"])}
	as := func(v auth.Viewer, name, inputType string, in map[string]any, selection string) any {
		t.Helper()
		r := e.DoAs(t, v, `mutation($in: `+inputType+`!) { `+name+`(input: $in) { `+selection+` userErrors { field code message } } }`, map[string]any{"in": in})
		if len(r.Errors) > 0 {
			t.Fatalf("%s as %s: %+v", name, v.Subject, r.Errors)
		}
		if errs := testenv.Get(r.Data, name, "userErrors").([]any); len(errs) > 0 {
			t.Fatalf("%s as %s: %v", name, v.Subject, errs)
		}
		return r.Data[name]
	}

	opened := as(manager, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"],
		"needIds": []string{ids["work"], ids["housing"]}, "employability": "MEDIUM", "notes": "primo contatto dall'unità di strada"},
		"case { id code version status stage { code } managingActor { name } caseManager }")
	caseID := testenv.Get(opened, "case", "id").(string)
	if code := testenv.Get(opened, "case", "code").(string); !strings.HasPrefix(code, "SN-") || len(code) != 12 {
		t.Errorf("a pseudonymous code: %q", code)
	}
	if testenv.Get(opened, "case", "stage", "code") != "1" || testenv.Get(opened, "case", "managingActor", "name") != "Reception centre" {
		t.Errorf("opened: %v", opened)
	}
	version := 1
	move := func(stage string) {
		t.Helper()
		c := as(manager, "moveCase", "MoveCaseInput", map[string]any{"caseId": caseID, "version": version, "stageId": ids["stage "+stage]}, "case { version stage { code } }")
		version = int(testenv.Get(c, "case", "version").(float64))
	}
	refer := func(to, need string) (string, bool) {
		t.Helper()
		r := as(manager, "refer", "ReferInput", map[string]any{"caseId": caseID, "toId": ids[to], "needId": ids[need], "consent": givenConsent}, "referral { id status offRoute }")
		return testenv.Get(r, "referral", "id").(string), testenv.Get(r, "referral", "offRoute").(bool)
	}
	moveRef := func(v auth.Viewer, ref, status, note string, version int) {
		t.Helper()
		in := map[string]any{"referralId": ref, "version": version, "status": status}
		if note != "" {
			in["note"] = note
		}
		as(v, "moveReferral", "MoveReferralInput", in, "referral { status }")
	}

	// 1 emergence: the reception centre sends the profiling form to the secretariat, on the route.
	toSecretariat, off := refer("Technical secretariat", "work")
	if off {
		t.Error("the referral to the secretariat follows the designed route")
	}
	moveRef(secretariat, toSecretariat, "RECEIVED", "", 1)
	moveRef(secretariat, toSecretariat, "ACCEPTED", "", 2)
	move("2a")
	// 2c: a plan; the shelter refuses, the job desk accepts and completes.
	move("2c")
	toShelter, off := refer("Shelter", "housing.shelter")
	if !off {
		t.Error("no designed route leads to the shelter: the referral is off route")
	}
	moveRef(shelterOperator, toShelter, "RECEIVED", "", 1)
	moveRef(shelterOperator, toShelter, "REFUSED", "nessun posto per nuclei con minori", 2)
	toDesk, _ := refer("Job desk", "work.placement")
	added := as(manager, "addIntervention", "AddInterventionInput", map[string]any{"caseId": caseID, "needId": ids["work.placement"], "serviceId": ids["Job desk"],
		"startDate": "2026-01-10", "endDate": "2026-06-30"}, "intervention { id status }")
	intervention := testenv.Get(added, "intervention", "id")
	if code, field := caseUserError(t, e, manager, "moveIntervention", "MoveInterventionInput", map[string]any{"interventionId": intervention, "status": "DONE"}); code != "INVALID" || field != "input.status" {
		t.Errorf("a planned intervention is not done before it starts: %s %s", code, field)
	}
	as(manager, "moveIntervention", "MoveInterventionInput", map[string]any{"interventionId": intervention, "status": "ACTIVE"}, "intervention { status }")
	move("2d")
	move("2c") // 2d may go back to 2c
	move("2d")
	for i, st := range []string{"RECEIVED", "ACCEPTED", "IN_PROGRESS"} {
		moveRef(jobOperator, toDesk, st, "", i+1)
	}
	moveRef(jobOperator, toDesk, "COMPLETED", "tirocinio avviato", 4)
	if done := as(manager, "moveIntervention", "MoveInterventionInput", map[string]any{"interventionId": intervention, "status": "DONE"}, "intervention { status }"); testenv.Get(done, "intervention", "status") != "DONE" {
		t.Errorf("the intervention is done: %v", done)
	}
	move("3")
	closed := as(manager, "closeCase", "CloseCaseInput", map[string]any{"caseId": caseID, "version": version, "outcome": "INCLUDED"}, "case { status outcome closedAt }")
	if testenv.Get(closed, "case", "status") != "CLOSED" || testenv.Get(closed, "case", "outcome") != "INCLUDED" {
		t.Errorf("closed: %v", closed)
	}

	// The trace: every event in time order, and the graph.
	r := e.DoAs(t, manager, `query($id: ID!) { caseTrace(id: $id) { case { code status plan { interventions { service { name } status } } }
		events { kind summary by stage { code } referral { status to { ... on Service { name } ... on Actor { name } } } actors { name } services { name } zone { name } }
		nodes { id type label } edges { from to kind } } }`, map[string]any{"id": caseID})
	if len(r.Errors) > 0 {
		t.Fatalf("trace: %+v", r.Errors)
	}
	var kinds []string
	for _, ev := range testenv.Get(r.Data, "caseTrace", "events").([]any) {
		kinds = append(kinds, testenv.Get(ev, "kind").(string))
		if testenv.Get(ev, "zone", "name") != "Follonica" {
			t.Errorf("each event names the case's zone: %v", ev)
		}
	}
	want := "OPENED REFERRAL_SENT REFERRAL_CHANGED REFERRAL_CHANGED STAGE_MOVED STAGE_MOVED REFERRAL_SENT REFERRAL_CHANGED REFERRAL_CHANGED " +
		"REFERRAL_SENT INTERVENTION_ADDED INTERVENTION_CHANGED STAGE_MOVED STAGE_MOVED STAGE_MOVED REFERRAL_CHANGED REFERRAL_CHANGED REFERRAL_CHANGED REFERRAL_CHANGED " +
		"INTERVENTION_CHANGED STAGE_MOVED CLOSED"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("trace:\n got %s\nwant %s", got, want)
	}
	if n := len(testenv.Get(r.Data, "caseTrace", "nodes").([]any)); n < 8 {
		t.Errorf("the graph has the case, zone, stage, actor, 3 referrals and their ends: %d nodes", n)
	}
	if got := testenv.Get(r.Data, "caseTrace", "case", "plan", "interventions", 0, "service", "name"); got != "Job desk" {
		t.Errorf("plan: %v", got)
	}
	d := e.DoAs(t, manager, `query($id: ID!) { node(id: $id) { ... on Case { referrals { status reason outcome offRoute history { status by } } } } }`,
		map[string]any{"id": caseID}).Data
	refs := testenv.Get(d, "node", "referrals").([]any)
	if len(refs) != 3 || testenv.Get(refs[0], "status") != "COMPLETED" || testenv.Get(refs[0], "outcome") != "tirocinio avviato" ||
		testenv.Get(refs[1], "reason") != "nessun posto per nuclei con minori" || len(testenv.Get(refs[0], "history").([]any)) != 5 {
		t.Errorf("referrals, newest first, with history: %v", refs)
	}

	// Reads of the case are audited.
	d = e.MustDo(t, `query($t: ID!) { auditLog(filter: {targetId: $t}) { edges { node { action subject operation } } } }`, map[string]any{"t": caseID})
	reads := 0
	for _, edge := range testenv.Get(d, "auditLog", "edges").([]any) {
		if testenv.Get(edge, "node", "action") == "READ" && testenv.Get(edge, "node", "subject") == "cm-anna" {
			reads++
		}
	}
	if reads < 2 {
		t.Errorf("caseTrace and node reads by the case manager are audited: %v", d)
	}
}

func TestCaseForbiddenMoves(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	c := testenv.Get(e.DoAs(t, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
		map[string]any{"in": map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}}}).Data, "openCase", "case", "id").(string)
	r := testenv.Get(e.DoAs(t, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { id } } }`,
		map[string]any{"in": map[string]any{"caseId": c, "toId": ids["Job desk"], "needId": ids["work.placement"], "consent": givenConsent}}).Data, "refer", "referral", "id").(string)
	jobOperator := auth.Viewer{Subject: "op-job", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}

	cases := []struct {
		name, mutation, input string
		viewer                auth.Viewer
		in                    map[string]any
		code, field           string
	}{
		{"accepting a referral not yet received", "moveReferral", "MoveReferralInput", jobOperator, map[string]any{"referralId": r, "version": 1, "status": "ACCEPTED"}, "INVALID", "input.status"},
		{"completing without an outcome", "moveReferral", "MoveReferralInput", jobOperator, map[string]any{"referralId": r, "version": 1, "status": "COMPLETED"}, "REQUIRED", "input.note"},
		{"a stage of another model", "moveCase", "MoveCaseInput", manager, map[string]any{"caseId": c, "version": 1, "stageId": ids["SIL report"]}, "NOT_FOUND", "input.stageId"},
		{"the stage the case is at", "moveCase", "MoveCaseInput", manager, map[string]any{"caseId": c, "version": 1, "stageId": ids["stage 1"]}, "INVALID", "input.stageId"},
		{"a referral to an archived service", "refer", "ReferInput", manager, map[string]any{"caseId": c, "toId": ids["Old desk"], "needId": ids["work"], "consent": givenConsent}, "INVALID", "input.toId"},
		{"a referral for a need the case lacks", "refer", "ReferInput", manager, map[string]any{"caseId": c, "toId": ids["Shelter"], "needId": ids["housing"], "consent": givenConsent}, "INVALID", "input.needId"},
		{"an intervention by a service that does not answer the need", "addIntervention", "AddInterventionInput", manager,
			map[string]any{"caseId": c, "needId": ids["work"], "serviceId": ids["Shelter"]}, "INVALID", "input.serviceId"},
		{"a stale case version", "moveCase", "MoveCaseInput", manager, map[string]any{"caseId": c, "version": 9, "stageId": ids["stage 2a"]}, "VERSION_CONFLICT", "input.version"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := e.DoAs(t, tc.viewer, `mutation($in: `+tc.input+`!) { `+tc.mutation+`(input: $in) { userErrors { field code message } } }`, map[string]any{"in": tc.in})
			if len(d.Errors) > 0 {
				t.Fatalf("%+v", d.Errors)
			}
			errs := testenv.Get(d.Data, tc.mutation, "userErrors").([]any)
			if len(errs) == 0 {
				t.Fatalf("want %s, got no user error", tc.code)
			}
			if got, field := testenv.Get(errs[0], "code"), joinPath(testenv.Get(errs[0], "field")); got != tc.code || field != tc.field {
				t.Errorf("got %v at %s, want %s at %s: %v", got, field, tc.code, tc.field, errs[0])
			}
		})
	}
	// Moving forward then back where not allowed: from 2a back to 1.
	e.DoAs(t, manager, `mutation($in: MoveCaseInput!) { moveCase(input: $in) { userErrors { code } } }`, map[string]any{"in": map[string]any{"caseId": c, "version": 1, "stageId": ids["stage 2a"]}})
	if code, field := caseUserError(t, e, manager, "moveCase", "MoveCaseInput", map[string]any{"caseId": c, "version": 2, "stageId": ids["stage 1"]}); code != "INVALID" || field != "input.stageId" {
		t.Errorf("moving back where the stage does not allow: %s at %s", code, field)
	}
	e.DoAs(t, manager, `mutation($in: CloseCaseInput!) { closeCase(input: $in) { userErrors { code } } }`, map[string]any{"in": map[string]any{"caseId": c, "version": 2, "outcome": "DROPPED_OUT"}})
	if code, _ := caseUserError(t, e, manager, "closeCase", "CloseCaseInput", map[string]any{"caseId": c, "version": 3, "outcome": "OTHER"}); code != "INVALID" {
		t.Errorf("closing a closed case: %s", code)
	}

	// Who may see what.
	trace := `query($id: ID!) { caseTrace(id: $id) { case { code } } }`
	for name, tc := range map[string]struct {
		viewer auth.Viewer
		query  string
		code   string
	}{
		"a researcher asking for a case":     {auth.Viewer{Subject: "r", Role: auth.Researcher}, trace, "FORBIDDEN"},
		"a researcher asking for it by node": {auth.Viewer{Subject: "r", Role: auth.Researcher}, `query($id: ID!) { node(id: $id) { id } }`, ""}, // null, as for no case

		"a coordinator asking for a case":         {auth.Viewer{Subject: "c", Role: auth.Coordinator}, trace, "FORBIDDEN"},
		"an anonymous visitor asking referrals":   {auth.Viewer{Role: auth.Anonymous}, `{ incomingReferrals { totalCount } }`, "UNAUTHENTICATED"},
		"a case manager of another actor":         {auth.Viewer{Subject: "x", Role: auth.CaseManager, ActorID: key(t, ids["Shelter provider"])}, trace, "NOT_FOUND"}, // as for no case
		"the recipient's operator sees the case":  {jobOperator, `query($id: ID!) { node(id: $id) { id } }`, ""},
		"an operator reads its incoming referral": {jobOperator, `{ incomingReferrals { totalCount } }`, ""},
	} {
		t.Run(name, func(t *testing.T) {
			if r := e.DoAs(t, tc.viewer, tc.query, map[string]any{"id": c}); r.Code() != tc.code {
				t.Errorf("code %q, want %q: %+v", r.Code(), tc.code, r.Errors)
			}
		})
	}
	other := auth.Viewer{Subject: "x", Role: auth.CaseManager, ActorID: key(t, ids["Shelter provider"])}
	if d := e.DoAs(t, other, `{ cases { totalCount } }`, nil); testenv.Get(d.Data, "cases", "totalCount") != float64(0) {
		t.Errorf("another actor's case manager counts no case: %+v", d)
	}
	if d := e.DoAs(t, manager, `{ cases { totalCount } }`, nil); testenv.Get(d.Data, "cases", "totalCount") != float64(1) {
		t.Errorf("the managing actor's case manager counts its case: %+v", d)
	}
}

func caseUserError(t *testing.T, e *testenv.Env, v auth.Viewer, mutation, inputType string, in map[string]any) (string, string) {
	t.Helper()
	d := e.DoAs(t, v, `mutation($in: `+inputType+`!) { `+mutation+`(input: $in) { userErrors { field code } } }`, map[string]any{"in": in})
	errs, _ := testenv.Get(d.Data, mutation, "userErrors").([]any)
	if len(errs) == 0 {
		return "", ""
	}
	return testenv.Get(errs[0], "code").(string), joinPath(testenv.Get(errs[0], "field"))
}

// A route to an actor covers referrals to the actor's services.
func TestReferralOnRouteThroughProvider(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids["Reception centre"], "toId": ids["Job centre"]}, "route { id }")
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	c := testenv.Get(mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
		map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"], ids["housing"]}}), "openCase", "case", "id")
	refer := func(to, need string) any {
		return testenv.Get(mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { offRoute } } }`,
			map[string]any{"caseId": c, "toId": ids[to], "needId": ids[need], "consent": givenConsent}), "refer", "referral", "offRoute")
	}
	if refer("Job desk", "work.placement") != false {
		t.Error("the route to the job centre covers its desk")
	}
	if refer("Shelter", "housing.shelter") != true {
		t.Error("no route leads to the shelter's provider")
	}
}

// A route designed for some needs covers referrals for them, broader or narrower, and no other.
func TestReferralOnRouteForItsNeeds(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids["Reception centre"], "toId": ids["Job centre"],
		"needIds": []string{ids["work"]}}, "route { id }")
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	c := testenv.Get(mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
		map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"], ids["housing"]}}), "openCase", "case", "id")
	refer := func(need string) any {
		return testenv.Get(mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { offRoute } } }`,
			map[string]any{"caseId": c, "toId": ids["Job desk"], "needId": ids[need], "consent": givenConsent}), "refer", "referral", "offRoute")
	}
	if refer("work.placement") != false || refer("work") != false {
		t.Error("the route for work covers work and its narrower needs")
	}
	if refer("housing") != true {
		t.Error("the route for work does not cover housing")
	}
}
