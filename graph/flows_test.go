package graph_test

import (
	"math"
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
)

func TestReferralFlows(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	operator := auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}
	refer := func(to string) string {
		c := testenv.Get(mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
			map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"], ids["housing"]}}), "openCase", "case", "id")
		need := ids["work.placement"]
		if to == "Shelter" {
			need = ids["housing.shelter"]
		}
		return testenv.Get(mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { id } } }`,
			map[string]any{"caseId": c, "toId": ids[to], "needId": need}), "refer", "referral", "id").(string)
	}
	move := func(ref string, version int, status, note string) {
		in := map[string]any{"referralId": ref, "version": version, "status": status}
		if note != "" {
			in["note"] = note
		}
		mustAs(t, e, operator, `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { userErrors { code } } }`, in)
	}
	for i := 0; i < 6; i++ {
		ref := refer("Job desk")
		move(ref, 1, "RECEIVED", "")
		if i < 5 {
			move(ref, 2, "ACCEPTED", "")
		} else {
			move(ref, 2, "REFUSED", "nessun posto")
		}
	}
	refer("Shelter")

	q := `query($in: FlowsInput!) { referralFlows(input: $in) { from to fromId sent { value withheld } accepted { value } refused { value withheld }
		offRoute { value } acceptanceRate medianDaysToAccept p90DaysToAccept medianDaysToComplete } }`
	researcher := auth.Viewer{Subject: "res", Role: auth.Researcher}
	flows := testenv.Get(mustAs(t, e, researcher, q, map[string]any{"zoneId": ids["Toscana"]}), "referralFlows").([]any)
	if len(flows) != 2 {
		t.Fatalf("two flows: %v", flows)
	}
	desk := flows[0]
	if testenv.Get(desk, "to") != "Job desk" || testenv.Get(desk, "sent", "value") != float64(6) || testenv.Get(desk, "accepted", "value") != float64(5) {
		t.Errorf("the job desk's flow: %v", desk)
	}
	if rate, _ := testenv.Get(desk, "acceptanceRate").(float64); math.Abs(rate-5.0/6) > 1e-9 || testenv.Get(desk, "medianDaysToAccept") == nil || testenv.Get(desk, "medianDaysToComplete") != nil {
		t.Errorf("5 accepted of 6 answered; none completed: %v", desk)
	}
	if testenv.Get(desk, "refused", "withheld") != true || testenv.Get(desk, "offRoute", "value") != float64(6) {
		t.Errorf("a single refusal is withheld; no route leads to the desk: %v", desk)
	}
	shelter := flows[1]
	if testenv.Get(shelter, "sent", "withheld") != true || testenv.Get(shelter, "acceptanceRate") != nil {
		t.Errorf("a flow of one referral is withheld: %v", shelter)
	}
	rolled := testenv.Get(mustAs(t, e, researcher, q, map[string]any{"byActorKind": true}), "referralFlows").([]any)
	if len(rolled) != 1 || testenv.Get(rolled[0], "from") != "OTHER" || testenv.Get(rolled[0], "sent", "value") != float64(7) || testenv.Get(rolled[0], "fromId") != nil {
		t.Errorf("rolled up to kinds: %v", rolled)
	}
}

// TestReferralFlowTimes follows five referrals to one desk on a known clock: accepted after 1,
// 2, 3 and 4 days, one refused; two of the accepted completed 10 and 20 days after sending.
// By hand: acceptance 4 of 5 answered = 0.8; days to accept, median 2.5 and 90th percentile
// 3 + 0.7 * (4 - 3) = 3.7; days to complete, median 15 and 90th percentile 10 + 0.9 * 10 = 19.
func TestReferralFlowTimes(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := start
	e.Store.SetClock(func() time.Time { return clock })
	t.Cleanup(func() { e.Store.SetClock(nil) })
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	operator := auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}
	move := func(ref string, version int, status, note string) {
		in := map[string]any{"referralId": ref, "version": version, "status": status}
		if note != "" {
			in["note"] = note
		}
		r := mustAs(t, e, operator, `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { userErrors { code } } }`, in)
		if errs := testenv.Get(r, "moveReferral", "userErrors").([]any); len(errs) > 0 {
			t.Fatalf("%s: %v", status, errs)
		}
	}
	var refs []string
	for i := range 5 {
		clock = start
		c := testenv.Get(mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
			map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}}), "openCase", "case", "id")
		ref := testenv.Get(mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { id } } }`,
			map[string]any{"caseId": c, "toId": ids["Job desk"], "needId": ids["work.placement"]}), "refer", "referral", "id").(string)
		refs = append(refs, ref)
		move(ref, 1, "RECEIVED", "")
		clock = start.AddDate(0, 0, i+1)
		if i == 4 {
			move(ref, 2, "REFUSED", "nessun posto")
			continue
		}
		move(ref, 2, "ACCEPTED", "")
		if i < 2 {
			move(ref, 3, "IN_PROGRESS", "")
			clock = start.AddDate(0, 0, 10*(i+1))
			move(ref, 4, "COMPLETED", "tirocinio avviato")
		}
	}
	q := `query($in: FlowsInput!) { referralFlows(input: $in) { to sent { value } acceptanceRate
		medianDaysToAccept p90DaysToAccept medianDaysToComplete p90DaysToComplete } }`
	researcher := auth.Viewer{Subject: "res", Role: auth.Researcher}
	flows := testenv.Get(mustAs(t, e, researcher, q, map[string]any{"zoneId": ids["Toscana"]}), "referralFlows").([]any)
	if len(flows) != 1 {
		t.Fatalf("one flow: %v", flows)
	}
	want := map[string]float64{"acceptanceRate": 0.8, "medianDaysToAccept": 2.5, "p90DaysToAccept": 3.7, "medianDaysToComplete": 15, "p90DaysToComplete": 19}
	for field, w := range want {
		if got, _ := testenv.Get(flows[0], field).(float64); math.Abs(got-w) > 1e-9 {
			t.Errorf("%s: %v, want %v", field, testenv.Get(flows[0], field), w)
		}
	}
	// The referral itself tells when it was accepted and completed.
	node := func(id string) map[string]any {
		r := e.DoAs(t, manager, `query($id: ID!) { node(id: $id) { ... on Referral { acceptedAt completedAt } } }`, map[string]any{"id": id})
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		return r.Data
	}
	r := node(refs[1])
	if testenv.Get(r, "node", "acceptedAt") != "2026-03-04T09:00:00Z" || testenv.Get(r, "node", "completedAt") != "2026-03-22T09:00:00Z" {
		t.Errorf("accepted on day 2, completed on day 20: %v", r)
	}
	r = node(refs[4])
	if testenv.Get(r, "node", "acceptedAt") != nil || testenv.Get(r, "node", "completedAt") != nil {
		t.Errorf("a refused referral was never accepted: %v", r)
	}
}

