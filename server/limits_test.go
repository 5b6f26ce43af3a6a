package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/seed"
	"snodo/server"
	"snodo/store"
)

// counted is an answer and how many Cypher queries its request sent.
type counted struct {
	answer
	queries int64
}

// sendCounted serves req with a query counter on its context, as testenv.Do does.
func sendCounted(h http.Handler, req *http.Request) counted {
	ctx, counter := store.WithQueryCounter(req.Context())
	a := serve(h, req.WithContext(ctx))
	return counted{answer: a, queries: counter.Load()}
}

// postCounted posts a body to /graphql from remote (an address "ip:port"; "" for httptest's).
func postCounted(h http.Handler, body, remote string, header ...string) counted {
	req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	if remote != "" {
		req.RemoteAddr = remote
	}
	return sendCounted(h, req)
}

// refused checks that a request was refused with the code before any Cypher ran, and returns
// the first error.
func refused(t *testing.T, c counted, code string) map[string]any {
	t.Helper()
	if got := c.code(t); got != code {
		t.Errorf("code %q, want %q: %s", got, code, c.body)
	}
	if c.queries != 0 {
		t.Errorf("the refused request sent %d Cypher queries, want 0", c.queries)
	}
	m := c.json(t)
	if m["data"] != nil {
		t.Errorf("a refused request has data: %s", c.body)
	}
	errs, _ := m["errors"].([]any)
	if len(errs) == 0 {
		return nil
	}
	first, _ := errs[0].(map[string]any)
	if msg, _ := first["message"].(string); msg == "" {
		t.Errorf("the refusal has no message: %s", c.body)
	}
	return first
}

// limitsHandler is the handler over an empty database with the options, quiet.
func limitsHandler(t *testing.T, opt server.Options) (*testenv.Env, http.Handler) {
	t.Helper()
	e := testenv.Open(t)
	opt.Logger = quiet
	return e, server.New(e.Store, opt)
}

// nested returns a selection nested n times: parents { parents { ... name } }.
func nested(field string, n int) string {
	return strings.Repeat(field+" { ", n) + "name" + strings.Repeat(" }", n)
}

func TestDepthBomb(t *testing.T) {
	_, h := limitsHandler(t, server.Options{})
	for _, c := range []struct{ name, query string }{
		{"parents", `{ zones { edges { node { ` + nested("parents", 30) + ` } } } }`},
		{"children connections", `{ zones { edges { node { ` + strings.Repeat("children { edges { node { ", 5) + "name" + strings.Repeat(" } } }", 5) + ` } } } }`},
		{"through fragments", `{ zones { edges { node { ...A } } } }
			fragment A on Zone { parents { ...B } }
			fragment B on Zone { parents { ...C } }
			fragment C on Zone { parents { ... on Zone { ` + nested("parents", 10) + ` } } }`},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := postCounted(h, gqlBody(t, c.query, nil), "")
			if a.status != http.StatusOK {
				t.Errorf("application/json: status %d, want 200 as for any request error: %s", a.status, a.body)
			}
			first := refused(t, a, "QUERY_TOO_DEEP")
			if limit := testenv.Get(first, "extensions", "limit"); limit != float64(server.DefaultMaxDepth) {
				t.Errorf("extensions.limit %v, want %d", limit, server.DefaultMaxDepth)
			}
			if !strings.Contains(fmt.Sprint(first["message"]), "12") {
				t.Errorf("the message does not say the limit: %v", first["message"])
			}
			a = postCounted(h, gqlBody(t, c.query, nil), "", "Accept", "application/graphql-response+json")
			if a.status != http.StatusBadRequest {
				t.Errorf("application/graphql-response+json: status %d, want 400: %s", a.status, a.body)
			}
			refused(t, a, "QUERY_TOO_DEEP")
		})
	}

	// Exactly the limit passes: zones, edges, node, 8 parents and name are 12 levels (on one
	// zone, so that the fan-out of 8 nested parents stays under the cost limit).
	e := testenv.Open(t)
	a := postCounted(server.New(e.Store, server.Options{Logger: quiet}),
		gqlBody(t, `{ zones(first: 1) { edges { node { `+strings.Repeat("parents { ", 8)+"name"+strings.Repeat(" }", 8)+` } } } }`, nil), "")
	if m := a.json(t); m["errors"] != nil {
		t.Errorf("a query 12 deep: %s", a.body)
	}
}

