package graph_test

import (
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
)

func TestIndicators(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	operator := auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}
	// 6 cases in Follonica: 5 referred to the job desk and accepted, 1 closed as dropped out.
	pastClock(t, e, time.Date(2026, 8, 3, 9, 0, 0, 0, time.UTC))
	for i := 0; i < 6; i++ {
		c := testenv.Get(mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
			map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}}), "openCase", "case", "id").(string)
		if i == 5 {
			mustAs(t, e, manager, `mutation($in: CloseCaseInput!) { closeCase(input: $in) { userErrors { code } } }`, map[string]any{"caseId": c, "version": 1, "outcome": "DROPPED_OUT"})
			continue
		}
		ref := testenv.Get(mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { id } } }`,
			map[string]any{"caseId": c, "toId": ids["Job desk"], "needId": ids["work.placement"], "consent": givenConsent}), "refer", "referral", "id").(string)
		for v, st := range []string{"RECEIVED", "ACCEPTED"} {
			mustAs(t, e, operator, `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { userErrors { code } } }`, map[string]any{"referralId": ref, "version": v + 1, "status": st})
		}
	}
	e.Store.SetClock(nil)
	r := e.DoAs(t, auth.Viewer{Subject: "res", Role: auth.Researcher}, `query($z: ID!, $q: String!) { indicators(zoneId: $z, period: $q) {
		period casesOpened casesInCharge casesClosed outcomes { key count }
		referrals { key count } acceptanceRate { value withheld } medianDaysToTakingCharge { value withheld } overdueCases needsWithoutService { code } } }`,
		map[string]any{"z": ids["Provincia di Grosseto"], "q": "2026-Q3"})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	in := r.Data["indicators"]
	// 6 opened, 5 in charge: published within the noise, never under the threshold.
	if o := num(testenv.Get(in, "casesOpened")); o < 5 || o > 7 || testenv.Get(in, "period") != "2026-Q3" {
		t.Errorf("opened: %v", in)
	}
	if c := num(testenv.Get(in, "casesInCharge")); c != 5 {
		t.Errorf("5 in charge are published as 5 (a count at the threshold has no room for noise): %v", in)
	}
	// The one closed case: 0 or 5, and its outcome listed only when published above 0.
	if c := num(testenv.Get(in, "casesClosed")); c != 0 && c != 5 {
		t.Errorf("a single closed case published as %d", c)
	}
	if testenv.Get(in, "referrals", 0, "key") != "ACCEPTED" || num(testenv.Get(in, "referrals", 0, "count")) != 5 {
		t.Errorf("referrals: %v", in)
	}
	if testenv.Get(in, "acceptanceRate", "withheld") != "TOO_FEW" || testenv.Get(in, "medianDaysToTakingCharge", "withheld") != "TOO_FEW" {
		t.Errorf("figures over 5 referrals: %v", in)
	}
	if r := e.Do(t, `query($z: ID!) { indicators(zoneId: $z, period: "2026-Q5") { period } }`, map[string]any{"z": ids["Toscana"]}); r.Code() != "BAD_USER_INPUT" {
		t.Errorf("a quarter that is not one: %q", r.Code())
	}
	if r := e.Do(t, `query($z: ID!) { indicators(zoneId: $z, period: "2026-Q4") { period } }`, map[string]any{"z": ids["Toscana"]}); r.Code() != "PERIOD_NOT_ENDED" {
		t.Errorf("the current quarter, even for an admin: %q", r.Code())
	}
}
