package e2e

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
	"snodo/server"
)

// coordinator is the demo network's coordinator (of Zona Pisana), as the dev sign-in mints it.
var coordinator = auth.Viewer{Subject: "demo-coordinator-pisana", Role: auth.Coordinator, ZoneIDs: []string{seed.ID("Zone", "sd-pisana")}}

// api asks the API what the page should show, as the coordinator.
func (a *app) api(q string, vars map[string]any) map[string]any {
	a.t.Helper()
	res := testenv.DoOn(a.t, a.env.Handler(), coordinator, q, vars)
	if len(res.Errors) > 0 {
		a.t.Fatalf("the API: %v", res.Errors)
	}
	return res.Data
}

// shown waits for the selector after the action and logs how long the page took to show it.
func (a *app) shown(page, sel string, action chromedp.Action[chromedp.Void]) time.Duration {
	a.t.Helper()
	began := time.Now()
	a.do(action, visible(sel))
	took := time.Since(began).Round(time.Millisecond)
	a.t.Logf("load time of %s: %v (from the navigation to %s shown)", page, took, sel)
	return took
}

// A coordinator opens the coverage of the Province of Grosseto by municipality: the heat map
// holds the API's cells (state in symbol and words as well as colour), the gaps by kind are
// the API's; the CSV download is a file that parses into the API's cells. By social district
// (a municipality contains no zone, so by municipality no cell can be partial) it opens a
// partial cell and finds the API's services behind it.
func TestCoordinatorCoverage(t *testing.T) {
	a := start(t)
	dir := a.downloads()
	a.signIn("coordinator-pisana", "/coverage")
	a.check("coverage-empty")
	province := relay.GlobalID("Zone", seed.ID("Zone", "prov-grosseto"))
	a.pickZone(`#coverage-form input[role=combobox]`, "Provincia di Grosseto")
	a.choose(`#coverage-form select[name=level]`, "MUNICIPALITY")
	a.shown("the coverage by municipality", "#coverage-matrix", click("#coverage-submit"))

	in := map[string]any{"zoneId": province, "level": "MUNICIPALITY"}
	data := a.api(`query($in: CoverageInput!) {
		coverage(input: $in) { cells { zone { id name } need { id code } full partial withFreePlaces stale } } }`, map[string]any{"in": in})
	gapData := a.api(`query($in: CoverageInput!) { coverageGaps(input: $in) { zone { id } need { id } kind } }`, map[string]any{"in": in})
	cells := testenv.Get(data, "coverage", "cells").([]any)
	shownCells := eval[[]map[string]string](a, `[...document.querySelectorAll('#coverage-matrix button[data-state]')].map(b => ({...b.dataset, text: b.innerText}))`)
	if len(shownCells) != len(cells) {
		t.Fatalf("the heat map has %d cells, the API %d", len(shownCells), len(cells))
	}
	for i, c := range cells {
		s := shownCells[i]
		full, partial := testenv.Get(c, "full").(float64), testenv.Get(c, "partial").(float64)
		state := map[bool]string{true: "full", false: map[bool]string{true: "partial", false: "none"}[partial > 0]}[full > 0]
		if s["zone"] != testenv.Get(c, "zone", "id") || s["need"] != testenv.Get(c, "need", "id") || s["state"] != state ||
			s["full"] != fmt.Sprint(full) || s["partial"] != fmt.Sprint(partial) ||
			s["free"] != fmt.Sprint(testenv.Get(c, "withFreePlaces")) || s["stale"] != fmt.Sprint(testenv.Get(c, "stale")) {
			t.Fatalf("cell %d shows %v, the API has %v", i, s, c)
		}
		// The state is in words too, not in colour alone.
		if want := map[string]string{"full": "Copertura completa", "partial": "Solo copertura parziale", "none": "Nessun servizio"}[state]; !strings.Contains(s["text"], want) {
			t.Fatalf("cell %d says %q, not %q", i, s["text"], want)
		}
	}
	// A gap of each kind the API gives is listed under its kind.
	gaps := testenv.Get(gapData, "coverageGaps").([]any)
	if len(gaps) == 0 {
		t.Fatal("the API finds no gap in the Province of Grosseto by municipality")
	}
	listed := eval[[]string](a, `[...document.querySelectorAll('#coverage-gaps li[data-kind]')].map(li => li.dataset.kind + '|' + li.dataset.zone + '|' + li.dataset.need)`)
	var want []string
	for _, g := range gaps {
		want = append(want, fmt.Sprintf("%s|%s|%s", testenv.Get(g, "kind"), testenv.Get(g, "zone", "id"), testenv.Get(g, "need", "id")))
	}
	slices.Sort(listed)
	slices.Sort(want)
	if !slices.Equal(listed, want) {
		t.Errorf("the page lists the gaps %v, the API %v", listed, want)
	}
	first := strings.Split(want[0], "|")
	if txt := a.text(fmt.Sprintf(`#coverage-gaps h3[data-kind=%q]`, first[0])); txt == "" {
		t.Errorf("no heading for the gaps of kind %s", first[0])
	}
	a.check("coverage-municipalities")

	// The CSV is a file, downloaded with the session's token, and it parses into the API's cells.
	a.do(click("#coverage-download"), visible("#coverage-download-status[data-file]"))
	name := eval[string](a, `document.getElementById('coverage-download-status').dataset.file`)
	rows, err := csv.NewReader(strings.NewReader(string(a.downloaded(dir, name)))).ReadAll()
	if err != nil {
		t.Fatalf("the downloaded %s does not parse: %v", name, err)
	}
	if len(rows) != len(cells)+1 || strings.Join(rows[0], ",") != "zone,istat_code,need_code,need_label,full,partial,with_free_places,stale" {
		t.Fatalf("the file has %d rows (header %v), the API %d cells", len(rows), rows[0], len(cells))
	}
	for i, c := range cells {
		r := rows[i+1]
		if r[0] != testenv.Get(c, "zone", "name") || r[2] != testenv.Get(c, "need", "code") || r[4] != fmt.Sprint(testenv.Get(c, "full")) ||
			r[5] != fmt.Sprint(testenv.Get(c, "partial")) || r[6] != fmt.Sprint(testenv.Get(c, "withFreePlaces")) || r[7] != fmt.Sprint(testenv.Get(c, "stale")) {
			t.Fatalf("row %d of the file is %v, the API's cell %v", i+1, r, c)
		}
	}

	// By social district, a partial cell opens the services behind it: the API's.
	a.choose(`#coverage-form select[name=level]`, "SOCIAL_DISTRICT")
	a.shown("the coverage by district", `#coverage-matrix button[data-state="partial"]`, click("#coverage-submit"))
	cell := eval[map[string]string](a, `(() => { const b = document.querySelector('#coverage-matrix button[data-state="partial"]'); b.click(); return {...b.dataset}; })()`)
	a.do(visible("#coverage-cell-services li"))
	services := a.api(`query($in: FindServicesInput!) { findServices(input: $in, first: 50) { edges { node { coverage service { id } } } } }`,
		map[string]any{"in": map[string]any{"zoneId": cell["zone"], "needId": cell["need"]}})
	var apiIDs []string
	partials := 0
	for _, e := range testenv.Get(services, "findServices", "edges").([]any) {
		apiIDs = append(apiIDs, testenv.Get(e, "node", "service", "id").(string))
		if testenv.Get(e, "node", "coverage") == "PARTIAL" {
			partials++
		}
	}
	pageIDs := eval[[]string](a, `[...document.querySelectorAll('#coverage-cell-services li[data-service]')].map(li => li.dataset.service)`)
	if !slices.Equal(pageIDs, apiIDs) {
		t.Errorf("the partial cell lists %v, the API %v", pageIDs, apiIDs)
	}
	if n, _ := strconv.Atoi(cell["partial"]); partials != n || n == 0 {
		t.Errorf("the cell counts %s partial services, the API lists %d", cell["partial"], partials)
	}
	a.check("coverage-partial-cell")

	// In English, from the same catalogue.
	a.choose("#lang-select", "en")
	a.do(hasText("#coverage-legend-list", "Partial coverage only"), hasText("main h1", "Coverage of needs"))
	a.check("coverage-english")
	eval[bool](a, `localStorage.removeItem('snodo.lang'); true`)
}

