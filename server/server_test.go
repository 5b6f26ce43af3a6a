package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/internal/testenv"
	"snodo/server"
	"snodo/store"
)

const zonesQuery = `{ zones(first: 5) { edges { node { id name } } } }`

// quiet keeps the errors the server logs out of the test output.
var quiet = slog.New(slog.DiscardHandler)

// answer is an HTTP answer as a test reads it.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body, failing the test when it is not JSON.
func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("the answer is not JSON (status %d, Content-Type %q): %s", a.status, a.header.Get("Content-Type"), a.body)
	}
	return m
}

// code is extensions.code of the first GraphQL error, or "" when there is none.
func (a answer) code(t *testing.T) string {
	t.Helper()
	m := a.json(t)
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("status %d: the answer has no errors array: %s", a.status, a.body)
	}
	c, _ := testenv.Get(errs[0], "extensions", "code").(string)
	return c
}

func serve(h http.Handler, req *http.Request) answer {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func post(h http.Handler, body string, header ...string) answer {
	return postReader(h, strings.NewReader(body), header...)
}

func postReader(h http.Handler, body io.Reader, header ...string) answer {
	req := httptest.NewRequest(http.MethodPost, "/graphql", body)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return serve(h, req)
}

func get(h http.Handler, target string, header ...string) answer {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return serve(h, req)
}

func gqlBody(t *testing.T, query string, vars map[string]any) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withZone returns the handler over a database that holds one zone, Toscana.
func withZone(t *testing.T) http.Handler {
	t.Helper()
	e := testenv.Open(t)
	d := e.MustDo(t, `mutation { createZone(input: {name: "Toscana", kind: REGION, istatCode: "09"}) { zone { id } userErrors { code } } }`, nil)
	if errs := testenv.Get(d, "createZone", "userErrors"); len(errs.([]any)) > 0 {
		t.Fatalf("createZone: %v", errs)
	}
	return server.New(e.Store, server.Options{Logger: quiet})
}

// onlyReader hides the length of a body, so the request has no Content-Length.
type onlyReader struct{ io.Reader }

func TestHealthz(t *testing.T) {
	e := testenv.Open(t)
	a := get(e.Handler(), "/healthz")
	if a.status != http.StatusOK {
		t.Fatalf("GET /healthz: status %d: %s", a.status, a.body)
	}
	if got := a.json(t)["status"]; got != "alive" {
		t.Errorf("GET /healthz says %v", got)
	}
}

func TestReadyz(t *testing.T) {
	e := testenv.Open(t)
	a := get(e.Handler(), "/readyz")
	if a.status != http.StatusOK {
		t.Fatalf("GET /readyz on a migrated database: status %d: %s", a.status, a.body)
	}
	m := a.json(t)
	if m["neo4j"] != "reachable" || m["migrations"] != "applied" || m["status"] != "ready" {
		t.Errorf("GET /readyz says %v", m)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("GET /readyz has Content-Type %q", ct)
	}
}

func TestReadyzNeo4jUnreachable(t *testing.T) {
	driver, err := neo4j.NewDriverWithContext("bolt://127.0.0.1:1", neo4j.BasicAuth("neo4j", "x", ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = driver.Close(context.Background()) })
	h := server.New(store.New(driver, ""), server.Options{Logger: quiet})

	start := time.Now()
	a := get(h, "/readyz")
	took := time.Since(start)
	if a.status != http.StatusServiceUnavailable {
		t.Fatalf("GET /readyz without Neo4j: status %d: %s", a.status, a.body)
	}
	if m := a.json(t); m["neo4j"] != "unreachable" || m["status"] != "unavailable" {
		t.Errorf("GET /readyz without Neo4j says %v", m)
	}
	if took > 6*time.Second {
		t.Errorf("GET /readyz without Neo4j took %s; its timeout is 3s", took)
	}
	if a := get(h, "/healthz"); a.status != http.StatusOK {
		t.Errorf("GET /healthz without Neo4j: status %d; liveness does not depend on Neo4j", a.status)
	}
}

func TestGraphQLPost(t *testing.T) {
	h := withZone(t)
	a := post(h, gqlBody(t, zonesQuery, nil))
	if a.status != http.StatusOK {
		t.Fatalf("POST query: status %d: %s", a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("POST with no Accept header answers Content-Type %q, want application/json", ct)
	}
	m := a.json(t)
	if m["errors"] != nil {
		t.Fatalf("POST query: errors %v", m["errors"])
	}
	if got := testenv.Get(m, "data", "zones", "edges", 0, "node", "name"); got != "Toscana" {
		t.Errorf("POST query: first zone %v: %s", got, a.body)
	}
	if id, _ := testenv.Get(m, "data", "zones", "edges", 0, "node", "id").(string); id == "" {
		t.Errorf("POST query: the zone has no id: %s", a.body)
	}
}

func TestGraphQLGet(t *testing.T) {
	h := withZone(t)
	a := get(h, "/graphql?query="+url.QueryEscape(zonesQuery))
	if a.status != http.StatusOK {
		t.Fatalf("GET query: status %d: %s", a.status, a.body)
	}
	if got := testenv.Get(a.json(t), "data", "zones", "edges", 0, "node", "name"); got != "Toscana" {
		t.Errorf("GET query: first zone %v: %s", got, a.body)
	}

	q := url.Values{
		"query":     {`query($n: Int) { zones(first: $n) { edges { node { name } } } }`},
		"variables": {`{"n": 1}`},
	}
	a = get(h, "/graphql?"+q.Encode())
	if a.status != http.StatusOK {
		t.Fatalf("GET query with variables: status %d: %s", a.status, a.body)
	}
	if got := testenv.Get(a.json(t), "data", "zones", "edges"); len(got.([]any)) != 1 {
		t.Errorf("GET query with variables: edges %v", got)
	}
}

func TestGraphQLResponseJSON(t *testing.T) {
	h := withZone(t)
	const media = "application/graphql-response+json"
	a := post(h, gqlBody(t, zonesQuery, nil), "Accept", media)
	if a.status != http.StatusOK {
		t.Fatalf("POST accepting %s: status %d: %s", media, a.status, a.body)
	}
	if ct := a.header.Get("Content-Type"); ct != media {
		t.Errorf("POST accepting %s answers Content-Type %q", media, ct)
	}
	if got := testenv.Get(a.json(t), "data", "zones", "edges", 0, "node", "name"); got != "Toscana" {
		t.Errorf("POST accepting %s: first zone %v", media, got)
	}
	a = get(h, "/graphql?query="+url.QueryEscape(zonesQuery), "Accept", media)
	if ct := a.header.Get("Content-Type"); a.status != http.StatusOK || ct != media {
		t.Errorf("GET accepting %s: status %d, Content-Type %q", media, a.status, ct)
	}
}

func TestGraphQLMalformedJSON(t *testing.T) {
	e := testenv.Open(t)
	h := server.New(e.Store, server.Options{Logger: quiet})
	a := post(h, `{"query": "{ zones { totalCount } }"`)
	if a.status != http.StatusBadRequest {
		t.Errorf("POST of malformed JSON: status %d, want 400: %s", a.status, a.body)
	}
	m := a.json(t)
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("POST of malformed JSON: no errors array: %s", a.body)
	}
	if msg, _ := testenv.Get(errs[0], "message").(string); msg == "" {
		t.Errorf("POST of malformed JSON: the error has no message: %s", a.body)
	}
	if a.code(t) == "" {
		t.Errorf("POST of malformed JSON: the error has no extensions.code: %s", a.body)
	}
}

// A body that is not a GraphQL request is the client's fault: it must not be reported, nor
// logged, as an internal error.
func TestGraphQLMalformedJSONIsNotInternal(t *testing.T) {
	e := testenv.Open(t)
	var logged bytes.Buffer
	h := server.New(e.Store, server.Options{Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	for _, body := range []string{`{"query": "{ zones { totalCount } }"`, `[]`, `"query"`} {
		a := post(h, body)
		if a.status != http.StatusBadRequest {
			t.Errorf("POST %s: status %d, want 400", body, a.status)
		}
		if code := a.code(t); code == "" || code == "INTERNAL_SERVER_ERROR" {
			t.Errorf("POST %s: code %q, want a client error's code: %s", body, code, a.body)
		}
	}
	if logged.Len() > 0 {
		t.Errorf("a malformed request is logged as a server error: %s", logged.String())
	}
}

func TestGraphQLMissingQuery(t *testing.T) {
	e := testenv.Open(t)
	h := server.New(e.Store, server.Options{Logger: quiet})
	for _, c := range []struct{ name, body string }{
		{"no query", `{}`},
		{"empty query", `{"query": ""}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := post(h, c.body)
			if a.status >= 500 {
				t.Fatalf("status %d: %s", a.status, a.body)
			}
			if a.status != http.StatusOK && a.status != http.StatusBadRequest {
				t.Errorf("status %d, want 200 (application/json) or 400: %s", a.status, a.body)
			}
			if code := a.code(t); code == "" {
				t.Errorf("the error has no extensions.code: %s", a.body)
			}
			if testenv.Get(a.json(t), "data") != nil {
				t.Errorf("a request that does not run has no data: %s", a.body)
			}
		})
	}
	a := get(h, "/graphql")
	if a.status >= 500 || a.code(t) == "" {
		t.Errorf("GET with no query: status %d: %s", a.status, a.body)
	}
}

func TestGraphQLRequestErrors(t *testing.T) {
	e := testenv.Open(t)
	h := server.New(e.Store, server.Options{Logger: quiet})
	cases := []struct {
		name, query string
		vars        map[string]any
		code        string // "" for any code
	}{
		{"syntax error", `{ zones(first: 5) { edges { node { id `, nil, "GRAPHQL_PARSE_FAILED"},
		{"unknown field", `{ zones(first: 5) { edges { node { nope } } } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"unknown argument", `{ zones(size: 5) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"wrong variable type", `query($n: Int) { zones(first: $n) { totalCount } }`, map[string]any{"n": "five"}, ""},
		{"missing required variable", `query($n: Int!) { zones(first: $n) { totalCount } }`, nil, ""},
		{"undeclared variable", `{ zones(first: $n) { totalCount } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body := gqlBody(t, c.query, c.vars)

			a := post(h, body)
			if a.status != http.StatusOK {
				t.Errorf("application/json: status %d, want 200: %s", a.status, a.body)
			}
			if ct := a.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("application/json: Content-Type %q", ct)
			}
			code := a.code(t)
			if code == "" || (c.code != "" && code != c.code) {
				t.Errorf("application/json: code %q, want %q: %s", code, c.code, a.body)
			}
			if testenv.Get(a.json(t), "data") != nil {
				t.Errorf("application/json: a request that fails validation has no data: %s", a.body)
			}

			a = post(h, body, "Accept", "application/graphql-response+json")
			if a.status != http.StatusBadRequest {
				t.Errorf("application/graphql-response+json: status %d, want 400: %s", a.status, a.body)
			}
			if got := a.code(t); got != code {
				t.Errorf("application/graphql-response+json: code %q, application/json gave %q", got, code)
			}
		})
	}
}

func TestGraphQLMutationOverGetRefused(t *testing.T) {
	e := testenv.Open(t)
	h := server.New(e.Store, server.Options{Logger: quiet})
	mutation := `mutation { createZone(input: {name: "Lazio", kind: REGION}) { zone { id } } }`
	a := get(h, "/graphql?query="+url.QueryEscape(mutation))
	if a.status < 400 || a.status >= 500 {
		t.Errorf("a mutation over GET: status %d, want a 4xx refusal: %s", a.status, a.body)
	}
	if errs, _ := a.json(t)["errors"].([]any); len(errs) == 0 {
		t.Errorf("a mutation over GET: no errors array: %s", a.body)
	}
	d := e.MustDo(t, `{ zones { totalCount } }`, nil)
	if n := testenv.Get(d, "zones", "totalCount"); n != float64(0) {
		t.Errorf("a mutation refused over GET wrote %v zones", n)
	}
}

func TestGraphQLUnsupportedRequest(t *testing.T) {
	e := testenv.Open(t)
	h := server.New(e.Store, server.Options{Logger: quiet})
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(zonesQuery))
	req.Header.Set("Content-Type", "text/plain")
	if a := serve(h, req); a.status < 400 || a.status >= 500 {
		t.Errorf("POST text/plain: status %d, want a 4xx refusal: %s", a.status, a.body)
	}
	req = httptest.NewRequest(http.MethodPut, "/graphql", strings.NewReader(gqlBody(t, zonesQuery, nil)))
	req.Header.Set("Content-Type", "application/json")
	if a := serve(h, req); a.status < 400 || a.status >= 500 {
		t.Errorf("PUT: status %d, want a 4xx refusal: %s", a.status, a.body)
	}
}

func TestBodyLimit(t *testing.T) {
	e := testenv.Open(t)
	h := server.New(e.Store, server.Options{MaxBodyBytes: 1024, Logger: quiet})
	// A valid request of 4 KiB: a query padded with a comment.
	big := gqlBody(t, "# "+strings.Repeat("x", 4096)+"\n"+zonesQuery, nil)

	check := func(t *testing.T, a answer) {
		t.Helper()
		if a.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413: %s", a.status, a.body)
		}
		if code := a.code(t); code != "PAYLOAD_TOO_LARGE" {
			t.Errorf("code %q, want PAYLOAD_TOO_LARGE", code)
		}
	}
	t.Run("with Content-Length", func(t *testing.T) {
		check(t, post(h, big))
	})
	t.Run("without Content-Length", func(t *testing.T) {
		check(t, postReader(h, onlyReader{strings.NewReader(big)}))
	})
	t.Run("chunked over a real connection", func(t *testing.T) {
		srv := httptest.NewServer(h)
		defer srv.Close()
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/graphql", onlyReader{strings.NewReader(big)})
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = res.Body.Close() }()
		body, _ := io.ReadAll(res.Body)
		check(t, answer{status: res.StatusCode, header: res.Header, body: body})
	})
	t.Run("under the limit", func(t *testing.T) {
		small := gqlBody(t, zonesQuery, nil)
		for _, a := range []answer{post(h, small), postReader(h, onlyReader{strings.NewReader(small)})} {
			if a.status != http.StatusOK {
				t.Errorf("a %d-byte body under a limit of 1024: status %d: %s", len(small), a.status, a.body)
			}
		}
	})
	t.Run("exactly the limit", func(t *testing.T) {
		body := gqlBody(t, zonesQuery, nil)
		body = body[:len(body)-1] + strings.Repeat(" ", 1024-len(body)) + "}"
		if len(body) != 1024 {
			t.Fatalf("the body has %d bytes", len(body))
		}
		for _, a := range []answer{post(h, body), postReader(h, onlyReader{bytes.NewReader([]byte(body))})} {
			if a.status != http.StatusOK {
				t.Errorf("a body of exactly the limit: status %d: %s", a.status, a.body)
			}
		}
	})
}

func TestCORS(t *testing.T) {
	e := testenv.Open(t)
	h := server.New(e.Store, server.Options{CORSOrigins: []string{"https://app.example"}, Logger: quiet})
	preflight := func(origin string) answer {
		req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", http.MethodPost)
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		return serve(h, req)
	}

	a := preflight("https://app.example")
	if a.status >= 300 {
		t.Errorf("preflight from an allowed origin: status %d", a.status)
	}
	if got := a.header.Get("Access-Control-Allow-Origin"); got != "https://app.example" {
		t.Errorf("preflight from an allowed origin: Access-Control-Allow-Origin %q", got)
	}
	if got := a.header.Get("Access-Control-Allow-Methods"); !strings.Contains(got, http.MethodPost) {
		t.Errorf("preflight from an allowed origin: Access-Control-Allow-Methods %q", got)
	}

	a = preflight("https://evil.example")
	if got := a.header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("preflight from another origin: Access-Control-Allow-Origin %q", got)
	}

	// The actual request from the allowed origin carries the header too.
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(gqlBody(t, zonesQuery, nil)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://app.example")
	a = serve(h, req)
	if a.status != http.StatusOK || a.header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Errorf("POST from an allowed origin: status %d, Access-Control-Allow-Origin %q", a.status, a.header.Get("Access-Control-Allow-Origin"))
	}
}

// Options.CORSOrigins says "none means same-origin only".
func TestCORSNoOriginsIsSameOriginOnly(t *testing.T) {
	e := testenv.Open(t)
	h := server.New(e.Store, server.Options{Logger: quiet})
	req := httptest.NewRequest(http.MethodOptions, "/graphql", nil)
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Access-Control-Request-Method", http.MethodPost)
	req.Header.Set("Access-Control-Request-Headers", "content-type")
	a := serve(h, req)
	if got := a.header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("with no CORS origins configured, a preflight from any origin gets Access-Control-Allow-Origin %q", got)
	}
}

// TestGraphiQL: GraphiQL is served at /graphiql, and / leads to it, only while introspection
// is on; with it off both answer 404.
func TestGraphiQL(t *testing.T) {
	e := testenv.Open(t)
	app := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><html><div id=app></div></html>")},
		"graphiql.html": {Data: []byte(`<!doctype html><html><script type="module" src="/assets/graphiql-x.js"></script><div id="graphiql"></div></html>`)}}
	h := e.HandlerWith(server.Options{App: app})
	a := get(h, "/graphiql")
	if a.status != http.StatusOK {
		t.Fatalf("GET /graphiql: status %d", a.status)
	}
	if ct := a.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET /graphiql: Content-Type %q", ct)
	}
	if !bytes.Contains(a.body, []byte(`id="graphiql"`)) || bytes.Contains(a.body, []byte("https://")) {
		t.Errorf("GET /graphiql is not the app's own GraphiQL page: %.200s", a.body)
	}
	if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("GraphiQL's scripts come from the app's origin only: %q", csp)
	}
	off := server.New(e.Store, server.Options{Verifier: testenv.Verifier(), DisableIntrospection: true, Logger: quiet, App: app})
	// The root belongs to the web app (server/webapp_test.go), never to GraphiQL.
	for _, path := range []string{"/graphiql", "/"} {
		if a := get(off, path); a.status == http.StatusOK && bytes.Contains(a.body, []byte("graphiql")) {
			t.Errorf("GET %s with introspection off: status %d, want 404: %.200s", path, a.status, a.body)
		}
	}
	if a := get(off, "/healthz"); a.status != http.StatusOK {
		t.Errorf("GET /healthz with introspection off: status %d", a.status)
	}
}

// freeAddr returns a local address no one listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

func TestRunShutsDownGracefully(t *testing.T) {
	addr := freeAddr(t)
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		time.Sleep(300 * time.Millisecond)
		_, _ = io.WriteString(w, "done")
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan error, 1)
	go func() { ran <- server.Run(ctx, addr, h, 5*time.Second, quiet) }()

	got := make(chan string, 1)
	go func() {
		var res *http.Response
		var err error
		for range 50 { // the server may not listen yet
			if res, err = http.Get("http://" + addr + "/"); err == nil {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer func() { _ = res.Body.Close() }()
		b, _ := io.ReadAll(res.Body)
		got <- string(b)
	}()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the request never reached the server")
	}
	cancel() // shut down with the request in flight
	if body := <-got; body != "done" {
		t.Errorf("the request in flight at shutdown got %q, want it finished", body)
	}
	select {
	case err := <-ran:
		if err != nil {
			t.Errorf("Run after a graceful shutdown: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func TestRunFailsOnBusyAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	done := make(chan error, 1)
	go func() {
		done <- server.Run(context.Background(), l.Addr().String(), http.NotFoundHandler(), time.Second, quiet)
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("Run on an address in use returned no error")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run on an address in use did not fail")
	}
}
