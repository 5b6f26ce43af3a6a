package e2e

import (
	"strconv"
	"strings"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/seed"
)

// Journey 3: the shelter's operator takes a place (a delta), then reports a count read before
// someone else changed it: the report is refused as stale and the page says so; after a reload
// the report goes through.
func TestPlacesStaleReportRefused(t *testing.T) {
	a := start(t)
	a.signIn("operator-sai-follonica", "/places")
	a.mark("#places-list article", "SAI Golfo Accoglie", "sai")
	free := func() (int, int) {
		f, _ := strconv.Atoi(eval[string](a, `document.querySelector('#sai [data-free]').dataset.free`))
		v, _ := strconv.Atoi(eval[string](a, `document.querySelector('#sai [data-free]').dataset.version`))
		return f, v
	}
	before, _ := free()
	if before < 1 {
		t.Fatalf("the SAI shelter shows %d free places, the demo network has 1", before)
	}
	a.check("places")
	a.do(click(`#sai [data-action="take"]`), hasText("#sai", "Posti aggiornati"))
	after, version := free()
	if after != before-1 {
		t.Fatalf("taking a place shows %d free places, want %d", after, before-1)
	}

	// Another operator frees a place meanwhile: the page's version is now stale.
	id := eval[string](a, `document.getElementById('sai').dataset.service`)
	op := auth.Viewer{Subject: "other-operator", Role: auth.ServiceOperator, ActorID: seed.ID("Actor", "sai-follonica")}
	res := testenv.DoOn(t, a.env.Handler(), op, `mutation($in: UpdatePlacesInput!) { updateServicePlaces(input: $in) { service { version } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"serviceId": id, "delta": 1}})
	if len(res.Errors) > 0 {
		t.Fatalf("the other operator's change: %v", res.Errors)
	}
	a.typeInto(`#sai form[data-action="report"] input`, "0")
	a.do(click(`#sai form[data-action="report"] button[type=submit]`), visible(`#sai [data-stale="true"]`))
	if txt := a.text("#sai .alert-danger"); !strings.Contains(txt, "I dati sono cambiati") {
		t.Errorf("the stale report is refused with %q", txt)
	}
	if _, v := free(); v != version {
		t.Errorf("the refused report changed the version shown to %d", v)
	}
	a.check("places-stale")

	// Reloaded, the report is made on the latest version and accepted.
	a.do(click(`#sai [data-stale="true"] button`))
	a.mark("#places-list article", "SAI Golfo Accoglie", "sai")
	a.typeInto(`#sai form[data-action="report"] input`, "0")
	a.do(click(`#sai form[data-action="report"] button[type=submit]`), hasText("#sai", "Posti aggiornati: 0 liberi"))
	a.check("places-reported")
}
