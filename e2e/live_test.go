package e2e

import (
	"fmt"
	"net/url"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/seed"
)

// The operator's inbox updates by itself: while it is open, a case manager refers a case to the
// shelter through the API, and the referral appears without a reload, through the
// subscription at /graphql/ws.
func TestInboxUpdatesLive(t *testing.T) {
	a := start(t)
	a.signIn("operator-sai-follonica", "/inbox")
	a.do(visible("#inbox-list ul, #inbox-list p"), waitJS(`document.documentElement.dataset.live === 'on'`))
	h := a.env.Handler()
	admin := auth.Viewer{Subject: "e2e-admin", Role: auth.Admin}
	look := func(q string, path ...any) string {
		t.Helper()
		r := testenv.DoOn(t, h, admin, q, nil)
		id, _ := testenv.Get(r.Data, path...).(string)
		if id == "" {
			t.Fatalf("%s: %+v", q, r)
		}
		return id
	}
	zone := look(`{ zones(filter: {istatCode: "053009"}) { edges { node { id } } } }`, "zones", "edges", 0, "node", "id")
	model := look(`{ pathwayModels { id } }`, "pathwayModels", 0, "id")
	need := look(`{ needs(filter: {search: "housing"}, first: 1) { edges { node { id } } } }`, "needs", "edges", 0, "node", "id")
	shelter := look(`{ services(filter: {search: "SAI Golfo Accoglie"}, first: 1) { edges { node { id } } } }`, "services", "edges", 0, "node", "id")
	manager := auth.Viewer{Subject: "e2e-case-manager", Role: auth.CaseManager, ActorID: seed.ID("Actor", "sds-pisana")}
	r := testenv.DoOn(t, h, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id code } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"zoneId": zone, "modelId": model, "needIds": []string{need}}})
	caseID, _ := testenv.Get(r.Data, "openCase", "case", "id").(string)
	code, _ := testenv.Get(r.Data, "openCase", "case", "code").(string)
	if caseID == "" {
		t.Fatalf("openCase: %+v", r)
	}
	r = testenv.DoOn(t, h, manager, `mutation($in: ReferInput!) { refer(input: $in) { referral { id } userErrors { code message } } }`,
		map[string]any{"in": map[string]any{"caseId": caseID, "toId": shelter, "needId": need,
			"consent": map[string]any{"givenAt": "2026-01-01T00:00:00Z", "scope": []string{"NEEDS", "STAGE", "HISTORY"}}}})
	refID, _ := testenv.Get(r.Data, "refer", "referral", "id").(string)
	if refID == "" {
		t.Fatalf("refer: %+v", r)
	}
	a.do(visible(fmt.Sprintf(`article[data-case-code=%q]`, code)))
	a.check("inbox-live")

	// The case manager's case page updates when the shelter answers the referral.
	a.signOut()
	a.signIn("case-manager-sds", url.QueryEscape("/cases/"+url.PathEscape(caseID)))
	a.do(visible(`#case-referrals [data-status="SENT"]`), waitJS(`document.documentElement.dataset.live === 'on'`))
	operator := auth.Viewer{Subject: "e2e-operator", Role: auth.ServiceOperator, ActorID: seed.ID("Actor", "sai-follonica")}
	r = testenv.DoOn(t, h, operator, `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"referralId": refID, "version": 1, "status": "RECEIVED"}})
	if errs, _ := testenv.Get(r.Data, "moveReferral", "userErrors").([]any); len(errs) > 0 || len(r.Errors) > 0 {
		t.Fatalf("moveReferral: %+v", r)
	}
	a.do(visible(`#case-referrals [data-status="RECEIVED"]`))
	a.check("case-live")
}