func TestAliasBomb(t *testing.T) {
	e, h := limitsHandler(t, server.Options{Verifier: testenv.Verifier()})
	var q strings.Builder
	q.WriteString("{ ")
	for i := range 50 {
		fmt.Fprintf(&q, "a%d: zones { totalCount } ", i)
	}
	q.WriteString("}")
	first := refused(t, postCounted(h, gqlBody(t, q.String(), nil), ""), "TOO_MANY_ALIASES")
	if got := testenv.Get(first, "extensions", "actual"); got != float64(50) {
		t.Errorf("extensions.actual %v, want 50", got)
	}

	// Aliases in a fragment count each time it is spread: 3 spreads of 11 aliases.
	var f strings.Builder
	for i := range 11 {
		fmt.Fprintf(&f, "n%d: name ", i)
	}
	frag := `{ zones { edges { node { ...F parents { ...F } children { edges { node { ...F } } } } } } } fragment F on Zone { ` + f.String() + ` }`
	refused(t, postCounted(h, gqlBody(t, frag, nil), ""), "TOO_MANY_ALIASES")

	// Mutations are refused whole: nothing is written.
	var m strings.Builder
	m.WriteString("mutation { ")
	for i := range 31 {
		fmt.Fprintf(&m, `z%d: createZone(input: {name: "Z%d", kind: REGION}) { zone { id } } `, i, i)
	}
	m.WriteString("}")
	refused(t, postCounted(h, gqlBody(t, m.String(), nil), "", "Authorization", "Bearer "+testenv.Token(testenv.Admin)), "TOO_MANY_ALIASES")
	if n := testenv.Get(e.MustDo(t, `{ zones { totalCount } }`, nil), "zones", "totalCount"); n != float64(0) {
		t.Errorf("an alias bomb of mutations wrote %v zones", n)
	}

	// 30 aliases are within the limit.
	q.Reset()
	q.WriteString("{ ")
	for i := range 30 {
		fmt.Fprintf(&q, "a%d: zones { totalCount } ", i)
	}
	q.WriteString("}")
	if a := postCounted(h, gqlBody(t, q.String(), nil), ""); a.json(t)["errors"] != nil {
		t.Errorf("30 aliases: %s", a.body)
	}
}

func TestBatchBomb(t *testing.T) {
	_, h := limitsHandler(t, server.Options{})
	ops := make([]map[string]any, 100)
	for i := range ops {
		ops[i] = map[string]any{"query": `{ zones(first: 100) { edges { node { name } } } }`}
	}
	body, _ := json.Marshal(ops)
	for _, b := range []string{string(body), "\n  " + string(body), `[{"query": "{ zones { totalCount } }"}]`} {
		a := postCounted(h, b, "")
		if a.status != http.StatusBadRequest {
			t.Errorf("a batch: status %d, want 400: %.200s", a.status, a.body)
		}
		refused(t, a, "BATCH_NOT_SUPPORTED")
	}
	first := refused(t, postCounted(h, string(body), ""), "BATCH_NOT_SUPPORTED")
	if msg := fmt.Sprint(first["message"]); !strings.Contains(msg, "100") {
		t.Errorf("the refusal does not say how many operations the batch holds: %s", msg)
	}
}

func TestComplexityLimit(t *testing.T) {
	_, h := limitsHandler(t, server.Options{})
	const bomb = `{ zones(first: 100) { edges { node { children(first: 100) { edges { node { actors(first: 100) { totalCount } } } } } } } }`
	first := refused(t, postCounted(h, gqlBody(t, bomb, nil), ""), "QUERY_TOO_COMPLEX")
	// actors: 1 + totalCount; children: 1 + 100 × 2; zones: 1 + 100 × 201.
	if got := testenv.Get(first, "extensions", "actual"); got != float64(20101) {
		t.Errorf("the cost of the bomb is %v, want 20101", got)
	}
	if got := testenv.Get(first, "extensions", "limit"); got != float64(server.DefaultMaxComplexity) {
		t.Errorf("extensions.limit %v, want %d", got, server.DefaultMaxComplexity)
	}

	// Page sizes given by variables, through fragments, and by last count the same.
	vars := `query($n: Int, $m: Int) { zones(first: $n) { ...Z } } fragment Z on ZoneConnection { edges { node { children(last: $m) { edges { node { actors(first: 100) { totalCount } } } } } } }`
	refused(t, postCounted(h, gqlBody(t, vars, map[string]any{"n": 100, "m": 100}), ""), "QUERY_TOO_COMPLEX")

	// Without first or last, a connection counts as a page of 20: 1 + 20 × (1 + 20 × (1 + 20 × (1 + 20 × 2))).
	const unpaged = `{ zones { edges { node { children { edges { node { children { edges { node { actors { totalCount } } } } } } } } } } }`
	refused(t, postCounted(h, gqlBody(t, unpaged, nil), ""), "QUERY_TOO_COMPLEX")

	// Huge page sizes do not overflow the cost.
	huge := `query($n: Int) { zones(first: $n) { edges { node { children(first: $n) { edges { node { actors(first: $n) { edges { node { name } } } } } } } } } }`
	refused(t, postCounted(h, gqlBody(t, huge, map[string]any{"n": 2147483647}), ""), "QUERY_TOO_COMPLEX")

	// A lower limit applies, and the cost of a query is what the model says.
	_, low := limitsHandler(t, server.Options{MaxComplexity: 1})
	for _, c := range []struct {
		query string
		cost  float64
	}{
		// zones: 1 + 100 × (name + parents { name } + children { totalCount }), and parents, a
		// plain list, counts 2 parents: 1 + 100 × (1 + (1 + 2 × 1) + 2).
		{normalQuery, 601},
		// edges and node are free; totalCount and pageInfo count once per connection.
		{`{ zones(first: 10) { totalCount pageInfo { hasNextPage } edges { cursor node { id name } } } }`, 1 + 1 + 2 + 10*3},
		{`{ nodes(ids: ["a", "b", "c"]) { id ... on Zone { name } } }`, 1 + 3*2},
	} {
		first := refused(t, postCounted(low, gqlBody(t, c.query, nil), ""), "QUERY_TOO_COMPLEX")
		if got := testenv.Get(first, "extensions", "actual"); got != c.cost {
			t.Errorf("%s: cost %v, want %v", c.query, got, c.cost)
		}
	}
}

