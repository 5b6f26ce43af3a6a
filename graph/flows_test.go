package graph_test

import (
	"math"
	"testing"

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
