package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"snodo/auth"
	"snodo/graph"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
	"snodo/server"
)

// docGen writes GraphQL documents from the schema: a random field of Query or Mutation with
// arguments that are right, wrong, missing, null, huge or odd, and a selection of its fields.
type docGen struct {
	s      *ast.Schema
	wrongs bool // this document may hold values of the wrong type
	r      *rand.Rand
	ids    []string // global IDs of the seeded network, for arguments that name something real
}

var oddStrings = []string{"", " ", "x", "\u0000", "\u202e\u2066", "Società", "'; MATCH (n) DETACH DELETE n //", "\\", "\"", "*", "~",
	"title:x AND", "2026-Q3", "2026-11-23", "2026-11-23T10:00:00+01:00", "9999-12-31T23:59:59Z", "0000-00-00", "2026-13-45T99:99:99+99:00",
	"Wm9uZTox", "Y3Vyc29yOnt9", "NaN", "-1", "1e309", "🙂", "\n\n", "null", "true"}

func (g *docGen) str() string {
	switch g.r.IntN(6) {
	case 0:
		return strings.Repeat("ab ", 1+g.r.IntN(4000))
	case 1:
		if len(g.ids) > 0 {
			return g.ids[g.r.IntN(len(g.ids))]
		}
	case 2:
		b := make([]byte, 1+g.r.IntN(40))
		for i := range b {
			b[i] = byte(g.r.IntN(256))
		}
		return strings.ToValidUTF8(string(b), "?")
	}
	return oddStrings[g.r.IntN(len(oddStrings))]
}

func (g *docGen) number() string {
	return []string{"0", "1", "-1", "2", "20", "100", "1000", "2147483647", "2147483648", "-2147483649", "9007199254740993", "1.5", "-0.0", "1e308"}[g.r.IntN(14)]
}

// value writes a literal for the type, right most of the time, wrong some of the time.
func (g *docGen) value(t *ast.Type, depth int) string {
	if g.wrongs && g.r.IntN(12) == 0 || depth > 4 {
		return g.wrong()
	}
	if t.Elem != nil {
		n := g.r.IntN(3)
		if g.wrongs && g.r.IntN(20) == 0 {
			n = 200
		}
		items := make([]string, n)
		for i := range items {
			items[i] = g.value(t.Elem, depth+1)
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	def := g.s.Types[t.NamedType]
	if def == nil {
		return g.wrong()
	}
	switch def.Kind {
	case ast.Enum:
		if g.wrongs && g.r.IntN(8) == 0 {
			return strings.ToLower(def.EnumValues[g.r.IntN(len(def.EnumValues))].Name)
		}
		return def.EnumValues[g.r.IntN(len(def.EnumValues))].Name
	case ast.InputObject:
		var fields []string
		for _, f := range def.Fields {
			if f.Type.NonNull || g.r.IntN(2) == 0 {
				fields = append(fields, f.Name+": "+g.value(f.Type, depth+1))
			}
		}
		return "{" + strings.Join(fields, ", ") + "}"
	}
	switch t.NamedType {
	case "Int":
		if !g.wrongs {
			return strconv.Itoa(g.r.IntN(30) - 2)
		}
		return g.number()
	case "Float":
		return g.number()
	case "Boolean":
		return []string{"true", "false"}[g.r.IntN(2)]
	}
	return quote(g.str())
}

// quote writes a GraphQL string literal: JSON's escapes are GraphQL's.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func (g *docGen) wrong() string {
	return []string{"null", "{}", "[]", "0", "-99999999999", "1.5", "true", `"x"`, "ENUM_VALUE", `{a: 1}`, `[null]`, `""`}[g.r.IntN(12)]
}

// selection picks a few leaf fields of the type, and one nested object field.
func (g *docGen) selection(typeName string, depth int) string {
	def := g.s.Types[typeName]
	if def == nil || def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return ""
	}
	if def.Kind == ast.Union || depth > 3 {
		return "{ __typename }"
	}
	var parts []string
	fields := def.Fields
	for _, i := range g.r.Perm(len(fields)) {
		f := fields[i]
		if strings.HasPrefix(f.Name, "__") || len(parts) >= 4 {
			continue
		}
		args := g.args(f.Arguments, true)
		sub := g.selection(f.Type.Name(), depth+1)
		if sub == "" || g.r.IntN(3) == 0 || depth < 2 {
			parts = append(parts, f.Name+args+" "+sub)
		}
	}
	if len(parts) == 0 {
		parts = []string{"__typename"}
	}
	return "{ " + strings.Join(parts, " ") + " }"
}