// A document too big to validate quickly is refused before gqlgen validates it: validation
// takes time quadratic in the fields of a selection set that share a name.
func TestHugeDocument(t *testing.T) {
	_, h := limitsHandler(t, server.Options{})
	for _, q := range []string{
		"{ zones { edges { node { " + strings.Repeat("name ", 45000) + "} } } }",
		"{ " + strings.Repeat("zones { totalCount } ", 20000) + "}",
		"{ zones { totalCount } } fragment F on Zone { " + strings.Repeat("... on Zone { name } ", 5000) + "}",
	} {
		start := time.Now()
		first := refused(t, postCounted(h, gqlBody(t, q, nil), ""), "QUERY_TOO_LARGE")
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("a document of %d bytes took %s to refuse", len(q), took)
		}
		if got := testenv.Get(first, "extensions", "limit"); got != float64(1000) {
			t.Errorf("extensions.limit %v, want 1000", got)
		}
	}
	// Within the limit, gqlgen validates the document as usual.
	a := postCounted(h, gqlBody(t, "{ zones { edges { node { "+strings.Repeat("nope ", 500)+"} } } }", nil), "")
	if code := a.code(t); code != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("500 unknown fields: code %q, want GRAPHQL_VALIDATION_FAILED", code)
	}
	if a := postCounted(h, gqlBody(t, "{ zones { "+strings.Repeat(" ", 5000)+" totalCount } }", nil), ""); a.json(t)["errors"] != nil {
		t.Errorf("a long document of few fields: %s", a.body)
	}
}

const normalQuery = `{ zones(first: 100) { edges { node { name parents { name } children(first: 10) { totalCount } } } } }`

