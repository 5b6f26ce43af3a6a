package e2e

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pickZone types into the zone combobox of the page and picks the first option that names it.
func (a *app) pickZone(input, name string) {
	a.t.Helper()
	a.typeInto(input, name)
	a.do(visible(`[role=listbox]:not([hidden]) li[data-zone]`))
	ok := eval[bool](a, fmt.Sprintf(`(() => { const li = [...document.querySelectorAll('[role=listbox]:not([hidden]) li[data-zone]')].find(l => l.textContent.startsWith(%q)); if (!li) return false; li.dispatchEvent(new MouseEvent('mousedown', {bubbles: true})); return true; })()`, name))
	if !ok {
		a.t.Fatalf("no zone option %q", name)
	}
}

// pickNeed checks the need of the given code in the page's need tree.
func (a *app) pickNeed(code string) {
	a.t.Helper()
	a.do(click(fmt.Sprintf(`input[data-code=%q]`, code)))
}

// Journey 1: find a shelter place in Follonica for a 24-year-old Arabic speaker with a
// special-protection permit, and print the list; the search's link gives the same list.
func TestFindShelterAndPrint(t *testing.T) {
	a := start(t)
	a.open("/finder")
	if got := a.text("main h1"); got != "Trova un servizio" {
		t.Errorf("the finder's heading is %q, want the Italian one", got)
	}
	a.pickZone(`#finder-form input[role=combobox]`, "Follonica")
	a.pickNeed("housing")
	a.typeInto(`#finder-form input[type=number]`, "24")
	a.choose(`#finder-form select`, "SPECIAL_PROTECTION")
	a.typeInto(`#finder-form input[autocomplete=off]:not([role])`, "ar")
	a.do(click(`#finder-form label[for^="free-"]`), click(`#finder-form input[value=SHELTER]`))
	asked := time.Now()
	a.do(click(`#finder-submit`), visible(`#finder-cards article`))
	t.Logf("the finder's results were drawn %v after the search", time.Since(asked).Round(time.Millisecond))
	cards := eval[[]string](a, `[...document.querySelectorAll('#finder-cards article h3')].map(h => h.textContent)`)
	if len(cards) == 0 || !contains(cards, "Accoglienza integrata SAI Golfo Accoglie") {
		t.Fatalf("the finder lists %q, want the SAI shelter of Follonica", cards)
	}
	sai := `#finder-cards article:has(h3 a[href*="/services/"])`
	card := eval[string](a, `[...document.querySelectorAll('#finder-cards article')].find(a => a.querySelector('h3').textContent.includes('SAI Golfo')).innerText`)
	for _, want := range []string{"Copre tutto il territorio di Follonica", "Posti liberi: 1 su 15", "arabo"} {
		if !strings.Contains(card, want) {
			t.Errorf("the SAI card does not say %q:\n%s", want, card)
		}
	}
	_ = sai
	a.check("finder-results")

	// The print layout hides the form and the header, and keeps the cards.
	a.media("print")
	formShown := eval[bool](a, `getComputedStyle(document.getElementById('finder-form')).display !== 'none'`)
	headerShown := eval[bool](a, `getComputedStyle(document.querySelector('.it-header-wrapper')).display !== 'none'`)
	if formShown || headerShown {
		t.Errorf("the print layout shows the form (%v) or the header (%v)", formShown, headerShown)
	}
	if pdf := a.printPDF("finder-print"); !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("printing the list gave no PDF")
	}
	a.check("finder-print")
	a.media("")

	// The shareable link reproduces the search on a fresh load.
	link := eval[string](a, `document.querySelector('input[id^="share-"]').value`)
	if !strings.Contains(link, "/finder?") || !strings.Contains(link, "age=24") {
		t.Fatalf("the share link %q does not hold the search", link)
	}
	a.do(chromedp.Navigate(link), visible(`#finder-cards article`))
	again := eval[[]string](a, `[...document.querySelectorAll('#finder-cards article h3')].map(h => h.textContent)`)
	if strings.Join(again, "|") != strings.Join(cards, "|") {
		t.Errorf("the shared link lists %q, the search listed %q", again, cards)
	}
	a.check("finder-shared-link")

	// English is one choice away, from the same catalogue.
	a.choose("#lang-select", "en")
	a.do(hasText("#finder-results", "Covers all of Follonica"))
	if got := a.text("main h1"); got != "Find a service" {
		t.Errorf("in English the heading is %q", got)
	}
	if txt := eval[string](a, `document.getElementById('finder-results').innerText`); !strings.Contains(txt, "Covers all of Follonica") {
		t.Errorf("the English results do not say the coverage in words:\n%.400s", txt)
	}
	a.check("finder-english")
	eval[bool](a, `localStorage.removeItem('snodo.lang'); true`)
}

// choose selects an option of a select, as a person would, and tells the page.
func (a *app) choose(sel, value string) {
	a.t.Helper()
	a.do(visible(sel))
	ok := eval[bool](a, fmt.Sprintf(`(() => { const s = document.querySelector(%q); if (![...s.options].some(o => o.value === %q)) return false; s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, sel, value, value))
	if !ok {
		a.t.Fatalf("%s has no option %q", sel, value)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