func (g *docGen) args(defs ast.ArgumentDefinitionList, small bool) string {
	var args []string
	for _, a := range defs {
		if !a.Type.NonNull && g.r.IntN(2) == 0 || !g.wrongs && (a.Name == "last" || a.Name == "before") {
			continue
		}
		if small && (a.Name == "first" || a.Name == "last") && g.r.IntN(3) > 0 {
			args = append(args, a.Name+": "+strconv.Itoa(1+g.r.IntN(3)))
			continue
		}
		args = append(args, a.Name+": "+g.value(a.Type, 0))
	}
	if g.wrongs && g.r.IntN(25) == 0 {
		args = append(args, "noSuchArgument: 1")
	}
	if len(args) == 0 {
		return ""
	}
	return "(" + strings.Join(args, ", ") + ")"
}

// document is a query or a mutation on one root field.
func (g *docGen) document() string {
	g.wrongs = g.r.IntN(3) == 0
	root, kind := g.s.Query, "query"
	if g.r.IntN(3) == 0 {
		root, kind = g.s.Mutation, "mutation"
	}
	var fields []*ast.FieldDefinition
	for _, f := range root.Fields {
		if !strings.HasPrefix(f.Name, "__") {
			fields = append(fields, f)
		}
	}
	f := fields[g.r.IntN(len(fields))]
	return kind + " Fuzz { " + f.Name + g.args(f.Arguments, false) + " " + g.selection(f.Type.Name(), 0) + " }"
}

// garbage is a body that is not a GraphQL request, or barely.
func (g *docGen) garbage() []byte {
	switch g.r.IntN(8) {
	case 0:
		b := make([]byte, g.r.IntN(2000))
		for i := range b {
			b[i] = byte(g.r.IntN(256))
		}
		return b
	case 1:
		return []byte(`{"query": ` + g.number() + `}`)
	case 2:
		return []byte(`{"query": "{ zones(first: 1) { totalCount } }", "variables": ` + quote(g.str()) + `}`)
	case 3:
		return []byte(`{"query": "` + strings.Repeat("{", 1+g.r.IntN(5000)) + `"}`)
	case 4:
		return []byte(`[{"query": "{ __typename }"}, {"query": "{ __typename }"}]`)
	case 5:
		return []byte(`{"query": "query($x: ID!) { node(id: $x) { id } }", "variables": {"x": ` + g.wrong() + `}}`)
	case 6:
		return []byte(`{"query": "{ __typename }", "extensions": {"persistedQuery": {"version": 1, "sha256Hash": ` + quote(g.str()) + `}}}`)
	}
	return []byte(`{"query": "` + strings.Repeat("a ", g.r.IntN(100)) + `", "operationName": ` + quote(g.str()) + `}`)
}

