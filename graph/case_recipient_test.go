package graph_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
	"snodo/store"
)

// A recipient sees the case while its referral lasts: until it refuses, or the set time after
// the referral is completed, failed or cancelled. The time is the store's setting.
func TestRecipientViewEndsAfterItsReferralCloses(t *testing.T) {
	e := testenv.Open(t)
	sc := newCaseScene(t, e)
	operator := sc.viewer("SERVICE_OPERATOR recipient", "op-job")
	for i, st := range []string{"ACCEPTED", "IN_PROGRESS"} {
		mustAs(t, e, operator, `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { userErrors { code } } }`,
			map[string]any{"referralId": sc.live, "version": i + 2, "status": st})
	}
	d := mustAs(t, e, operator, `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { referral { status case { view } } userErrors { code } } }`,
		map[string]any{"referralId": sc.live, "version": 4, "status": "COMPLETED", "note": "tirocinio avviato"})
	if testenv.Get(d, "moveReferral", "referral", "case", "view") != "RECIPIENT" {
		t.Fatalf("just completed, the recipient still sees the case: %v", d)
	}
	manager := sc.viewer("CASE_MANAGER managing", "cm-anna")
	mustAs(t, e, manager, `mutation($in: CloseCaseInput!) { closeCase(input: $in) { userErrors { code } } }`,
		map[string]any{"caseId": sc.caseID, "version": 2, "outcome": "INCLUDED"})
	seen := func(shift time.Duration) bool {
		t.Helper()
		e.Store.SetClock(func() time.Time { return time.Now().UTC().Add(shift) })
		defer e.Store.SetClock(nil)
		r := e.DoAs(t, operator, `query($id: ID!) { node(id: $id) { ... on Case { view status outcome } } incomingReferrals { totalCount } }`, map[string]any{"id": sc.caseID})
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		if n := testenv.Get(r.Data, "node"); n != nil && (testenv.Get(n, "status") != "CLOSED" || testenv.Get(n, "outcome") != nil) {
			t.Errorf("the recipient sees that the case closed, not how: %v", n)
		}
		node := testenv.Get(r.Data, "node") != nil
		if listed := testenv.Get(r.Data, "incomingReferrals", "totalCount") == float64(1); listed != node {
			t.Errorf("after %s the case is seen %v but the referral listed %v", shift, node, listed)
		}
		return node
	}
	if !seen(29 * 24 * time.Hour) {
		t.Error("29 days after its referral completed, the recipient still sees the case (30 by default)")
	}
	if seen(31 * 24 * time.Hour) {
		t.Error("31 days after its referral completed, the recipient no longer sees the case")
	}
	e.Store.SetRecipientAccessAfterClose(0)
	defer e.Store.SetRecipientAccessAfterClose(store.DefaultRecipientAccessAfterClose)
	if seen(time.Second) {
		t.Error("with no time after close, the view ends with the referral")
	}
	// The managing actor's case manager sees it all, always.
	r := e.DoAs(t, manager, `query($id: ID!) { node(id: $id) { ... on Case { view notes referrals { outcome } } } }`, map[string]any{"id": sc.caseID})
	outcomes := map[any]bool{}
	for _, ref := range testenv.Get(r.Data, "node", "referrals").([]any) {
		outcomes[testenv.Get(ref, "outcome")] = true
	}
	if testenv.Get(r.Data, "node", "view") != "FULL" || testenv.Get(r.Data, "node", "notes") == nil || !outcomes["tirocinio avviato"] {
		t.Errorf("the managing actor sees everything: %+v", r)
	}
}

// Case reads through incomingReferrals { case { notes } } and Referral.case are audited: one READ
// entry per case per request, written in one batch, with no query per referral.
func TestCaseReadsThroughReferralsAreAuditedOncePerCase(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	operator := auth.Viewer{Subject: "op-job-audit", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}
	cases := map[string]bool{}
	openAndRefer := func(n int) {
		for i := 0; i < n; i++ {
			c := testenv.Get(mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } } }`,
				map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}, "notes": "nota"}), "openCase", "case", "id").(string)
			cases[c] = true
			for j := 0; j < 2; j++ {
				mustAs(t, e, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { id } } }`,
					map[string]any{"caseId": c, "toId": ids["Job desk"], "needId": ids["work.placement"], "consent": givenConsent})
			}
		}
	}
	read := func() (reads map[string]int, queries int64) {
		t.Helper()
		before := auditOf(t, e, operator)
		r := e.DoAs(t, operator, `{ incomingReferrals(first: 50) { edges { node { id history { status } case { id code notes needs { code }
			referrals { id case { id view } } } } } } }`, nil)
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		after := auditOf(t, e, operator)
		reads = map[string]int{}
		for c := range cases {
			reads[c] = after["READ "+c] - before["READ "+c]
		}
		if other := after["READ"] - before["READ"] - len(cases); other != 0 {
			t.Errorf("%d READ entries beyond one per case", other)
		}
		for _, edge := range testenv.Get(r.Data, "incomingReferrals", "edges").([]any) {
			if testenv.Get(edge, "node", "case", "notes") != nil {
				t.Errorf("the notes stay with the managing actor: %v", edge)
			}
		}
		return reads, r.Queries
	}
	openAndRefer(3)
	reads, few := read()
	for c, n := range reads {
		if n != 1 {
			t.Errorf("case %s: %d READ entries in one request, want 1", c, n)
		}
	}
	openAndRefer(15)
	reads, many := read()
	if len(reads) != 18 {
		t.Fatalf("%d cases", len(reads))
	}
	for c, n := range reads {
		if n != 1 {
			t.Errorf("case %s: %d READ entries in one request, want 1", c, n)
		}
	}
	t.Logf("6 referrals of 3 cases: %d queries; 36 referrals of 18 cases: %d queries", few, many)
	// A loader gathers the keys of a level over a short window, which a loaded machine can split
	// in two; a query per referral or per case would add 30 or more.
	if many > few+2 {
		t.Errorf("the queries grow with the referrals: %d for 6, %d for 36", few, many)
	}
}

