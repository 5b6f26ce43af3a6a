package graph_test

import (
	"testing"
	"time"

	"snodo/internal/testenv"
)

// givenConsent is the person's consent as the tests' referrals record it: given before any
// clock the tests set, for all a referral shares.
var givenConsent = map[string]any{"givenAt": "2020-01-01T00:00:00Z", "scope": []string{"NEEDS", "STAGE", "HISTORY"}}

// No referral leaves without the person's consent: none at all, one that does not cover what a
// referral shares, or one given after now, is refused with a code, and nothing is written.
func TestReferRequiresConsent(t *testing.T) {
	e := testenv.Open(t)
	sc := newCaseScene(t, e)
	manager := sc.viewer("CASE_MANAGER managing", "cm-anna")
	in := func(consent any) map[string]any {
		m := map[string]any{"caseId": sc.caseID, "toId": sc.ids["Job desk"], "needId": sc.ids["work.placement"]}
		if consent != nil {
			m["consent"] = consent
		}
		return m
	}
	before := e.Query(t, "MATCH (r:Referral) RETURN count(r)", nil)[0].Values[0]
	for _, c := range []struct {
		name        string
		consent     any
		code, field string
	}{
		{"no consent", nil, "CONSENT_REQUIRED", "input.consent"},
		{"a consent without the history", map[string]any{"givenAt": "2020-01-01T00:00:00Z", "scope": []string{"NEEDS", "STAGE"}}, "CONSENT_REQUIRED", "input.consent.scope"},
		{"a consent given tomorrow", map[string]any{"givenAt": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339), "scope": []string{"NEEDS", "STAGE", "HISTORY"}}, "INVALID", "input.consent.givenAt"},
	} {
		if code, field := caseUserError(t, e, manager, "refer", "ReferInput", in(c.consent)); code != c.code || field != c.field {
			t.Errorf("%s: got %q at %q, want %q at %q", c.name, code, field, c.code, c.field)
		}
	}
	if after := e.Query(t, "MATCH (r:Referral) RETURN count(r)", nil)[0].Values[0]; after != before {
		t.Errorf("a refused referral wrote nothing: %v referrals before, %v after", before, after)
	}
	// With it, the consent is recorded: when, to the recipient actor (the desk's provider), for what, by whom.
	d := mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { consent { givenAt actor { id } scope recordedBy withdrawnAt } } userErrors { code } } }`,
		in(map[string]any{"givenAt": "2026-11-30T09:00:00+01:00", "scope": []string{"HISTORY", "NEEDS", "STAGE"}}))
	k := testenv.Get(d, "refer", "referral", "consent")
	if testenv.Get(k, "givenAt") != "2026-11-30T08:00:00Z" || testenv.Get(k, "actor", "id") != sc.ids["Job centre"] ||
		testenv.Get(k, "recordedBy") != "cm-anna" || testenv.Get(k, "withdrawnAt") != nil || len(testenv.Get(k, "scope").([]any)) != 3 {
		t.Errorf("the consent is recorded as given: %v", d)
	}
}

// A withdrawn consent ends the recipient's view of the case at once, through the one rule: the
// case, the referral, its inbox and its moves answer as for what it never saw. The withdrawal is
// in the trace and in the audit log; only the case's managers record it, once.
func TestWithdrawnConsentEndsTheRecipientsView(t *testing.T) {
	e := testenv.Open(t)
	sc := newCaseScene(t, e)
	manager := sc.viewer("CASE_MANAGER managing", "cm-anna")
	operator := sc.viewer("SERVICE_OPERATOR recipient", "op-job")
	look := func() (caseSeen, referralSeen bool, inbox float64) {
		t.Helper()
		r := e.DoAs(t, operator, `query($c: ID!, $r: ID!) { c: node(id: $c) { id } r: node(id: $r) { id } incomingReferrals { totalCount } }`,
			map[string]any{"c": sc.caseID, "r": sc.live})
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		return testenv.Get(r.Data, "c") != nil, testenv.Get(r.Data, "r") != nil, testenv.Get(r.Data, "incomingReferrals", "totalCount").(float64)
	}
	if c, r, n := look(); !c || !r || n != 1 {
		t.Fatalf("before the withdrawal the recipient sees the case %v, the referral %v, %v in its inbox", c, r, n)
	}
	withdraw := `mutation($in: WithdrawConsentInput!) { withdrawConsent(input: $in) { referral { consent { withdrawnAt withdrawnBy } } userErrors { code field } } }`
	if r := e.DoAs(t, operator, withdraw, map[string]any{"in": map[string]any{"referralId": sc.live, "version": 2}}); len(r.Errors) == 0 || r.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Errorf("the recipient does not record the withdrawal: %+v", r)
	}
	d := mustAs(t, e, manager, withdraw, map[string]any{"referralId": sc.live, "version": 2, "note": "la persona non vuole più"})
	if testenv.Get(d, "withdrawConsent", "referral", "consent", "withdrawnAt") == nil || testenv.Get(d, "withdrawConsent", "referral", "consent", "withdrawnBy") != "cm-anna" {
		t.Fatalf("the withdrawal is recorded: %v", d)
	}
	if c, r, n := look(); c || r || n != 0 {
		t.Errorf("after the withdrawal the recipient sees the case %v, the referral %v, %v in its inbox", c, r, n)
	}
	if code, field := caseUserError(t, e, operator, "moveReferral", "MoveReferralInput", map[string]any{"referralId": sc.live, "version": 3, "status": "ACCEPTED"}); code != "NOT_FOUND" || field != "input.referralId" {
		t.Errorf("the recipient no longer moves the referral: %s %s", code, field)
	}
	if code, _ := caseUserError(t, e, manager, "withdrawConsent", "WithdrawConsentInput", map[string]any{"referralId": sc.live, "version": 3}); code != "INVALID" {
		t.Errorf("a consent is withdrawn once: %s", code)
	}
	// The managing actor still sees it all, the withdrawal in the trace.
	tr := e.DoAs(t, manager, `query($id: ID!) { caseTrace(id: $id) { events { kind referral { id } } } }`, map[string]any{"id": sc.caseID})
	found := false
	events, _ := testenv.Get(tr.Data, "caseTrace", "events").([]any)
	for _, ev := range events {
		if testenv.Get(ev, "kind") == "CONSENT_WITHDRAWN" && testenv.Get(ev, "referral", "id") == sc.live {
			found = true
		}
	}
	if !found {
		t.Errorf("the trace holds the withdrawal: %v", tr)
	}
	if n := auditOf(t, e, manager)["CHANGE "+sc.live]; n != 2 {
		t.Errorf("the audit log holds the referral's changes, its sending and the withdrawal: %d entries", n)
	}
	if ops := e.Query(t, "MATCH (a:AuditEntry {operation: 'withdrawConsent', subject: 'cm-anna'}) RETURN count(a)", nil)[0].Values[0]; ops != int64(1) {
		t.Errorf("one audit entry names the withdrawal: %v", ops)
	}
}