// A coordinator opens the network of Tuscany over 2025: the page's strongest bridge is the
// API's actor of the highest betweenness, the graph holds every actor and tie of the API,
// the layers switch the ties on and off (in the graph and the table), and an actor opens its
// services, partnerships and routes.
func TestCoordinatorNetwork(t *testing.T) {
	a := start(t)
	a.signIn("coordinator-pisana", "/network")
	a.check("network-empty")
	a.pickZone(`#network-form input[role=combobox]`, "Toscana")
	a.choose(`#network-form select[name=period]`, "2025")
	a.shown("the network of Tuscany", `#network-graph[data-ready]`, click("#network-submit"))

	region := relay.GlobalID("Zone", seed.ID("Zone", "reg-toscana"))
	data := a.api(`query($in: NetworkInput!) { networkAnalysis(input: $in) { actorCount
		centrality(first: 3) { actor { id name } betweenness } links { layers } } }`,
		map[string]any{"in": map[string]any{"zoneId": region, "period": "2025"}})
	top := testenv.Get(data, "networkAnalysis", "centrality", 0)
	if got := eval[string](a, `document.getElementById('network-top').dataset.actor`); got != testenv.Get(top, "actor", "id") {
		t.Errorf("the page's strongest bridge is %s, the API's %v", got, top)
	}
	if txt := a.text("#network-top"); !strings.Contains(txt, testenv.Get(top, "actor", "name").(string)) {
		t.Errorf("the page names the strongest bridge %q, the API %v", txt, testenv.Get(top, "actor", "name"))
	}
	if got := eval[string](a, `document.querySelector('#network-actors tbody tr').dataset.actor`); got != testenv.Get(top, "actor", "id") {
		t.Errorf("the actors' table starts with %s, not the API's strongest bridge", got)
	}
	nodes := eval[string](a, `document.getElementById('network-graph').dataset.nodes`)
	if nodes != fmt.Sprint(testenv.Get(data, "networkAnalysis", "actorCount")) {
		t.Errorf("the graph has %s nodes, the API %v actors", nodes, testenv.Get(data, "networkAnalysis", "actorCount"))
	}
	// Each tie is drawn once per kind: agreement, route (followed or not), referrals off route.
	kinds := 0
	offRoute := 0
	for _, l := range testenv.Get(data, "networkAnalysis", "links").([]any) {
		layers := fmt.Sprint(l)
		if strings.Contains(layers, "PARTNERSHIPS") {
			kinds++
		}
		if strings.Contains(layers, "ROUTES") {
			kinds++
		} else if strings.Contains(layers, "REFERRALS") {
			kinds++
			offRoute++
		}
	}
	if edges := eval[string](a, `document.getElementById('network-graph').dataset.edges`); edges != strconv.Itoa(kinds) {
		t.Errorf("the graph draws %s ties, the API's links make %d", edges, kinds)
	}
	if got := eval[int](a, `document.querySelectorAll('#network-links tr[data-kind="offRoute"]').length`); got != offRoute {
		t.Errorf("the table shows %d ties off route, the API %d", got, offRoute)
	}
	a.check("network-tuscany")

	// Switching the partnerships off hides their ties in the graph and the table.
	a.do(click(`#network-layers input[data-layer="PARTNERSHIPS"]`), waitJS(`document.getElementById('network-graph').dataset.layers === 'ROUTES,REFERRALS'`))
	if n := eval[int](a, `[...document.querySelectorAll('#network-links tr[data-kind="partnership"]')].filter(tr => !tr.hidden).length`); n != 0 {
		t.Errorf("%d agreement ties still shown with the layer off", n)
	}
	if n := eval[int](a, `[...document.querySelectorAll('#network-links tr:not([data-kind="partnership"])')].filter(tr => tr.hidden).length`); n != 0 {
		t.Errorf("%d other ties hidden with the agreements off", n)
	}
	a.check("network-without-partnerships")

	// The strongest bridge opens its services, partnerships and routes.
	a.do(click(`#network-actors button[data-open]`), visible("#network-actor h2"))
	if txt := a.text("#network-actor h2"); !strings.Contains(txt, testenv.Get(top, "actor", "name").(string)) {
		t.Errorf("the actor's panel is %q", txt)
	}
	actor := a.api(`query($id: ID!) { node(id: $id) { ... on Actor { services(first: 20) { totalCount } partnerships(first: 20) { totalCount } } } nextRoutes(fromId: $id) { id } }`,
		map[string]any{"id": testenv.Get(top, "actor", "id")})
	for sel, want := range map[string]any{
		"#network-actor-services li":     testenv.Get(actor, "node", "services", "totalCount"),
		"#network-actor-partnerships li": testenv.Get(actor, "node", "partnerships", "totalCount"),
		"#network-actor-routes li":       float64(len(testenv.Get(actor, "nextRoutes").([]any))),
	} {
		if got := eval[int](a, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)); float64(got) != want.(float64) && got != 20 {
			t.Errorf("%s: %d, the API %v", sel, got, want)
		}
	}
	a.check("network-actor")
}

