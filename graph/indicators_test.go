package graph_test

import (
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/model"
)

func TestIndicators(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	operator := auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}
	// 6 cases in Follonica: 5 referred to the job desk and accepted, 1 closed as dropped out.
	for i := 0; i < 6; i++ {
		c := testenv.Get(mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
			map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}}), "openCase", "case", "id").(string)
		if i == 5 {
			mustAs(t, e, manager, `mutation($in: CloseCaseInput!) { closeCase(input: $in) { userErrors { code } } }`, map[string]any{"caseId": c, "version": 1, "outcome": "DROPPED_OUT"})
			continue
		}
		ref := testenv.Get(mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { id } } }`,
			map[string]any{"caseId": c, "toId": ids["Job desk"], "needId": ids["work.placement"]}), "refer", "referral", "id").(string)
		for v, st := range []string{"RECEIVED", "ACCEPTED"} {
			mustAs(t, e, operator, `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { userErrors { code } } }`, map[string]any{"referralId": ref, "version": v + 1, "status": st})
		}
	}
	now := time.Now().In(time.FixedZone("CET", 3600))
	quarter := model.Quarter{Year: now.Year(), N: (int(now.Month())-1)/3 + 1}.String()
	r := e.DoAs(t, auth.Viewer{Subject: "res", Role: auth.Researcher}, `query($z: ID!, $q: String!) { indicators(zoneId: $z, quarter: $q) {
		quarter casesOpened { value } casesInCharge { value } casesClosed { value withheld } outcomes { key count { value withheld } }
		referrals { key count { value } } acceptanceRate medianDaysToTakingCharge overdueCases { value } needsWithoutService { code } } }`,
		map[string]any{"z": ids["Provincia di Grosseto"], "q": quarter})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	in := r.Data["indicators"]
	if testenv.Get(in, "casesOpened", "value") != float64(6) || testenv.Get(in, "casesInCharge", "value") != float64(5) {
		t.Errorf("opened and in charge: %v", in)
	}
	if testenv.Get(in, "casesClosed", "withheld") != true || testenv.Get(in, "outcomes", 0, "count", "withheld") != true {
		t.Errorf("a single closed case is withheld: %v", in)
	}
	if testenv.Get(in, "referrals", 0, "key") != "ACCEPTED" || testenv.Get(in, "referrals", 0, "count", "value") != float64(5) || testenv.Get(in, "acceptanceRate") != float64(1) {
		t.Errorf("referrals: %v", in)
	}
	if d, ok := testenv.Get(in, "medianDaysToTakingCharge").(float64); !ok || d < 0 || d > 1 {
		t.Errorf("taken in charge within the day: %v", in)
	}
	if r := e.Do(t, `query($z: ID!) { indicators(zoneId: $z, quarter: "2026-Q5") { quarter } }`, map[string]any{"z": ids["Toscana"]}); r.Code() != "BAD_USER_INPUT" {
		t.Errorf("a quarter that is not one: %q", r.Code())
	}
}