// A normal query passes under the default limits.
func TestNormalQueryPasses(t *testing.T) {
	e, h := limitsHandler(t, server.Options{})
	region := e.MustDo(t, `mutation { createZone(input: {name: "Toscana", kind: REGION, istatCode: "09"}) { zone { id } } }`, nil)
	id := testenv.Get(region, "createZone", "zone", "id")
	for i := range 5 {
		e.MustDo(t, `mutation($p: ID!, $n: String!) { createZone(input: {name: $n, kind: PROVINCE, parentIds: [$p]}) { zone { id } } }`,
			map[string]any{"p": id, "n": fmt.Sprintf("Provincia %d", i)})
	}
	a := postCounted(h, gqlBody(t, normalQuery, nil), "")
	if a.status != http.StatusOK || a.json(t)["errors"] != nil {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if edges, _ := testenv.Get(a.json(t), "data", "zones", "edges").([]any); len(edges) != 6 {
		t.Errorf("%d zones, want 6: %s", len(edges), a.body)
	}
	if a.queries == 0 {
		t.Error("the query counter counted nothing: the refusal tests' checks would prove nothing")
	}
	// The README's examples pass too.
	for _, q := range []string{
		`{ zones(filter: {search: "toscana"}) { edges { node { name kind istatCode parents { name kind } } } } }`,
		`{ needTree { code labelIt labelEn narrower { code labelEn } } serviceCategories { code labelEn narrower { code labelEn } } }`,
	} {
		if a := postCounted(h, gqlBody(t, q, nil), ""); a.json(t)["errors"] != nil {
			t.Errorf("%s: %s", q, a.body)
		}
	}
}

// introspectionQuery is GraphiQL's (graphql-js getIntrospectionQuery), which nests deeper than
// the depth limit: introspection does not count towards depth.
const introspectionQuery = `query IntrospectionQuery {
  __schema {
    queryType { name } mutationType { name } subscriptionType { name }
    types { ...FullType }
    directives { name description locations args { ...InputValue } }
  }
}
fragment FullType on __Type {
  kind name description
  fields(includeDeprecated: true) { name description args { ...InputValue } type { ...TypeRef } isDeprecated deprecationReason }
  inputFields { ...InputValue }
  interfaces { ...TypeRef }
  enumValues(includeDeprecated: true) { name description isDeprecated deprecationReason }
  possibleTypes { ...TypeRef }
}
fragment InputValue on __InputValue { name description type { ...TypeRef } defaultValue }
fragment TypeRef on __Type {
  kind name
  ofType { kind name ofType { kind name ofType { kind name ofType { kind name
    ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }
}`

func TestIntrospection(t *testing.T) {
	_, on := limitsHandler(t, server.Options{})
	if a := postCounted(on, gqlBody(t, introspectionQuery, nil), ""); a.json(t)["errors"] != nil || testenv.Get(a.json(t), "data", "__schema", "queryType", "name") != "Query" {
		t.Errorf("GraphiQL's introspection query with introspection on: %.300s", a.body)
	}

	_, off := limitsHandler(t, server.Options{DisableIntrospection: true})
	for _, q := range []string{
		introspectionQuery,
		`{ __schema { types { name } } }`,
		`{ zones { totalCount } __type(name: "Zone") { name } }`,
		`{ zones { totalCount } ...F } fragment F on Query { ... on Query { __type(name: "Zone") { fields { name } } } }`,
	} {
		a := postCounted(off, gqlBody(t, q, nil), "")
		refused(t, a, "INTROSPECTION_DISABLED")
	}
	a := get(off, "/graphql?query="+url.QueryEscape(`{ __schema { types { name } } }`))
	if code := a.code(t); code != "INTROSPECTION_DISABLED" {
		t.Errorf("GET introspection: code %q: %s", code, a.body)
	}
	// __typename is not introspection.
	if a := postCounted(off, gqlBody(t, `{ __typename zones { __typename totalCount } }`, nil), ""); a.json(t)["errors"] != nil {
		t.Errorf("__typename with introspection off: %s", a.body)
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	e, h := limitsHandler(t, server.Options{})
	e.MustDo(t, `mutation { createZone(input: {name: "Toscana", kind: REGION}) { zone { id } } }`, nil)
	const query = `{ zones(first: 5) { edges { node { name } } } }`
	sum := sha256.Sum256([]byte(query))
	hash := hex.EncodeToString(sum[:])
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hash}}
	body := func(withQuery bool) string {
		m := map[string]any{"extensions": ext}
		if withQuery {
			m["query"] = query
		}
		b, _ := json.Marshal(m)
		return string(b)
	}

	first := refused(t, postCounted(h, body(false), ""), "PERSISTED_QUERY_NOT_FOUND")
	if first["message"] != "PersistedQueryNotFound" {
		t.Errorf("message %q, want Apollo's PersistedQueryNotFound", first["message"])
	}
	for i, withQuery := range []bool{true, false} {
		a := postCounted(h, body(withQuery), "")
		if got := testenv.Get(a.json(t), "data", "zones", "edges", 0, "node", "name"); got != "Toscana" {
			t.Errorf("request %d (query sent: %v): %s", i+2, withQuery, a.body)
		}
	}
	extJSON, _ := json.Marshal(ext)
	a := get(h, "/graphql?extensions="+url.QueryEscape(string(extJSON)))
	if got := testenv.Get(a.json(t), "data", "zones", "edges", 0, "node", "name"); got != "Toscana" {
		t.Errorf("GET with the hash only: %s", a.body)
	}

	// A hash that is not the query's is refused, as the client's error.
	bad, _ := json.Marshal(map[string]any{"query": `{ zones { totalCount } }`, "extensions": ext})
	a2 := postCounted(h, string(bad), "")
	if code := a2.code(t); code == "" || code == "INTERNAL_SERVER_ERROR" || a2.queries != 0 {
		t.Errorf("a hash that is not the query's: code %q, %d queries: %s", code, a2.queries, a2.body)
	}

	// Persisted queries are checked against the limits like any other.
	deep := `{ zones { edges { node { ` + nested("parents", 20) + ` } } } }`
	deepSum := sha256.Sum256([]byte(deep))
	deepExt := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(deepSum[:])}}
	b, _ := json.Marshal(map[string]any{"query": deep, "extensions": deepExt})
	refused(t, postCounted(h, string(b), ""), "QUERY_TOO_DEEP")
	b, _ = json.Marshal(map[string]any{"extensions": deepExt})
	refused(t, postCounted(h, string(b), ""), "QUERY_TOO_DEEP")
}

