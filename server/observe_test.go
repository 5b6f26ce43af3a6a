package server_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/internal/testenv"
	"snodo/loaders"
	"snodo/server"
	"snodo/store"
)

// syncBuffer is a log sink that handlers write to from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lines decodes the JSON log lines.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s.String()))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("a log line that is not JSON: %s", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func gqlRequest(ctx context.Context, v auth.Viewer, query string, vars map[string]any, header map[string]string) *http.Request {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body)).WithContext(ctx)
	req.Header.Set("Content-Type", "application/json")
	if v.Role != "" && v.Role != auth.Anonymous {
		req.Header.Set("Authorization", "Bearer "+testenv.Token(v))
	}
	for k, val := range header {
		req.Header.Set(k, val)
	}
	return req
}

// TestAccessLogAndRequestIDs: each request gets one JSON access line with its method, route,
// status, duration, operation and client, under the client's X-Request-Id or a new one that
// the answer returns; no value from the request (variables) reaches the log.
func TestAccessLogAndRequestIDs(t *testing.T) {
	e := testenv.Open(t)
	var logs syncBuffer
	log := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := e.HandlerWith(server.Options{Logger: log, AccessLog: log})
	const secret = "SECRET-VALUE-4242"
	q := `query ZonesForLog($q: String) { zones(first: 2, filter: {search: $q}) { totalCount } }`
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, gqlRequest(context.Background(), testenv.Admin, q, map[string]any{"q": secret}, map[string]string{"X-Request-Id": "req-abc-123"}))
	if got := rec.Header().Get("X-Request-Id"); got != "req-abc-123" {
		t.Errorf("X-Request-Id answered %q, want the client's", got)
	}
	// Without an id of its own (or with one that is not one), the request gets a new one.
	rec2 := httptest.NewRecorder()
	h.ServeHTTP(rec2, gqlRequest(context.Background(), testenv.Admin, `{ zones(first: 1) { totalCount } }`, nil, map[string]string{"X-Request-Id": "bad id\twith spaces"}))
	made := rec2.Header().Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{24}$`).MatchString(made) {
		t.Errorf("a made request id: %q", made)
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("a variable's value reached the log:\n%s", logs.String())
	}
	access := map[string]map[string]any{}
	for _, l := range logs.lines(t) {
		id, _ := l["requestId"].(string)
		if l["msg"] == "request" {
			if access[id] != nil {
				t.Errorf("two access lines for %s", id)
			}
			access[id] = l
		}
	}
	a := access["req-abc-123"]
	if a == nil {
		t.Fatalf("no access line for req-abc-123:\n%s", logs.String())
	}
	for k, want := range map[string]any{"method": "POST", "route": "/graphql", "status": float64(200), "operation": "ZonesForLog", "operationType": "query", "client": "192.0.2.1"} {
		if a[k] != want {
			t.Errorf("access line %s = %v, want %v", k, a[k], want)
		}
	}
	if d, ok := a["durationMs"].(float64); !ok || d <= 0 {
		t.Errorf("access line durationMs = %v", a["durationMs"])
	}
	if access[made] == nil {
		t.Errorf("no access line under the made id %s", made)
	}
}

// metricValue is the value of the sample with the name and exact labels (as Prometheus writes
// them, sorted by name) in a scrape, or -1.
func metricValue(scrape, sample string) float64 {
	for _, line := range strings.Split(scrape, "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}

func scrape(t *testing.T, m *server.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("/metrics: %d", rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestMetricsMove: requests, operations, Cypher statements, loader batches, refusals by a limit,
// rate-limit refusals and the disclosure budget each move their metric; the Go runtime's are there.
func TestMetricsMove(t *testing.T) {
	e := testenv.Open(t)
	m := server.NewMetrics()
	store.ObserveQueries(m.Query)
	loaders.ObserveBatch = m.Batch
	defer func() { store.ObserveQueries(nil); loaders.ObserveBatch = nil }()
	pub, err := disclosure.New(disclosure.Defaults, e.Store.Now, m.Ledger(e.Store))
	if err != nil {
		t.Fatal(err)
	}
	h := e.HandlerWith(server.Options{Logger: quiet, Metrics: m, Disclosure: pub, RatePerSecond: 1, RateBurst: 6})
	before := scrape(t, m)
	for _, s := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if metricValue(before, s) <= 0 {
			t.Errorf("no %s in the scrape", s)
		}
	}
	do := func(v auth.Viewer, q string, vars map[string]any) testenv.Response {
		t.Helper()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, gqlRequest(context.Background(), v, q, vars, nil))
		var r testenv.Response
		_ = json.Unmarshal(rec.Body.Bytes(), &r)
		r.Status = rec.Code
		return r
	}
	r := do(testenv.Admin, `mutation Make { createZone(input: {name: "Metered", kind: REGION}) { zone { id } } }`, nil)
	zone, _ := r.Data["createZone"].(map[string]any)["zone"].(map[string]any)["id"].(string)
	do(testenv.Admin, `query Tree { zones(first: 5) { edges { node { parents { id } } } } }`, nil)
	do(testenv.Admin, `query Deep { zones(first: 1) { edges { node { parents { parents { parents { parents { parents { parents { parents { parents { parents { parents { parents { parents { id } } } } } } } } } } } } } } } }`, nil)
	researcher := auth.Viewer{Subject: "res-metrics", Role: auth.Researcher}
	if r := do(researcher, `query Counts($z: ID!) { caseCounts(input: {zoneId: $z, period: "2026-Q1"}) { threshold } }`, map[string]any{"z": zone}); len(r.Errors) > 0 {
		t.Errorf("caseCounts: %+v", r.Errors)
	}
	limited := 0
	for range 8 {
		if do(testenv.Admin, `{ zones(first: 1) { totalCount } }`, nil).Status == http.StatusTooManyRequests {
			limited++
		}
	}
	after := scrape(t, m)
	for sample, want := range map[string]float64{
		`snodo_graphql_operations_total{code="OK",operation="Make",type="mutation"}`:          1,
		`snodo_graphql_operations_total{code="OK",operation="Tree",type="query"}`:             1,
		`snodo_graphql_operations_total{code="QUERY_TOO_DEEP",operation="Deep",type="query"}`: 1,
		`snodo_limit_refusals_total{limit="QUERY_TOO_DEEP"}`:                                  1,
		`snodo_disclosure_budget_spent_total{role="RESEARCHER"}`:                              1,
		`snodo_rate_limited_total{route="/graphql"}`:                                          float64(limited),
	} {
		if got := metricValue(after, sample); got != want {
			t.Errorf("%s = %v, want %v", sample, got, want)
		}
	}
	if limited == 0 {
		t.Error("no request was rate limited")
	}
	for _, sample := range []string{
		`snodo_http_request_duration_seconds_count{route="/graphql",status="200"}`,
		`snodo_cypher_duration_seconds_count{outcome="ok",query="CreateZone"}`,
		`snodo_loader_batch_size_count`,
	} {
		if got := metricValue(after, sample); got < 1 {
			t.Errorf("%s = %v, want at least 1\n%s", sample, got, grepLines(after, "snodo_cypher_duration_seconds_count"))
		}
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