// TestReferralFlowsFirst keeps the flows with the most referrals and refuses a size out of range.
func TestReferralFlowsFirst(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	for i, to := range []string{"Job desk", "Job desk", "Shelter"} {
		need := map[bool]string{true: ids["housing.shelter"], false: ids["work.placement"]}[to == "Shelter"]
		c := testenv.Get(mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
			map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"], ids["housing"]}}), "openCase", "case", "id")
		r := mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { userErrors { code } } }`,
			map[string]any{"caseId": c, "toId": ids[to], "needId": need})
		if errs := testenv.Get(r, "refer", "userErrors").([]any); len(errs) > 0 {
			t.Fatalf("referral %d: %v", i, errs)
		}
	}
	researcher := auth.Viewer{Subject: "res", Role: auth.Researcher}
	q := `query($in: FlowsInput!) { referralFlows(input: $in) { to } }`
	flows := testenv.Get(mustAs(t, e, researcher, q, map[string]any{"first": 1}), "referralFlows").([]any)
	if len(flows) != 1 || testenv.Get(flows[0], "to") != "Job desk" {
		t.Errorf("the first flow is the desk's, with two referrals: %v", flows)
	}
	for _, first := range []int{0, -1, 1001} {
		r := e.DoAs(t, researcher, q, map[string]any{"in": map[string]any{"first": first}})
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "BAD_USER_INPUT" {
			t.Errorf("first %d: %+v", first, r.Errors)
		}
	}
}
