package e2e

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/seed"
)

// The researchers' journey: the indicators of a quarter with the withheld figures marked as the
// API withholds them, the flows by actor kind with the off-route share, the pathways taken
// through COMMIT's model, and the quarterly report downloaded as CSV and JSON with the API's
// figures; a case manager cannot open these pages' data. Each page's load time, from the
// in-app navigation (a form sent, a link followed) to its figures and charts shown, is logged.
func TestResearcherReadsTheNetwork(t *testing.T) {
	a := start(t)
	researcher := viewerOf(t, "researcher")
	api := func(query string, vars map[string]any) map[string]any {
		t.Helper()
		r := testenv.DoOn(t, a.env.Handler(), researcher, query, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("the API: %v", r.Errors)
		}
		return r.Data
	}
	zone := testenv.Get(api(`{ zones(filter: {search: "Provincia di Grosseto"}, first: 1) { edges { node { id name } } } }`, nil), "zones", "edges", 0, "node", "id").(string)
	const quarter = "2026-Q3"

	// Indicators: the form sends one view; the figures the API withholds are marked, the others shown.
	a.signIn("researcher", "/research/indicators")
	a.do(visible("#indicators-form"))
	a.check("indicators-form")
	a.pickZone(`#indicators-form input[role=combobox]`, "Provincia di Grosseto")
	a.selectValue(`#indicators-form select[name=period]`, quarter)
	requests, spent := a.graphqlRequests(), a.aggregateQueries(researcher.Subject)
	took := a.timed(chromedp.Steps(click(`#indicators-form button[type=submit]`), visible("#indicators-headline"), chartsDrawn("#indicators")))
	t.Logf("load time, indicators of %s (4 quarters, 5 charts): %d ms", quarter, took.Milliseconds())
	// One view, one request: the quarter and the three before it, four aggregate queries.
	if n := a.graphqlRequests() - requests; n != 1 {
		t.Errorf("the indicators' view sent %d GraphQL requests, want 1", n)
	}
	if n := a.aggregateQueries(researcher.Subject) - spent; n != 4 {
		t.Errorf("the indicators' view spent %d aggregate queries, want 4", n)
	}
	in := api(`query($z: ID!, $p: String!) { indicators(zoneId: $z, period: $p) { casesOpened casesInCharge casesClosed overdueCases
		outcomes { key count } referrals { key count } acceptanceRate { value withheld } medianDaysToTakingCharge { value withheld } } }`,
		map[string]any{"z": zone, "p": quarter})["indicators"].(map[string]any)
	withheld := 0
	for _, k := range []string{"casesOpened", "casesInCharge", "casesClosed", "overdueCases"} {
		n := int(in[k].(float64))
		if n == 0 {
			withheld++
		}
		a.expectCount(fmt.Sprintf(`#indicators-headline [data-indicator=%q]`, k), n)
	}
	for _, k := range []string{"acceptanceRate", "medianDaysToTakingCharge"} {
		f := in[k].(map[string]any)
		sel := fmt.Sprintf(`#indicators-headline [data-indicator=%q]`, k)
		if f["value"] == nil {
			withheld++
			if got := eval[string](a, fmt.Sprintf(`document.querySelector('%s [data-withheld]')?.dataset.withheld ?? 'none'`, sel)); got != f["withheld"] {
				t.Errorf("%s: the API withholds it (%v), the page marks %q", k, f["withheld"], got)
			}
		} else if got := eval[string](a, fmt.Sprintf(`document.querySelector('%s [data-figure]')?.dataset.figure ?? 'none'`, sel)); got != strconv.FormatFloat(f["value"].(float64), 'f', -1, 64) {
			t.Errorf("%s: the API publishes %v, the page shows %q", k, f["value"], got)
		}
	}
	for table, keys := range map[string][]string{"outcomes": {"INCLUDED", "TRANSFERRED", "DROPPED_OUT", "OTHER"}, "referrals": {"SENT", "RECEIVED", "ACCEPTED", "ON_HOLD", "REFUSED", "IN_PROGRESS", "COMPLETED", "FAILED", "CANCELLED"}} {
		published := map[string]int{}
		for _, b := range in[table].([]any) {
			published[testenv.Get(b, "key").(string)] = int(testenv.Get(b, "count").(float64))
		}
		for _, k := range keys {
			if published[k] == 0 {
				withheld++
			}
			a.expectCount(fmt.Sprintf(`table[data-table=%q] tr[data-key=%q]`, table, k), published[k])
		}
	}
	if withheld < 3 {
		t.Errorf("the view has %d withheld figures: pick one that shows the marks", withheld)
	}
	if n := eval[int](a, `document.querySelectorAll('#indicators [data-withheld]').length`); n < withheld {
		t.Errorf("the page marks %d figures, the API withholds %d", n, withheld)
	}
	if n := eval[int](a, `document.querySelectorAll('[data-count="0"]').length`); n != 0 {
		t.Errorf("%d counts shown as a plain zero", n)
	}
	if got := eval[string](a, `[...document.querySelectorAll('table[data-table=series] tbody tr')].map(r => r.dataset.key).join(' ')`); got != "2025-Q4 2026-Q1 2026-Q2 2026-Q3" {
		t.Errorf("the quarter-on-quarter series: %q", got)
	}
	a.check("indicators")

	// Flows by actor kind in 2025: the API's flows, the Sankey drawn, the off-route share of them.
	a.do(click(`a[href="/research/flows"]`), visible("#flows-form"))
	a.selectValue(`#flows-form select[name=period]`, "2025")
	eval[bool](a, `document.querySelector('#flows-form input[type=checkbox]').checked = true; true`)
	requests, spent = a.graphqlRequests(), a.aggregateQueries(researcher.Subject)
	took = a.timed(chromedp.Steps(click(`#flows-form button[type=submit]`), visible(`table[data-table=flows]`), chartsDrawn("#flows")))
	t.Logf("load time, flows of 2025 by actor kind (Sankey): %d ms", took.Milliseconds())
	if r, q := a.graphqlRequests()-requests, a.aggregateQueries(researcher.Subject)-spent; r != 1 || q != 1 {
		t.Errorf("the flows' view sent %d requests and spent %d aggregate queries, want 1 and 1", r, q)
	}
	flows := api(`{ referralFlows(input: {period: "2025", byActorKind: true, first: 50}) { from to sent offRoute } }`, nil)["referralFlows"].([]any)
	sent, off := 0.0, 0.0
	for _, f := range flows {
		sent += testenv.Get(f, "sent").(float64)
		off += testenv.Get(f, "offRoute").(float64)
	}
	if rows := eval[int](a, `document.querySelectorAll('table[data-table=flows] tbody tr').length`); rows != len(flows) || len(flows) == 0 {
		t.Errorf("the page lists %d flows, the API %d", rows, len(flows))
	}
	if share, _ := strconv.ParseFloat(eval[string](a, `document.querySelector('#off-route-share [data-figure]')?.dataset.figure ?? ''`), 64); math.Abs(share-off/sent) > 1e-9 || off == 0 {
		t.Errorf("the off-route share: %v, want %v/%v", share, off, sent)
	}
	if !strings.Contains(a.text("table[data-table=flows]"), "Cooperativa") {
		t.Errorf("actor kinds are named in Italian: %s", a.text("table[data-table=flows]"))
	}
	a.check("flows")

	// Pathways taken through COMMIT's model in 2025: the funnel per stage as the API gives it.
	models := api(`{ pathwayModels { id name } }`, nil)["pathwayModels"].([]any)
	commit := ""
	for _, m := range models {
		if strings.HasPrefix(testenv.Get(m, "name").(string), "COMMIT") {
			commit = testenv.Get(m, "id").(string)
		}
	}
	a.do(click(`a[href="/research/pathways"]`), visible("#pathways-form"))
	a.selectValue(`#pathways-form select[required]`, commit)
	a.selectValue(`#pathways-form select[name=period]`, "2025")
	requests, spent = a.graphqlRequests(), a.aggregateQueries(researcher.Subject)
	took = a.timed(chromedp.Steps(click(`#pathways-form button[type=submit]`), visible(`table[data-table=funnel]`), chartsDrawn("#pathways")))
	t.Logf("load time, pathways taken through COMMIT in 2025 (funnel): %d ms", took.Milliseconds())
	if r, q := a.graphqlRequests()-requests, a.aggregateQueries(researcher.Subject)-spent; r != 1 || q != 1 {
		t.Errorf("the pathways' view sent %d requests and spent %d aggregate queries, want 1 and 1", r, q)
	}
	taken := api(`query($m: ID!) { pathwaysTaken(input: {modelId: $m, period: "2025"}) { cases stages { stage { code } reached dropOuts } stageSequences { steps } } }`, map[string]any{"m": commit})["pathwaysTaken"]
	for _, s := range testenv.Get(taken, "stages").([]any) {
		code := testenv.Get(s, "stage", "code").(string)
		a.expectCount(fmt.Sprintf(`table[data-table=funnel] tr[data-key=%q] td:nth-of-type(1)`, code), int(testenv.Get(s, "reached").(float64)))
		a.expectCount(fmt.Sprintf(`table[data-table=funnel] tr[data-key=%q] td:nth-of-type(3)`, code), int(testenv.Get(s, "dropOuts").(float64)))
	}
	if got, want := eval[int](a, `document.querySelectorAll('#stage-sequences tbody tr').length`), len(testenv.Get(taken, "stageSequences").([]any)); got != want || want == 0 {
		t.Errorf("the page lists %d sequences of stages, the API %d", got, want)
	}
	a.check("pathways")

	// The report of the quarter, downloaded as CSV and JSON: it parses and has the API's figures.
	dir := a.downloads()
	a.do(click(`a[href="/research/reports"]`), visible("#report-form"))
	a.check("reports-form")
	a.pickZone(`#report-form input[role=combobox]`, "Provincia di Grosseto")
	a.selectValue(`#report-form select[name=period]`, quarter)
	spent = a.aggregateQueries(researcher.Subject)
	took = a.timed(chromedp.Steps(click(`#report-form button[data-format=csv]`), visible(`#report-status[data-file]`)))
	if n := a.aggregateQueries(researcher.Subject) - spent; n != 1 {
		t.Errorf("the report's download spent %d aggregate queries, want 1", n)
	}
	csvFile := a.downloaded(dir, eval[string](a, `document.getElementById('report-status').dataset.file`))
	t.Logf("load time, the report of %s fetched and saved as CSV: %d ms", quarter, took.Milliseconds())
	rows, err := csv.NewReader(strings.NewReader(string(csvFile))).ReadAll()
	if err != nil || len(rows) < 10 || rows[0][0] != "indicator" {
		t.Fatalf("the CSV report does not parse: %v %q", err, csvFile)
	}
	report := map[string]string{}
	for _, r := range rows[1:] {
		report[r[0]] = r[1]
	}
	want := map[string]string{"period": quarter}
	for k, name := range map[string]string{"casesOpened": "cases_opened", "casesInCharge": "cases_in_charge", "casesClosed": "cases_closed", "overdueCases": "overdue_cases"} {
		want[name] = strconv.Itoa(int(in[k].(float64)))
	}
	for _, b := range in["outcomes"].([]any) {
		want["cases_closed_"+testenv.Get(b, "key").(string)] = strconv.Itoa(int(testenv.Get(b, "count").(float64)))
	}
	for _, b := range in["referrals"].([]any) {
		want["referrals_"+testenv.Get(b, "key").(string)] = strconv.Itoa(int(testenv.Get(b, "count").(float64)))
	}
	for k, name := range map[string]string{"acceptanceRate": "acceptance_rate", "medianDaysToTakingCharge": "median_days_to_taking_charge"} {
		want[name] = "withheld"
		if v, ok := in[k].(map[string]any)["value"].(float64); ok {
			want[name] = strconv.FormatFloat(v, 'f', -1, 64)
		}
	}
	for k, v := range want {
		if report[k] != v {
			t.Errorf("the report's %s: %q, the API's %q", k, report[k], v)
		}
	}
	a.do(click(`#report-form button[data-format=json]`), waitJS(`(document.getElementById('report-status').dataset.file || '').endsWith('.json')`))
	var obj map[string]string
	if err := json.Unmarshal(a.downloaded(dir, eval[string](a, `document.getElementById('report-status').dataset.file`)), &obj); err != nil {
		t.Fatalf("the JSON report does not parse: %v", err)
	}
	if len(obj) != len(report) {
		t.Errorf("the JSON report has %d figures, the CSV %d", len(obj), len(report))
	}
	for k, v := range report {
		if obj[k] != v {
			t.Errorf("the JSON report's %s: %q, the CSV's %q", k, obj[k], v)
		}
	}
	a.check("reports")
	a.selectValue("#lang-select", "en")
	a.do(hasText("main", "Download CSV"), hasText("main", "Below the threshold"), hasText("header", "Monitoring"))
	if z := eval[string](a, `document.querySelector('#report-form input[role=combobox]').value`); z != "Provincia di Grosseto" {
		t.Errorf("after the change of language the report's zone is %q", z)
	}
	a.check("reports-en")
	a.selectValue("#lang-select", "it")
	a.do(hasText("main", "Scarica CSV"))

	// A case manager: no monitoring in the navigation, the pages ask for another sign-in, and
	// the API and the report endpoint refuse it.
	a.signOut()
	a.signIn("case-manager-sds", "/research/indicators")
	if n := eval[int](a, `document.querySelectorAll('a[href="/research"], #indicators-form').length`); n != 0 {
		t.Errorf("a case manager sees the monitoring pages (%d elements)", n)
	}
	a.do(hasText("main", "Per questa pagina devi accedere"))
	a.check("case-manager-refused")
	cm := viewerOf(t, "case-manager-sds")
	if r := testenv.DoOn(t, a.env.Handler(), cm, `query($z: ID!) { indicators(zoneId: $z, period: "2026-Q3") { casesOpened } }`, map[string]any{"z": zone}); r.Code() != "FORBIDDEN" {
		t.Errorf("indicators for a case manager: %v", r.Errors)
	}
	req, _ := http.NewRequest(http.MethodGet, a.url+"/reports/"+zone+"/2026-Q3.csv", nil)
	req.Header.Set("Authorization", "Bearer "+testenv.Token(cm))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("the report for a case manager: %d", res.StatusCode)
	}
}