func TestRateLimit(t *testing.T) {
	_, h := limitsHandler(t, server.Options{RatePerSecond: 1, RateBurst: 2, Verifier: testenv.Verifier()})
	const q = `{ __typename }`
	body := gqlBody(t, q, nil)
	for i := range 2 {
		if a := postCounted(h, body, "203.0.113.7:4000"); a.status != http.StatusOK {
			t.Fatalf("request %d of a burst of 2: status %d: %s", i+1, a.status, a.body)
		}
	}
	a := postCounted(h, gqlBody(t, `{ zones { totalCount } }`, nil), "203.0.113.7:4001")
	if a.status != http.StatusTooManyRequests {
		t.Fatalf("the third quick request: status %d, want 429: %s", a.status, a.body)
	}
	refused(t, a, "RATE_LIMITED")
	if s, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q, want a whole number of seconds", a.header.Get("Retry-After"))
	}

	// Another address is another client; the health checks are not limited.
	if a := postCounted(h, body, "198.51.100.9:4000"); a.status != http.StatusOK {
		t.Errorf("another client: status %d: %s", a.status, a.body)
	}
	for range 5 {
		req := httptest.NewRequest(http.MethodGet, "/healthz", nil)
		req.RemoteAddr = "203.0.113.7:4000"
		if a := serve(h, req); a.status != http.StatusOK {
			t.Errorf("GET /healthz of a limited client: status %d", a.status)
		}
	}

	// Behind the same address, each bearer token is its own client.
	for _, v := range []auth.Viewer{testenv.Admin, {Subject: "someone-else", Role: auth.Researcher}} {
		token := "Bearer " + testenv.Token(v)
		for i := range 3 {
			a := postCounted(h, body, "203.0.113.7:4000", "Authorization", token)
			if want := map[bool]int{true: http.StatusOK, false: http.StatusTooManyRequests}[i < 2]; a.status != want {
				t.Errorf("%s, request %d: status %d, want %d: %s", v.Subject, i+1, a.status, want, a.body)
			}
		}
	}

	// X-Forwarded-For is ignored unless trusted.
	xff := func(h http.Handler, addr string) int {
		return postCounted(h, body, "10.0.0.1:5000", "X-Forwarded-For", addr).status
	}
	_, h = limitsHandler(t, server.Options{RatePerSecond: 1, RateBurst: 1})
	if xff(h, "192.0.2.1") != http.StatusOK || xff(h, "192.0.2.2") != http.StatusTooManyRequests {
		t.Error("an untrusted X-Forwarded-For made another client")
	}
	_, h = limitsHandler(t, server.Options{RatePerSecond: 1, RateBurst: 1, TrustForwardedFor: true})
	if xff(h, "192.0.2.1") != http.StatusOK || xff(h, "203.0.113.5, 192.0.2.2") != http.StatusOK || xff(h, "192.0.2.2") != http.StatusTooManyRequests {
		t.Error("a trusted X-Forwarded-For does not name the client by its last address")
	}

	// Off: a negative rate.
	_, h = limitsHandler(t, server.Options{RatePerSecond: -1})
	for i := range 100 {
		if a := postCounted(h, body, ""); a.status != http.StatusOK {
			t.Fatalf("request %d with the rate limit off: status %d", i+1, a.status)
		}
	}
}

func TestTimeout(t *testing.T) {
	e := testenv.Open(t)
	for i := range 5 {
		e.MustDo(t, `mutation($n: String!) { createZone(input: {name: $n, kind: REGION}) { zone { id } } }`, map[string]any{"n": fmt.Sprintf("Regione %d", i)})
	}
	const q = `{ zones(first: 100) { edges { node { name parents { name } children(first: 10) { totalCount edges { node { name } } } } } } }`
	for _, d := range []time.Duration{time.Nanosecond, 50 * time.Microsecond} {
		t.Run(d.String(), func(t *testing.T) {
			var logged bytes.Buffer
			h := server.New(e.Store, server.Options{RequestTimeout: d, Logger: slog.New(slog.NewTextHandler(&logged, nil))})
			a := post(h, gqlBody(t, q, nil))
			if a.status != http.StatusOK {
				t.Errorf("status %d, want 200: %s", a.status, a.body)
			}
			if code := a.code(t); code != "TIMEOUT" {
				t.Errorf("code %q, want TIMEOUT: %s", code, a.body)
			}
			for _, err := range a.json(t)["errors"].([]any) {
				if code := testenv.Get(err, "extensions", "code"); code != "TIMEOUT" {
					t.Errorf("an error of code %v: %s", code, a.body)
				}
			}
			if logged.Len() > 0 {
				t.Errorf("a timeout is logged as a server error: %s", logged.String())
			}
		})
	}
	// The default leaves time enough.
	if r := e.Do(t, q, nil); len(r.Errors) > 0 {
		t.Errorf("under the default timeout: %+v", r.Errors)
	}
}

