package main

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/internal/testenv"
	"snodo/server"
)

// getReport asks GET /reports/{zone}/{file} with the viewer's token (none for a zero viewer).
func getReport(t *testing.T, srv *httptest.Server, v auth.Viewer, zone, file string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/reports/"+zone+"/"+file, nil)
	if v.Role != "" {
		req.Header.Set("Authorization", "Bearer "+testenv.Token(v))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// aggregateQueries counts the recorded aggregate queries of a subject under a name.
func aggregateQueries(t *testing.T, e *testenv.Env, subject, name string) int64 {
	t.Helper()
	return e.Query(t, `MATCH (q:AggregateQuery {subject: $s, query: $n}) RETURN count(q)`, map[string]any{"s": subject, "n": name})[0].Values[0].(int64)
}

// The web app's report is `snodo report`'s: the same figures for the same zone and period, as
// CSV and JSON files; only the roles that read the indicators get it; each download is
// recorded and spends the researcher's budget, and past the budget it is refused.
func TestReportEndpointIsTheCommandsReport(t *testing.T) {
	e, pub, read := demoReports(t)
	researcher := auth.Viewer{Subject: "ricercatrice", Role: auth.Researcher}
	srv := httptest.NewServer(server.New(e.Store, server.Options{Verifier: testenv.Verifier(), Disclosure: pub, RatePerSecond: -1}))
	defer srv.Close()

	for _, period := range []string{"2026-Q2", "2026-Q3", "2012-H1"} {
		want := read(reportFlags{zone: "09", period: period})
		res, body := getReport(t, srv, researcher, "09", period+".json")
		if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/json" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), `attachment; filename="snodo-report-`+period+"-") {
			t.Fatalf("%s.json: %d %v %s", period, res.StatusCode, res.Header, body)
		}
		var got map[string]string
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(got) < 10 {
			t.Errorf("%s: the endpoint gives %d figures, the command %d", period, len(got), len(want))
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("%s %s: the endpoint says %q, snodo report %q", period, k, got[k], v)
			}
		}
		res, body = getReport(t, srv, researcher, "09", period+".csv")
		rows, err := csv.NewReader(strings.NewReader(string(body))).ReadAll()
		if err != nil || res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s.csv: %d %v %s", period, res.StatusCode, err, body)
		}
		if rows[0][0] != "indicator" || len(rows)-1 != len(want) {
			t.Errorf("%s.csv: %d rows for %d figures", period, len(rows)-1, len(want))
		}
		for _, row := range rows[1:] {
			if want[row[0]] != row[1] {
				t.Errorf("%s.csv %s: %q, snodo report %q", period, row[0], row[1], want[row[0]])
			}
		}
	}
	// The zone by its global ID gives the same.
	zone := testenv.Get(e.MustDo(t, `{ zones(filter: {istatCode: "09"}) { edges { node { id } } } }`, nil), "zones", "edges", 0, "node", "id").(string)
	if res, body := getReport(t, srv, researcher, zone, "2026-Q2.json"); res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), zone) {
		t.Errorf("by global ID: %d %s", res.StatusCode, body)
	}
	if n := aggregateQueries(t, e, "ricercatrice", "report"); n != 7 {
		t.Errorf("7 reports downloaded, %d recorded", n)
	}

	// Roles: those of Query.indicators only; a refused caller spends nothing.
	for _, c := range []struct {
		v      auth.Viewer
		status int
		code   string
	}{
		{auth.Viewer{}, http.StatusUnauthorized, "UNAUTHENTICATED"},
		{auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: "sds-pisana"}, http.StatusForbidden, "FORBIDDEN"},
		{auth.Viewer{Subject: "op", Role: auth.ServiceOperator, ActorID: "sds-pisana"}, http.StatusForbidden, "FORBIDDEN"},
	} {
		res, body := getReport(t, srv, c.v, "09", "2026-Q2.csv")
		if res.StatusCode != c.status || !strings.Contains(string(body), c.code) || strings.Contains(string(body), "cases_opened") {
			t.Errorf("%s: %d %s", c.v.Role, res.StatusCode, body)
		}
		if c.v.Subject != "" && aggregateQueries(t, e, c.v.Subject, "report") != 0 {
			t.Errorf("a refused %s spent its budget", c.v.Role)
		}
	}
	coordinator := auth.Viewer{Subject: "coord", Role: auth.Coordinator, ZoneIDs: []string{"toscana"}}
	if res, body := getReport(t, srv, coordinator, "09", "2026-Q2.json"); res.StatusCode != http.StatusOK {
		t.Errorf("a coordinator: %d %s", res.StatusCode, body)
	}
	for file, code := range map[string]string{"2026-Q4.csv": "PERIOD_NOT_ENDED", "2026-Q9.json": "BAD_USER_INPUT", "2026-Q2.xml": "NOT_FOUND"} {
		if res, body := getReport(t, srv, researcher, "09", file); res.StatusCode < 400 || !strings.Contains(string(body), code) {
			t.Errorf("%s: %d %s", file, res.StatusCode, body)
		}
	}
	if res, body := getReport(t, srv, researcher, "99999", "2026-Q2.csv"); res.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown zone: %d %s", res.StatusCode, body)
	}

	// The budget: GraphQL's aggregate queries and the reports spend the same one.
	params := disclosure.Defaults
	params.DailyBudget = 2
	small, err := disclosure.New(params, e.Store.Now, e.Store)
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(e.Store, server.Options{Verifier: testenv.Verifier(), Disclosure: small, RatePerSecond: -1})
	srv2 := httptest.NewServer(h)
	defer srv2.Close()
	thrifty := auth.Viewer{Subject: "parsimoniosa", Role: auth.Researcher}
	if r := testenv.DoOn(t, h, thrifty, `query($z: ID!) { indicators(zoneId: $z, period: "2026-Q2") { casesOpened } }`, map[string]any{"z": zone}); r.Code() != "" {
		t.Fatalf("indicators: %v", r)
	}
	if res, body := getReport(t, srv2, thrifty, "09", "2026-Q2.csv"); res.StatusCode != http.StatusOK {
		t.Fatalf("the second query of two: %d %s", res.StatusCode, body)
	}
	res, body := getReport(t, srv2, thrifty, "09", "2026-Q2.csv")
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "BUDGET_EXCEEDED") {
		t.Errorf("past the budget: %d %s", res.StatusCode, body)
	}
	if r := testenv.DoOn(t, h, thrifty, `query($z: ID!) { indicators(zoneId: $z, period: "2026-Q2") { casesOpened } }`, map[string]any{"z": zone}); r.Code() != "BUDGET_EXCEEDED" {
		t.Errorf("indicators past the budget: %v", r)
	}
}
