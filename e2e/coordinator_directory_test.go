package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
)

// visit moves to a path inside the app, as its links do (a new page load would sign out: the
// token lives in memory), waits for the content that the selector finds, and logs how long
// that took from the navigation.
func (a *app) visit(path, content string) time.Duration {
	a.t.Helper()
	start := time.Now()
	eval[bool](a, fmt.Sprintf(`history.pushState(null, '', %q); dispatchEvent(new PopStateEvent('popstate')); true`, path))
	a.do(ready, visible(content))
	took := time.Since(start)
	a.t.Logf("load %-32s %4d ms", path, took.Milliseconds())
	return took
}

// press presses a key on the focused element as a keyboard does, down and up: the page's
// keydown handler sees it (no character is typed, so a form is not submitted behind it).
func press(key string, code int64) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeRawKeyDown, input.DispatchKeyEventTypeKeyUp} {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, input.DispatchKeyEventParams{Type: typ, Key: key, Code: key, WindowsVirtualKeyCode: code}); err != nil {
				return err
			}
		}
		return nil
	})
}

// The coordinators' directory, as the coordinator of Zona Pisana: every section browsed and
// checked with axe; a service of its zones edited (read back from the API), a field-level user
// error shown at its field, a stale edit refused and offered a reload; a service of Grosseto
// offered no edit, and the API refusing a forced one; an actor created and archived; the zone
// graph of a municipality; partnerships expiring within 60 days highlighted as the API says.
func TestCoordinatorDirectory(t *testing.T) {
	a := start(t)
	coordinator := auth.Viewer{Subject: "demo-coordinator-pisana", Role: auth.Coordinator, ZoneIDs: []string{seed.ID("Zone", "sd-pisana")}}
	admin := auth.Viewer{Subject: "admin", Role: auth.Admin}
	api := func(v auth.Viewer, q string, vars map[string]any) map[string]any {
		t.Helper()
		r := testenv.DoOn(t, a.env.Handler(), v, q, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", truncate(q, 60), r.Errors)
		}
		return r.Data
	}
	a.signIn("coordinator-pisana", "/admin")
	a.visit("/admin", "#expiring h2")
	a.check("home")

	// Services: the search lists both centres; only Pisa's is editable.
	a.visit("/admin/services?q=centro+ascolto", "#admin-results tbody tr")
	a.check("services")
	a.mark("#admin-results tr", "Centro di ascolto diocesano – Pisa", "pisa")
	a.mark("#admin-results tr", "Centro di ascolto diocesano – Grosseto", "grosseto")
	if got := eval[string](a, `document.querySelector('#pisa [data-can-edit]').dataset.canEdit`); got != "true" {
		t.Errorf("the Pisa centre, in Zona Pisana, is marked editable %q", got)
	}
	if got := eval[string](a, `document.querySelector('#grosseto [data-can-edit]').dataset.canEdit`); got != "false" {
		t.Errorf("the Grosseto centre is marked editable %q", got)
	}
	pisa := eval[string](a, `document.getElementById('pisa').dataset.service`)
	grosseto := eval[string](a, `document.getElementById('grosseto').dataset.service`)

	// An edit in its zones, read back from the API.
	a.visit("/admin/services/"+pisa, "#service-form")
	a.check("service-edit")
	conditions := "Accesso libero; il mercoledì su appuntamento."
	a.typeInto(`#service-form textarea[name="accessConditions"]`, conditions)
	a.do(click(`#service-form button[data-action="save"]`), hasText("main", "Modifiche salvate"))
	read := func() (string, int) {
		d := api(admin, `query($id: ID!) { node(id: $id) { ... on Service { accessConditions version } } }`, map[string]any{"id": pisa})
		return testenv.Get(d, "node", "accessConditions").(string), int(testenv.Get(d, "node", "version").(float64))
	}
	if got, _ := read(); got != conditions {
		t.Errorf("the API reads the access conditions %q, want %q", got, conditions)
	}

	// A field-level userError: the maximum age below the minimum, shown at maxAge.
	a.typeInto(`#service-form input[name="minAge"]`, "40")
	a.typeInto(`#service-form input[name="maxAge"]`, "20")
	a.do(click(`#service-form button[data-action="save"]`), visible(`#service-form [data-field="maxAge"] .invalid-feedback`))
	described := eval[bool](a, `(() => { const i = document.querySelector('#service-form input[name="maxAge"]'); const fb = document.querySelector('#service-form [data-field="maxAge"] .invalid-feedback');
		return i.getAttribute('aria-invalid') === 'true' && i.classList.contains('is-invalid') && i.getAttribute('aria-describedby').split(' ').includes(fb.id); })()`)
	if !described {
		t.Error("the maxAge control is not marked invalid and described by its error")
	}
	if got := eval[string](a, `document.querySelector('#service-form [data-field="maxAge"] .invalid-feedback').dataset.code`); got != "INVALID" {
		t.Errorf("the maxAge error has code %q, want INVALID", got)
	}
	a.check("service-field-error")

	// A stale edit: someone changes the service meanwhile; the page's version is refused and
	// the page offers to reload, after which the edit goes through.
	a.visit("/admin/services/"+pisa, "#service-form") // a fresh form at the current version
	_, version := read()
	api(admin, `mutation($in: UpdateServiceInput!) { updateService(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": pisa, "version": version, "description": "Cambiata da un'altra persona."}})
	a.typeInto(`#service-form input[name="name"]`, "Centro di ascolto diocesano di Pisa")
	a.do(click(`#service-form button[data-action="save"]`), visible(`#service-form [data-stale="true"]`))
	a.check("service-stale")
	name := func() string {
		return testenv.Get(api(admin, `query($id: ID!) { node(id: $id) { ... on Service { name } } }`, map[string]any{"id": pisa}), "node", "name").(string)
	}
	if got := name(); got != "Centro di ascolto diocesano – Pisa" {
		t.Errorf("the stale edit was written: the name is %q", got)
	}
	a.do(click(`#service-form [data-stale="true"] button[data-action="reload"]`),
		waitJS(`document.querySelector('#service-form textarea[name="description"]')?.value === "Cambiata da un'altra persona."`))
	a.typeInto(`#service-form input[name="name"]`, "Centro di ascolto diocesano di Pisa")
	a.do(click(`#service-form button[data-action="save"]`), hasText("main", "Modifiche salvate"))
	if got := name(); got != "Centro di ascolto diocesano di Pisa" {
		t.Errorf("after the reload the edit reads %q", got)
	}

	// Outside its zones: no form, and the API refuses a forced edit.
	a.visit("/admin/services/"+grosseto, "[data-readonly]")
	if eval[bool](a, `!!document.querySelector('#service-form')`) {
		t.Error("the Grosseto centre's page offers an edit form to the coordinator of Zona Pisana")
	}
	a.check("service-outside")
	r := testenv.DoOn(t, a.env.Handler(), coordinator, `mutation($in: UpdateServiceInput!) { updateService(input: $in) { userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": grosseto, "version": 1, "name": "Forzato"}})
	if c := r.Code(); c != "FORBIDDEN" {
		t.Errorf("a forced edit outside the coordinator's zones answers %q, want FORBIDDEN", c)
	}

	// Create an actor in Cascina, then archive it.
	a.visit("/admin/actors/new", "#actor-form")
	a.typeInto(`#actor-form input[name="name"]`, "Associazione Ponte di Cascina")
	a.pickZone(`#actor-form [data-field="zoneIds"] input[role=combobox]`, "Cascina")
	a.do(visible(`#actor-form [data-zones] li[data-zone]`))
	a.typeInto(`#actor-form input[name="contacts.website"]`, "ponte.example")
	a.check("actor-new")
	a.do(click(`#actor-form button[data-action="save"]`), visible(`#actor-form [data-field="contacts.website"] .invalid-feedback`))
	a.typeInto(`#actor-form input[name="contacts.website"]`, "https://ponte.example")
	a.do(click(`#actor-form button[data-action="save"]`), hasText("main", "Scheda creata"))
	actor := strings.TrimPrefix(eval[string](a, `location.pathname`), "/admin/actors/")
	a.check("actor-created")
	a.do(click(`#actor-form button[data-action="archive"]`), hasText("main", "Scheda archiviata"))
	d := api(admin, `query($id: ID!) { node(id: $id) { ... on Actor { name status contacts { website } zones { name } } } }`, map[string]any{"id": actor})
	if testenv.Get(d, "node", "status") != "ARCHIVED" || testenv.Get(d, "node", "contacts", "website") != "https://ponte.example" {
		t.Errorf("the created and archived actor reads %v", d["node"])
	}

	// Actors and zones: a municipality in its province and its social district at once.
	a.visit("/admin/actors?q=caritas", "#admin-results tbody tr")
	a.check("actors")
	a.visit("/admin/zones?q=050026", "#admin-results tbody tr") // the ISTAT code of Pisa
	a.check("zones")
	comune := eval[string](a, `document.querySelector('#admin-results tr[data-zone]').dataset.zone`)
	a.visit("/admin/zones/"+comune, "#zone-graph")
	kinds := eval[string](a, `[...document.querySelectorAll('#zone-graph [data-parent]')].map(e => e.dataset.parent).sort().join(',')`)
	if kinds != "PROVINCE,SOCIAL_DISTRICT" {
		t.Errorf("the municipality of Pisa lies in %q, want its province and its social district", kinds)
	}
	a.check("zone")

	// Partnerships: those ending within 60 days highlighted, as the API's ending says.
	a.visit("/admin/partnerships?order=END_DATE&status=ACTIVE", "#admin-results tbody tr")
	a.check("partnerships")
	shown := eval[string](a, `[...document.querySelectorAll('#admin-results tr[data-partnership]')].filter(r => r.querySelector('[data-expiring]')).map(r => r.dataset.partnership).sort().join(',')`)
	d = api(coordinator, `{ partnerships(filter: {statuses: [ACTIVE]}, orderBy: {field: END_DATE}, first: 25) { edges { node { id ending(withinDays: 60) } } } }`, nil)
	var want []string
	for _, e := range testenv.Get(d, "partnerships", "edges").([]any) {
		if testenv.Get(e, "node", "ending") == true {
			want = append(want, testenv.Get(e, "node", "id").(string))
		}
	}
	sort.Strings(want)
	if len(want) == 0 || shown != strings.Join(want, ",") {
		t.Errorf("expiring partnerships highlighted %q, the API says %v", shown, want)
	}
	first := eval[string](a, `document.querySelector('#admin-results tr[data-partnership] a').getAttribute('href')`)
	a.visit(first, "#members")
	a.check("partnership")

	// Members and roles of a partnership of Zona Pisana: a role changed, a member added with
	// the keyboard only (the combobox's arrows and Enter), both read back from the API.
	a.visit("/admin/partnerships?q=Protocollo+operativo+CPI+Pisa", "#admin-results tbody tr")
	a.mark("#admin-results tr", "Protocollo operativo CPI di Pisa", "protocol")
	protocol := eval[string](a, `document.getElementById('protocol').dataset.partnership`)
	a.visit("/admin/partnerships/"+protocol, "#members")
	cpi := relay.GlobalID("Actor", seed.ID("Actor", "cpi-pisa"))
	a.do(chromedp.SetValue(css(fmt.Sprintf(`#members tr[data-member=%q] select`, cpi)), "ADHERENT"),
		click(fmt.Sprintf(`#members tr[data-member=%q] button[data-action="change-role"]`, cpi)), hasText("main", "Modifiche salvate"),
		waitJS(fmt.Sprintf(`document.querySelector('#members tr[data-member=%q] select')?.value === 'ADHERENT'`, cpi)))
	caritas := relay.GlobalID("Actor", seed.ID("Actor", "caritas-pisa"))
	a.typeInto(`#member-form input[role=combobox]`, "Caritas diocesana di Pisa")
	a.do(visible(`#member-form [role=listbox]:not([hidden]) li[data-id]`),
		press("ArrowDown", 40), press("Enter", 13))
	if got := eval[string](a, `document.querySelector('#member-form input[role=combobox]').value`); got != "Caritas diocesana di Pisa (Associazione o ETS)" {
		t.Errorf("the member combobox reads %q after ArrowDown and Enter", got)
	}
	a.do(chromedp.SetValue(css(`#member-form select[name="role"]`), "OBSERVER"), click(`#member-form button[data-action="save"]`),
		visible(fmt.Sprintf(`#members tr[data-member=%q]`, caritas)))
	a.check("partnership-members")
	roles := map[string]string{}
	d = api(admin, `query($id: ID!) { node(id: $id) { ... on Partnership { members(first: 20) { edges { node { role actor { id name } } } } } } }`, map[string]any{"id": protocol})
	for _, e := range testenv.Get(d, "node", "members", "edges").([]any) {
		roles[testenv.Get(e, "node", "actor", "id").(string)] = testenv.Get(e, "node", "role").(string)
	}
	if roles[cpi] != "ADHERENT" || roles[caritas] != "OBSERVER" {
		t.Errorf("the protocol's members read %v: want the CPI ADHERENT and Caritas OBSERVER", roles)
	}

	a.visit("/admin/routes", "#admin-results")
	a.check("routes")
	a.visit("/admin/models", "[data-model]")
	if eval[bool](a, `!!document.querySelector('[data-model] form')`) {
		t.Error("the pathway models offer a coordinator an edit form: only admins change them")
	}
	a.check("models")

	// In English.
	a.do(chromedp.SetValue(css("#lang-select"), "en"))
	eval[bool](a, `document.getElementById('lang-select').dispatchEvent(new Event('change')); true`)
	a.do(hasText("main h1", "Pathway models"))
	a.visit("/admin/partnerships?order=END_DATE&status=ACTIVE", "#admin-results [data-expiring]")
	if txt := a.text("#admin-results [data-expiring]"); txt != "Ends within 60 days" {
		t.Errorf("the expiring mark reads %q in English", txt)
	}
	a.check("partnerships-en")
}