// TestFailedAuthenticationsRateLimited: a storm of bad tokens from one address turns from 401
// into 429 RATE_LIMITED; another address, and valid tokens from the same one, still pass.
func TestFailedAuthenticationsRateLimited(t *testing.T) {
	_, h := limitsHandler(t, server.Options{AuthFailuresPerMin: 5, Verifier: testenv.Verifier()})
	body := gqlBody(t, `{ __typename }`, nil)
	good := testenv.Token(testenv.Admin)
	// The same token with its signature spelled otherwise (the lowest of the last base64
	// character's two unused bits flipped) is a failure, not another client.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	spoiled := good[:len(good)-1] + string(alphabet[strings.IndexByte(alphabet, good[len(good)-1])^1])
	bad := []string{"Bearer " + spoiled, "Bearer not-a-token", "Basic dXNlcjpwdw==", "Bearer " + good + "x", "Bearer " + spoiled}
	for i, header := range bad {
		a := postCounted(h, body, "203.0.113.7:4000", "Authorization", header)
		if a.status != http.StatusUnauthorized {
			t.Fatalf("failure %d of a budget of 5: status %d, want 401: %s", i+1, a.status, a.body)
		}
	}
	for i := range 20 {
		a := postCounted(h, body, "203.0.113.7:4001", "Authorization", bad[i%len(bad)])
		if a.status != http.StatusTooManyRequests {
			t.Fatalf("failure %d past the budget: status %d, want 429: %s", 6+i, a.status, a.body)
		}
		if i == 0 {
			refused(t, a, "RATE_LIMITED")
			if s, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || s < 1 {
				t.Errorf("Retry-After %q, want a whole number of seconds", a.header.Get("Retry-After"))
			}
		}
	}
	if a := postCounted(h, body, "203.0.113.7:4002", "Authorization", "Bearer "+good); a.status != http.StatusOK {
		t.Errorf("a valid token from the limited address: status %d: %s", a.status, a.body)
	}
	if a := postCounted(h, body, "203.0.113.7:4002"); a.status != http.StatusOK {
		t.Errorf("an anonymous request from the limited address: status %d: %s", a.status, a.body)
	}
	if a := postCounted(h, body, "198.51.100.9:4000", "Authorization", bad[0]); a.status != http.StatusUnauthorized {
		t.Errorf("a failure from another address: status %d, want 401: %s", a.status, a.body)
	}

	// The default budget is 10 a minute; a negative one is no limit.
	_, h = limitsHandler(t, server.Options{Verifier: testenv.Verifier()})
	statuses := map[int]int{}
	for range 12 {
		statuses[postCounted(h, body, "192.0.2.1:1", "Authorization", bad[1]).status]++
	}
	if statuses[http.StatusUnauthorized] != server.DefaultAuthFailuresPerMin || statuses[http.StatusTooManyRequests] != 12-server.DefaultAuthFailuresPerMin {
		t.Errorf("12 failures with the default budget: %v", statuses)
	}
	_, h = limitsHandler(t, server.Options{AuthFailuresPerMin: -1, Verifier: testenv.Verifier()})
	for i := range 50 {
		if a := postCounted(h, body, "192.0.2.1:1", "Authorization", bad[1]); a.status != http.StatusUnauthorized {
			t.Fatalf("failure %d with no limit: status %d", i+1, a.status)
		}
	}
}

// TestIntrospectionOffSuggestsNothing: with introspection off, validation errors name no field,
// argument, type or enum value that the query did not name itself ("Did you mean ...?").
func TestIntrospectionOffSuggestsNothing(t *testing.T) {
	_, on := limitsHandler(t, server.Options{})
	_, off := limitsHandler(t, server.Options{DisableIntrospection: true})
	for _, q := range []string{
		`{ zonez(first: 1) { totalCount } }`,                             // a field
		`{ zones(frist: 1) { totalCount } }`,                             // an argument
		`{ ...F } fragment F on Quer { __typename }`,                     // a type
		`{ coverage(input: {zoneId: "x", level: MUNICIPALIT}) { csv } }`, // an enum value
		`{ coverage(input: {zoneID: "x"}) { csv } }`,                     // an input field
		`{ zones(first: 1) { edges { node { nam } } } }`,                 // a field deeper down
		`{ zones }`, // a missing selection
	} {
		a := postCounted(on, gqlBody(t, q, nil), "")
		if !strings.Contains(string(a.body), "Did you mean") {
			t.Errorf("%s with introspection on: no suggestion (the test checks nothing): %s", q, a.body)
		}
		a = postCounted(off, gqlBody(t, q, nil), "")
		if code := a.code(t); code != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("%s with introspection off: code %q, want GRAPHQL_VALIDATION_FAILED", q, code)
		}
		if strings.Contains(string(a.body), "Did you mean") {
			t.Errorf("%s with introspection off suggests: %s", q, a.body)
		}
	}
}