// Case IDs are random: 128 bits from crypto/rand, nothing of the code; the demo's too, which
// still loads twice without a duplicate.
func TestCaseIDsAreRandom(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	hex := regexp.MustCompile(`^[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		d := mustAs(t, e, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id code } } }`,
			map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}})
		typ, k, err := relay.ParseGlobalID(testenv.Get(d, "openCase", "case", "id").(string))
		code := testenv.Get(d, "openCase", "case", "code").(string)
		if err != nil || typ != "Case" || !hex.MatchString(k) || seen[k] || strings.Contains(k, strings.ToLower(strings.ReplaceAll(code, "-", ""))) {
			t.Errorf("a case key of 128 random bits: %q (%v) for %s", k, err, code)
		}
		seen[k] = true
	}

	e = testenv.Open(t)
	ctx := context.Background()
	demo := seed.Demo()
	if _, err := seed.Load(ctx, e.Store, demo); err != nil {
		t.Fatal(err)
	}
	again, err := seed.Load(ctx, e.Store, demo)
	if err != nil {
		t.Fatal(err)
	}
	if again["Case"] != 0 || again["Referral"] != 0 || again["CaseEvent"] != 0 {
		t.Errorf("the second load created %v", again)
	}
	rows := e.Query(t, "MATCH (c:Case) OPTIONAL MATCH (c)-[:HAS_REFERRAL]->(r) RETURN c.code, c.id, collect(r.id)", nil)
	if want := len(demo.Cases) + len(demo.ReportedCases); len(rows) != want {
		t.Fatalf("%d demo cases, want %d", len(rows), want)
	}
	for _, r := range rows {
		code, id := r.Values[0].(string), r.Values[1].(string)
		if id == seed.ID("Case", code) {
			t.Errorf("demo case %s has the ID its code gives", code)
		}
		refs := r.Values[2].([]any)
		for _, ref := range refs {
			for n := 1; n <= len(refs); n++ {
				if ref == seed.ID("Referral", fmt.Sprintf("%s/r%d", code, n)) {
					t.Errorf("demo referral of %s has the ID its code gives", code)
				}
			}
		}
	}
}

// The README's examples of who sees what of a case work when pasted: a recipient's incoming
// referrals, then who read the case.
func TestReadmeCaseExamples(t *testing.T) {
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(raw), "### Who sees what of a case")
	_, block, _ := strings.Cut(section, "```graphql\n")
	block, _, _ = strings.Cut(block, "```")
	ops := strings.Split(strings.TrimSpace(block), "\n\n")
	if len(ops) != 2 {
		t.Fatalf("the README's example has %d operations, want 2", len(ops))
	}
	e := testenv.Open(t)
	sc := newCaseScene(t, e)
	r := e.DoAs(t, sc.viewer("SERVICE_OPERATOR recipient", "op-job"), ops[0], nil)
	if len(r.Errors) > 0 || testenv.Get(r.Data, "incomingReferrals", "edges", 0, "node", "case", "view") != "RECIPIENT" ||
		testenv.Get(r.Data, "incomingReferrals", "edges", 0, "node", "case", "notes") != nil {
		t.Errorf("%s: %+v", ops[0], r)
	}
	d := e.MustDo(t, ops[1], map[string]any{"case": sc.caseID})
	reads := 0
	for _, edge := range testenv.Get(d, "auditLog", "edges").([]any) {
		if testenv.Get(edge, "node", "action") == "READ" && testenv.Get(edge, "node", "subject") == "op-job" {
			reads++
		}
	}
	if reads != 1 {
		t.Errorf("the operator's read is in the log once: %v", d)
	}
}

// A case manager or operator whose token names no actor sees no case, and no error.
func TestViewerWithoutActorSeesNoCase(t *testing.T) {
	e := testenv.Open(t)
	sc := newCaseScene(t, e)
	for _, role := range []auth.Role{auth.CaseManager, auth.ServiceOperator} {
		v := auth.Viewer{Subject: "no-actor", Role: role}
		q := `query($id: ID!) { node(id: $id) { id } incomingReferrals { totalCount } }`
		if role == auth.CaseManager {
			q = `query($id: ID!) { node(id: $id) { id } incomingReferrals { totalCount } cases { totalCount } }`
		}
		r := e.DoAs(t, v, q, map[string]any{"id": sc.caseID})
		if len(r.Errors) > 0 || testenv.Get(r.Data, "node") != nil || testenv.Get(r.Data, "incomingReferrals", "totalCount") != float64(0) ||
			(role == auth.CaseManager && testenv.Get(r.Data, "cases", "totalCount") != float64(0)) {
			t.Errorf("%s without an actor: %+v", role, r)
		}
	}
}