// graphqlRequests counts the GraphQL requests the page has sent since it loaded.
func (a *app) graphqlRequests() int {
	a.t.Helper()
	return eval[int](a, `performance.getEntriesByType('resource').filter(e => new URL(e.name).pathname === '/graphql').length`)
}

// aggregateQueries counts the aggregate queries recorded for a subject.
func (a *app) aggregateQueries(subject string) int64 {
	a.t.Helper()
	return a.env.Query(a.t, `MATCH (q:AggregateQuery {subject: $s}) RETURN count(q)`, map[string]any{"s": subject})[0].Values[0].(int64)
}

// viewerOf is the demo identity's viewer.
func viewerOf(t *testing.T, key string) auth.Viewer {
	t.Helper()
	for _, id := range seed.DemoIdentities() {
		if id.Key == key {
			return id.Viewer
		}
	}
	t.Fatalf("no demo identity %q", key)
	return auth.Viewer{}
}

// timed runs the actions and returns how long they took.
func (a *app) timed(actions chromedp.Action[chromedp.Void]) time.Duration {
	a.t.Helper()
	begin := time.Now()
	a.do(actions)
	return time.Since(begin)
}

// selectValue picks an option of a select by its value.
func (a *app) selectValue(sel, value string) {
	a.t.Helper()
	a.do(visible(sel))
	if !eval[bool](a, fmt.Sprintf(`(() => { const s = document.querySelector(%q); if (![...s.options].some(o => o.value === %q)) return false; s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`, sel, value, value)) {
		a.t.Fatalf("%s has no option %q", sel, value)
	}
}

// chartsDrawn waits until every chart in the region has been drawn (or failed, which the
// test then reports).
func chartsDrawn(region string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(() => { const c = [...document.querySelectorAll('%s [data-chart].chart-box')]; return c.length > 0 && c.every(b => b.dataset.ready || b.dataset.error); })()`, region))
}

// expectCount checks that the element shows the published count n: the number, or the mark of
// a count below the threshold when n is 0.
func (a *app) expectCount(sel string, n int) {
	a.t.Helper()
	got := eval[string](a, fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return 'missing'; const c = e.querySelector('[data-count]'); if (c) return c.dataset.count; const w = e.querySelector('[data-withheld]'); return w ? 'withheld:' + w.dataset.withheld + ':' + w.innerText : 'nothing'; })()`, sel))
	if n == 0 {
		if !strings.HasPrefix(got, "withheld:count:") || !strings.Contains(got, "sotto la soglia") {
			a.t.Errorf("%s: the API publishes 0 (none or too few), the page shows %q", sel, got)
		}
	} else if got != strconv.Itoa(n) {
		a.t.Errorf("%s: the API publishes %d, the page shows %q", sel, n, got)
	}
}