// cost is the cost the limits measure of a query, read from the refusal of a handler whose
// limit is 1.
func cost(t *testing.T, low http.Handler, query string, vars map[string]any) int {
	t.Helper()
	first := refused(t, postCounted(low, gqlBody(t, query, vars), ""), "QUERY_TOO_COMPLEX")
	n, _ := testenv.Get(first, "extensions", "actual").(float64)
	return int(n)
}

// TestExpensiveFieldsCostTheirWork: coverage, the finder and the research queries cost what
// their Cypher reads, not 1, so that thirty aliased coverages are refused; plain lists
// (needTree, narrower, parents, cells) multiply what they hold.
func TestExpensiveFieldsCostTheirWork(t *testing.T) {
	_, h := limitsHandler(t, server.Options{Verifier: testenv.Verifier()})
	_, low := limitsHandler(t, server.Options{MaxComplexity: 1, Verifier: testenv.Verifier()})
	admin := "Bearer " + testenv.Token(testenv.Admin)

	var q strings.Builder
	q.WriteString("{ ")
	for i := range 30 {
		fmt.Fprintf(&q, `c%d: coverage(input: {zoneId: "Wm9uZTp4", level: MUNICIPALITY}) { csv } `, i)
	}
	q.WriteString("}")
	a := postCounted(h, gqlBody(t, q.String(), nil), "", "Authorization", admin)
	first := refused(t, a, "QUERY_TOO_COMPLEX")
	if got := testenv.Get(first, "extensions", "actual"); got != float64(30*501) {
		t.Errorf("30 aliased coverages cost %v, want %d", got, 30*501)
	}

	for _, c := range []struct {
		query string
		want  int
	}{
		{`{ coverage(input: {zoneId: "x"}) { csv } }`, 500 + 1},
		// cells: 300 cells × (zone { name } + need { code } + full).
		{`{ coverage(input: {zoneId: "x"}) { cells { zone { name } need { code } full } } }`, 500 + 1 + 300*5},
		{`{ coverageGaps(input: {zoneId: "x"}) { kind } }`, 500 + 100*1},
		{`{ findServices(input: {needId: "n", zoneId: "z"}, first: 10) { totalCount edges { node { coverage } } } }`, 100 + 1 + 10*1},
		{`{ networkAnalysis(input: {zoneId: "z"}) { ties } }`, 1000 + 1},
		// centrality takes first (20 by default): it multiplies like a page.
		{`{ networkAnalysis(input: {zoneId: "z"}) { centrality(first: 5) { actor { name } degree } } }`, 1000 + 1 + 5*3},
		{`{ networkAnalysis(input: {zoneId: "z"}) { centrality { degree } } }`, 1000 + 1 + 20*1},
		// referralFlows returns input.first flows, 100 by default.
		{`{ referralFlows(input: {zoneId: "z", period: "2026-Q1"}) { from to } }`, 300 + 100*2},
		{`{ referralFlows(input: {zoneId: "z", period: "2026-Q1", first: 1000}) { from to } }`, 300 + 1000*2},
		{`query($n: Int) { referralFlows(input: {zoneId: "z", period: "2026-Q1", first: $n}) { from } }`, 300 + 1000*1},
		{`{ caseCounts(input: {zoneId: "z", period: "2026-Q1"}) { threshold rows { zone { name } } } }`, 300 + 1 + 1 + 50*2},
		{`{ indicators(zoneId: "z", period: "2026-Q3") { acceptanceRate { value } } }`, 300 + 1 + 1},
		{`{ pathwaysTaken(input: {zoneId: "z", modelId: "m", period: "2026-Q1"}) { stages { medianDwellDays { value } } } }`, 300 + 1 + 10*(1+1)},
		// Plain lists: 15 need areas, 5 narrower needs each, 2 parents a zone.
		{`{ needTree { code narrower { code } } }`, 1 + 15*(1+1+5*1)},
		{`{ zones(first: 1) { edges { node { parents { parents { name } } } } } }`, 1 + 1*(1+2*(1+2*1))},
		{`{ pathwayModels { stages { name } } }`, 1 + 10*(1+10*1)},
	} {
		vars := map[string]any{"n": 1000}
		if !strings.Contains(c.query, "$n") {
			vars = nil
		}
		if got := cost(t, low, c.query, vars); got != c.want {
			t.Errorf("%s: cost %d, want %d", c.query, got, c.want)
		}
	}

	// Fan-out through plain lists: each need area's narrower needs' first 40 services, which
	// was costed as a few fields and answered 1.1 MB, is refused at the default limit.
	const fanOut = `{ needTree { narrower { services(first: 40) { edges { node { name provider { name } } } } } } }`
	first = refused(t, postCounted(h, gqlBody(t, fanOut, nil), ""), "QUERY_TOO_COMPLEX")
	if got := testenv.Get(first, "extensions", "actual"); got != float64(1+15*(1+5*(1+40*3))) {
		t.Errorf("the fan-out costs %v, want %d", got, 1+15*(1+5*(1+40*3)))
	}
}