// tileServer is a local tile server: a plain 256×256 PNG for every tile, counting the tiles
// asked for.
func tileServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for y := 0; y < 256; y++ {
		for x := 0; x < 256; x++ {
			img.Set(x, y, color.RGBA{R: 0xe6, G: 0xee, B: 0xf5, A: 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	var asked atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv, &asked
}

// confidentialLocated are the global IDs of the confidential services of a zone (or inside it)
// that have a place: the demo places its protected shelters too.
func (a *app) confidentialLocated(zone string) []string {
	a.t.Helper()
	var out []string
	for _, r := range a.env.Query(a.t, `MATCH (:Zone {id: $zone})<-[:PART_OF]-*(:Zone)<-[:AVAILABLE_IN]-(s:Service {confidential: true})
		WHERE s.latitude IS NOT NULL RETURN DISTINCT s.id`, map[string]any{"zone": zone}) {
		out = append(out, relay.GlobalID("Service", r.Values[0].(string)))
	}
	return out
}

// A coordinator opens the map of Tuscany, drawn on tiles from a local tile
// server: a marker and a row for each of the API's located actors and services, and no
// confidential service, though the demo places them (in the region, which they serve).
func TestCoordinatorMap(t *testing.T) {
	tiles, asked := tileServer(t)
	a := startWith(t, func(o *server.Options) { o.MapTiles = tiles.URL + "/{z}/{x}/{y}.png" })
	a.signIn("coordinator-pisana", "/map")
	if eval[bool](a, `!!document.getElementById('map-none')`) {
		t.Fatal("with tiles configured the page says there is no map")
	}
	a.pickZone(`#map-form input[role=combobox]`, "Toscana")
	a.shown("the map of Tuscany", `#map[data-ready]`, click("#map-submit"))
	a.do(waitJS(`document.querySelectorAll('#map img.leaflet-tile-loaded').length > 0`))
	if asked.Load() == 0 {
		t.Error("the map asked the tile server for no tile")
	}

	region := seed.ID("Zone", "reg-toscana")
	data := a.api(`query($zone: ID!) { mapPlaces(zoneId: $zone) { actors { id } services { id } } }`,
		map[string]any{"zone": relay.GlobalID("Zone", region)})
	var want []string
	for _, kind := range []string{"actors", "services"} {
		for _, p := range testenv.Get(data, "mapPlaces", kind).([]any) {
			want = append(want, testenv.Get(p, "id").(string))
		}
	}
	rows := eval[[]string](a, `[...document.querySelectorAll('#map-places tbody tr')].map(tr => tr.dataset.id)`)
	if !slices.Equal(rows, want) || len(want) == 0 {
		t.Errorf("the page lists %d places, the API %d", len(rows), len(want))
	}
	if markers := eval[int](a, `document.querySelectorAll('#map path.place').length`); markers != len(want) {
		t.Errorf("the map draws %d markers, the API has %d places", markers, len(want))
	}
	hidden := a.confidentialLocated(region)
	if len(hidden) == 0 {
		t.Fatal("the demo places no confidential service in Tuscany: the check below would prove nothing")
	}
	for _, h := range hidden {
		if slices.Contains(rows, h) || slices.Contains(want, h) {
			t.Errorf("the confidential service %s is on the map", h)
		}
	}
	a.check("map-tuscany")
}

// Without a tile server the map page says there is no map and lists the places.
func TestMapWithoutTiles(t *testing.T) {
	a := start(t)
	a.open("/map")
	a.do(visible("#map-none"))
	a.pickZone(`#map-form input[role=combobox]`, "Provincia di Grosseto")
	a.shown("the list of places without a map", `#map-places tbody tr`, click("#map-submit"))
	if eval[bool](a, `!!document.getElementById('map')`) {
		t.Error("a map is drawn without a tile server")
	}
	a.check("map-without-tiles")
}