// TestHTTPFuzz sends generated documents (right and wrong arguments, odd and huge values) and
// garbage bodies to Snodo over the demo network, as every kind of caller, and counts the
// answers that are 5xx, malformed (not JSON, neither data nor errors, an error without a code)
// or INTERNAL_SERVER_ERROR, and the panics: none of any. SNODO_FUZZ_REQUESTS sets how many
// (1000 by default), SNODO_FUZZ_SEED the seed.
func TestHTTPFuzz(t *testing.T) {
	e := testenv.Open(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, label := range []string{"Zone", "Actor", "Service", "Need", "Case", "Referral", "PathwayModel"} {
		for _, r := range e.Query(t, "MATCH (n:"+label+") RETURN n.id LIMIT 5", nil) {
			ids = append(ids, relay.GlobalID(label, r.Values[0].(string)))
		}
	}
	n, _ := strconv.Atoi(os.Getenv("SNODO_FUZZ_REQUESTS"))
	if n <= 0 {
		n = 1000
	}
	seedN, _ := strconv.ParseUint(os.Getenv("SNODO_FUZZ_SEED"), 10, 64)
	if seedN == 0 {
		seedN = 17
	}
	var logs syncLog
	h := server.New(e.Store, server.Options{Verifier: testenv.Verifier(), RatePerSecond: 1e6, RateBurst: 1e6,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelError}))})
	schema := graph.NewSchema(&graph.Resolver{}).Schema()
	viewers := []auth.Viewer{testenv.Admin, {Role: auth.Anonymous}, {Subject: "fuzz-res", Role: auth.Researcher},
		{Subject: "fuzz-op", Role: auth.ServiceOperator, ActorID: "nope"}}
	var mu sync.Mutex
	bad := map[string][]string{}
	codes := map[string]int{}
	note := func(kind, what string) {
		mu.Lock()
		defer mu.Unlock()
		if len(bad[kind]) < 5 {
			bad[kind] = append(bad[kind], what)
		} else {
			bad[kind] = append(bad[kind], "")
		}
	}
	var wg sync.WaitGroup
	const workers = 4
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := &docGen{s: schema, r: rand.New(rand.NewPCG(seedN, uint64(w))), ids: ids}
			for i := w; i < n; i += workers {
				var body []byte
				if g.r.IntN(5) == 0 {
					body = g.garbage()
				} else {
					body, _ = json.Marshal(map[string]any{"query": g.document()})
				}
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if v := viewers[g.r.IntN(len(viewers))]; v.Role != auth.Anonymous {
					req.Header.Set("Authorization", "Bearer "+testenv.Token(v))
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				what := fmt.Sprintf("%d %.300s -> %.300s", rec.Code, body, rec.Body.String())
				if rec.Code >= 500 {
					note("5xx", what)
				}
				var r struct {
					Data   *json.RawMessage `json:"data"`
					Errors []struct {
						Extensions map[string]any `json:"extensions"`
					} `json:"errors"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil || (r.Data == nil && len(r.Errors) == 0) {
					note("malformed", what)
					continue
				}
				for _, e := range r.Errors {
					code, _ := e.Extensions["code"].(string)
					mu.Lock()
					codes[code]++
					mu.Unlock()
					switch code {
					case "":
						note("malformed", what)
					case "INTERNAL_SERVER_ERROR":
						note("internal", what)
					case "GRAPHQL_VALIDATION_FAILED":
						if os.Getenv("SNODO_FUZZ_DEBUG") != "" {
							t.Logf("%.400s -> %.300s", body, rec.Body.String())
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	if strings.Contains(logs.String(), "panic") {
		note("panic", logs.String())
	}
	kinds := make([]string, 0, len(codes))
	for c := range codes {
		kinds = append(kinds, fmt.Sprintf("%s %d", c, codes[c]))
	}
	sort.Strings(kinds)
	t.Logf("%d fuzzed requests (seed %d); error codes: %s", n, seedN, strings.Join(kinds, ", "))
	for _, kind := range []string{"5xx", "malformed", "internal", "panic"} {
		if len(bad[kind]) > 0 {
			t.Errorf("%d answers %s, e.g.:\n%s", len(bad[kind]), kind, strings.Join(bad[kind][:min(5, len(bad[kind]))], "\n"))
		}
	}
}

// syncLog is a log sink written by many requests at once.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