// TestREADMEExamplesPass: every GraphQL example of the README, run as an administrator on the
// demo network with the variables it names, passes the default limits.
func TestREADMEExamplesPass(t *testing.T) {
	e, h := limitsHandler(t, server.Options{Verifier: testenv.Verifier()})
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	admin := "Bearer " + testenv.Token(testenv.Admin)
	ask := func(query string) map[string]any {
		t.Helper()
		a := postCounted(h, gqlBody(t, query, nil), "", "Authorization", admin)
		if a.json(t)["errors"] != nil {
			t.Fatalf("%s: %s", query, a.body)
		}
		return a.json(t)
	}
	needs := map[string]string{}
	for _, n := range testenv.Get(ask(`{ needTree { id code } }`), "data", "needTree").([]any) {
		needs[testenv.Get(n, "code").(string)] = testenv.Get(n, "id").(string)
	}
	zone := func(name string) string {
		d := ask(fmt.Sprintf(`{ zones(filter: {search: %q}, first: 1) { edges { node { id } } } }`, name))
		return testenv.Get(d, "data", "zones", "edges", 0, "node", "id").(string)
	}
	firstID := func(query, path string) string {
		d := ask(query)
		return testenv.Get(d, "data", path, "edges", 0, "node", "id").(string)
	}
	actors := ask(`{ actors(first: 2) { edges { node { id } } } }`)
	models := ask(`{ pathwayModels { id } }`)
	vars := map[string]any{
		"zone":     zone("Zona Pisana"),
		"province": zone("Provincia di Pisa"),
		"need":     needs["housing"],
		"work":     needs["work"],
		"shelter":  firstID(`{ services(first: 1) { edges { node { id } } } }`, "services"),
		"from":     testenv.Get(actors, "data", "actors", "edges", 0, "node", "id"),
		"to":       testenv.Get(actors, "data", "actors", "edges", 1, "node", "id"),
		"model":    testenv.Get(models, "data", "pathwayModels", 0, "id"),
		"case":     firstID(`{ cases(first: 1) { edges { node { id } } } }`, "cases"),
		"actor":    testenv.Get(actors, "data", "actors", "edges", 0, "node", "id"),
		"referral": firstID(`{ incomingReferrals(first: 1) { edges { node { id } } } }`, "incomingReferrals"),
	}
	for k, v := range vars {
		if s, _ := v.(string); s == "" {
			t.Fatalf("no demo ID for $%s", k)
		}
	}

	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllStringSubmatch(string(readme), -1)
	limitCodes := map[string]bool{"QUERY_TOO_COMPLEX": true, "QUERY_TOO_DEEP": true, "TOO_MANY_ALIASES": true, "QUERY_TOO_LARGE": true,
		"GRAPHQL_VALIDATION_FAILED": true, "GRAPHQL_PARSE_FAILED": true, "INTROSPECTION_DISABLED": true}
	ran := 0
	for _, b := range blocks {
		// A block may hold more than one operation: each starts a line with query, mutation or {.
		starts := regexp.MustCompile(`(?m)^(?:query|mutation|\{)`).FindAllStringIndex(b[1], -1)
		for i, s := range starts {
			end := len(b[1])
			if i+1 < len(starts) {
				end = starts[i+1][0]
			}
			query := strings.TrimSpace(b[1][s[0]:end])
			start := time.Now()
			a := postCounted(h, gqlBody(t, query, vars), "", "Authorization", admin)
			took := time.Since(start)
			m := a.json(t)
			errs, _ := m["errors"].([]any)
			for _, e := range errs {
				if code, _ := testenv.Get(e, "extensions", "code").(string); limitCodes[code] {
					t.Errorf("README example refused with %s:\n%s\n%s", code, query, a.body)
				}
			}
			t.Logf("%6s %4d errors  %.60s", took.Round(time.Millisecond), len(errs), strings.Join(strings.Fields(query), " "))
			ran++
		}
	}
	if ran < 10 {
		t.Errorf("%d README examples found, want the dozen or so it has", ran)
	}
}
