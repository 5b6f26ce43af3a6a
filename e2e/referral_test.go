package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// mark gives the first element under sel whose text includes text the id, so later selectors
// can name it.
func (a *app) mark(sel, text, id string) {
	a.t.Helper()
	a.do(hasText("main", text))
	ok := eval[bool](a, fmt.Sprintf(`(() => { const e = [...document.querySelectorAll(%q)].find(x => x.innerText.includes(%q)); if (!e) return false; document.querySelectorAll('#%s').forEach(x => x.removeAttribute('id')); e.id = %q; return true; })()`, sel, text, id, id))
	if !ok {
		a.t.Fatalf("no %s with %q:\n%s", sel, text, a.dump())
	}
}

// Journey 2: a case manager opens a case, refers it from the finder to the SAI shelter of
// Follonica; its operator, signed in, receives, accepts, starts and completes it (a completion
// without an outcome is refused and the page says why); the case's timeline and graph show it.
func TestOpenReferAcceptComplete(t *testing.T) {
	a := start(t)
	a.open("/signin")
	a.do(visible("#dev-identities button"))
	a.check("signin")
	a.signIn("case-manager-sds", "/cases")
	a.do(visible("#cases-list table, #cases-list p:not([role])"))
	a.check("cases")
	a.do(click("#open-case summary"))
	a.pickZone(`#open-case-form input[role=combobox]`, "Follonica")
	a.do(click(`#open-case-form input[data-code="housing"]`), click("#open-case-submit"), visible("#case-stepper"))
	title := a.text("main h1")
	code := strings.TrimSpace(strings.TrimPrefix(title, "Caso"))
	if code == "" || code == title {
		t.Fatalf("the new case's page is titled %q", title)
	}
	a.check("case-opened")

	// The stepper offers the model's allowed moves; a move forward is made and shown.
	a.do(click(`#case-stepper ~ div [data-stage]`),
		waitJS(`(document.querySelector('#case-stepper [aria-current="step"]') || {textContent: ''}).textContent.startsWith('2.')`))

	// Refer it from the finder, which opens on the case's zone and need.
	a.do(click("#case-find"), visible("#finder-cards article"))
	a.mark("#finder-cards article", "SAI Golfo Accoglie", "target")
	a.do(click("#target .refer-start"), visible("#target .refer-send"))
	if got := eval[string](a, `document.querySelector('#target .refer-case').selectedOptions[0].textContent`); !strings.HasPrefix(got, code) {
		t.Errorf("the refer box offers %q first, want the case %s the finder was opened for", got, code)
	}
	// Without the person's consent the referral is refused and the page says why; with it, sent.
	a.do(click("#target .refer-send"), visible(`#target .alert-danger [data-code="CONSENT_REQUIRED"]`))
	a.do(click("#target .refer-consent"), click("#target .refer-send"), hasText("#target", "Invio registrato"))
	a.check("finder-referred")

	// The shelter's operator answers it.
	a.signOut()
	a.signIn("operator-sai-follonica", "/inbox")
	card := fmt.Sprintf(`article[data-case-code=%q]`, code)
	a.do(visible(card))
	a.check("inbox")
	for _, move := range []string{"RECEIVED", "ACCEPTED", "IN_PROGRESS"} {
		a.do(click(card+fmt.Sprintf(` [data-move=%q]`, move)), visible(card+fmt.Sprintf(` [data-status=%q]`, move)))
	}
	a.do(click(card+` [data-move="COMPLETED"]`), visible(card+` .alert-danger [data-code="REQUIRED"]`))
	if txt := a.text(card + " .alert-danger"); !strings.Contains(txt, "Manca un dato obbligatorio") || !strings.Contains(txt, "outcome") {
		t.Errorf("a completion without outcome is refused with %q, want the sentence and the API's reason", txt)
	}
	a.check("inbox-refused")
	a.typeInto(card+" textarea", "Inserita in appartamento dal 3 dicembre")
	a.do(click(card+` [data-move="COMPLETED"]`), visible(card+` [data-status="COMPLETED"]`))
	a.check("inbox-completed")

	// The case manager sees it in the case's timeline and graph.
	a.signOut()
	a.signIn("case-manager-sds", "/cases")
	a.mark("#cases-list tr", code, "case-row")
	a.do(click("#case-row a"), visible("#case-timeline"))
	if a.text("#case-referrals") == "" || !eval[bool](a, `!!document.querySelector('#case-referrals [data-status="COMPLETED"]')`) {
		t.Errorf("the case's referrals do not show the completed referral:\n%s", a.text("#case-referrals"))
	}
	kinds := eval[[]string](a, `[...document.querySelectorAll('#case-timeline [data-kind]')].map(e => e.dataset.kind)`)
	if n := count(kinds, "REFERRAL_CHANGED"); n < 4 || count(kinds, "REFERRAL_SENT") != 1 {
		t.Errorf("the timeline has %v, want the referral sent and its four changes", kinds)
	}
	a.check("case-timeline")

	// The plan: the shelter that took the person in delivers an intervention, which starts and
	// ends; then the case closes with its outcome, and the timeline says so.
	a.do(click("#case-plan [data-add-intervention]"), visible(`#case-plan [data-intervention] [data-status="PLANNED"]`))
	a.do(click(`#case-plan [data-move="ACTIVE"]`), visible(`#case-plan [data-intervention] [data-status="ACTIVE"]`))
	a.do(click(`#case-plan [data-move="DONE"]`), visible(`#case-plan [data-intervention] [data-status="DONE"]`))
	a.check("case-plan")
	a.choose("#case-close select", "INCLUDED")
	a.do(click("#case-close-submit"), waitJS(`!document.querySelector('#case-close') && !!document.querySelector('#case-timeline [data-kind="CLOSED"]')`))
	kinds = eval[[]string](a, `[...document.querySelectorAll('#case-timeline [data-kind]')].map(e => e.dataset.kind)`)
	if count(kinds, "INTERVENTION_ADDED") != 1 || count(kinds, "INTERVENTION_CHANGED") != 2 || count(kinds, "CLOSED") != 1 {
		t.Errorf("the timeline has %v, want the intervention added, its two changes and the closing", kinds)
	}
	a.check("case-closed")
	a.do(click("#case-graph-link"), visible(`#case-graph[data-ready="true"]`))
	if n := eval[string](a, `document.getElementById('case-graph').dataset.nodes`); n == "" || n == "0" {
		t.Errorf("the case graph draws %q nodes", n)
	}
	a.check("case-graph")
}

func count(list []string, s string) int {
	n := 0
	for _, x := range list {
		if x == s {
			n++
		}
	}
	return n
}
