package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/internal/stackstart"
	"snodo/internal/testenv"
	"snodo/server"
	"snodo/store"
)

// The region benchmarks: the three questions of the Snodo/peer instrument (../shared/peer in the
// team's workspace), a, b and c, and a fourth, d, a page of services with nested lists; each
// through Snodo's whole HTTP handler and as the bare Cypher of the same question through the
// same driver, in one run, so that the ratio of the two is Snodo's own cost over Neo4j's
// (BenchmarkRegion also splits it, through the statements Snodo sent). They need the generated
// region with partnerships (`make region` loads it into an empty Neo4j) and run only when
// SNODO_REGION_URI names that database:
//
//	SNODO_REGION_URI=bolt://127.0.0.1:7791 go test -run '^$' -bench Region -benchtime 200x ./graph/
//
// Speed goals live here, never in timed tests.

// regionQuestion is a question asked of Snodo and its Cypher floor.
type regionQuestion struct {
	name    string
	graphql string
	vars    map[string]any
	cypher  string
	params  map[string]any
}

var regionQuestions = []regionQuestion{
	{
		name: "a-services-page",
		graphql: `query ServicesPage($first: Int!) {
  services(first: $first, orderBy: {field: NAME, direction: ASC}) {
    edges { node { id name provider { name } needs { code } zones { name } } }
  }
}`,
		vars: map[string]any{"first": 100},
		// The floor reads the name index in order, as Snodo's page query now does.
		cypher: `MATCH (s:Service) WHERE s.name IS NOT NULL
WITH s ORDER BY s.name, s.id LIMIT $first
RETURN s.id AS id, s.name AS name,
  COLLECT { MATCH (s)<-[:PROVIDES]-(a:Actor) RETURN a.name }[0] AS provider,
  COLLECT { MATCH (s)-[:MEETS]->(n:Need) WITH n ORDER BY n.code RETURN n.code } AS needs,
  COLLECT { MATCH (s)-[:AVAILABLE_IN]->(z:Zone) WITH z ORDER BY z.name RETURN z.name } AS zones`,
		params: map[string]any{"first": 100},
	},
	{
		name: "b-find-services",
		graphql: `query ServicesForNeedInZone($in: FindServicesInput!, $first: Int!) {
  findServices(input: $in, first: $first) {
    totalCount
    edges { node { service { id name channel status freePlaces provider { name } needs { code } zones { name kind istatCode } } } }
  }
}`,
		vars: map[string]any{"first": 100, "in": map[string]any{"zoneId": "Wm9uZTpnLW11bi00Mg", "needId": "TmVlZDpnLW5lZWQtd29yaw"}},
		cypher: `MATCH (a:Zone {id: $zone}), (asked:Need {id: $need})
MATCH (asked)<-[:BROADER]-*(m:Need)
WITH a, collect(m) AS needs
MATCH (a)-[:PART_OF]->*(z:Zone)<-[:AVAILABLE_IN]-(s:Service)
WHERE s.status = 'ACTIVE' AND EXISTS { MATCH (s)-[:MEETS]->(n) WHERE n IN needs }
WITH DISTINCT s ORDER BY s.name, s.id LIMIT $first
RETURN s.id AS id, s.name AS name, s.channel AS channel, s.status AS status, s.freePlaces AS freePlaces,
  COLLECT { MATCH (s)<-[:PROVIDES]-(p:Actor) RETURN p.name }[0] AS provider,
  COLLECT { MATCH (s)-[:MEETS]->(n:Need) WITH n ORDER BY n.code RETURN n.code } AS needs,
  COLLECT { MATCH (s)-[:AVAILABLE_IN]->(y:Zone) WITH y ORDER BY y.name RETURN y {.name, .kind, .istatCode} } AS zones`,
		params: map[string]any{"zone": "g-mun-42", "need": "g-need-work", "first": 100},
	},
	{
		// Not a question of the instrument: a page whose fields have fields of their own, the
		// shape of the app's lists, read in one statement (store.partsStatement's carriers).
		name: "d-services-page-nested",
		graphql: `query ServicesPageNested($first: Int!) {
  services(first: $first, orderBy: {field: NAME, direction: ASC}) {
    edges { node { id name provider { name zones { name } } needs { code broader { code } } zones { name parents { name } } } }
  }
}`,
		vars: map[string]any{"first": 100},
		cypher: `MATCH (s:Service) WHERE s.name IS NOT NULL
WITH s ORDER BY s.name, s.id LIMIT $first
RETURN s.id AS id, s.name AS name,
  COLLECT { MATCH (s)<-[:PROVIDES]-(a:Actor)
            RETURN a {.name, zones: COLLECT { MATCH (a)-[:OPERATES_IN]->(z:Zone) WITH z ORDER BY z.name RETURN z.name }} }[0] AS provider,
  COLLECT { MATCH (s)-[:MEETS]->(n:Need) WITH n ORDER BY n.code
            RETURN n {.code, broader: COLLECT { MATCH (n)-[:BROADER]->(b:Need) RETURN b.code }[0]} } AS needs,
  COLLECT { MATCH (s)-[:AVAILABLE_IN]->(z:Zone) WITH z ORDER BY z.name
            RETURN z {.name, parents: COLLECT { MATCH (z)-[:PART_OF]->(p:Zone) WITH p ORDER BY p.name RETURN p.name }} } AS zones`,
		params: map[string]any{"first": 100},
	},
	{
		name: "c-service-by-id",
		graphql: `query ServiceById($id: ID!) {
  node(id: $id) {
    ... on Service {
      id name channel status capacity freePlaces languages
      provider {
        id name kind
        zones { id name kind istatCode }
        partnerships(first: 100) { edges { node { role partnership { id title kind } } } }
      }
      needs { id code labelIt labelEn broader { id code labelIt labelEn } }
      zones { id name kind istatCode parents { id name kind istatCode } }
    }
  }
}`,
		vars: map[string]any{"id": "U2VydmljZTpnLXN2Yy0xMzU3Ng"},
		cypher: `MATCH (s:Service {id: $id})
RETURN s.id AS id, s.name AS name, s.channel AS channel, s.status AS status, s.capacity AS capacity,
  s.freePlaces AS freePlaces, s.languages AS languages,
  COLLECT { MATCH (s)<-[:PROVIDES]-(a:Actor)
            RETURN a {.id, .name, .kind,
              zones: COLLECT { MATCH (a)-[:OPERATES_IN]->(z:Zone) WITH z ORDER BY z.name RETURN z {.id, .name, .kind, .istatCode} },
              partnerships: COLLECT { MATCH (a)-[r:MEMBER_OF]->(p:Partnership) WITH r, p ORDER BY p.title
                                      RETURN {role: r.role, id: p.id, title: p.title, kind: p.kind} } } }[0] AS provider,
  COLLECT { MATCH (s)-[:MEETS]->(n:Need) WITH n ORDER BY n.code
            RETURN n {.id, .code, .labelIt, .labelEn,
              broader: COLLECT { MATCH (n)-[:BROADER]->(b:Need) RETURN b {.id, .code, .labelIt, .labelEn} } } } AS needs,
  COLLECT { MATCH (s)-[:AVAILABLE_IN]->(z:Zone) WITH z ORDER BY z.name
            RETURN z {.id, .name, .kind, .istatCode,
              parents: COLLECT { MATCH (z)-[:PART_OF]->(p:Zone) WITH p ORDER BY p.name RETURN p {.id, .name, .kind, .istatCode} } } } AS zones`,
		params: map[string]any{"id": "g-svc-13576"},
	},
}

// BenchmarkRegion times each question four ways, in one run: through Snodo's handler (snodo);
// as the statements Snodo sent for it, run bare through the driver, one auto-commit read each,
// with no GraphQL and no HTTP (statement); through a null server, plain net/http answering the
// floor's Cypher as JSON (null); and as the hand-written floor (cypher). It reports
// snodo/cypher, and splits it in two: statement/cypher is what the shape of Snodo's Cypher costs
// over the floor's, snodo/statement what Snodo's own work adds to the Cypher it sends. And
// null/cypher is what HTTP and JSON alone add to the floor, snodo/null what Snodo adds to them.
func BenchmarkRegion(b *testing.B) {
	uri := os.Getenv("SNODO_REGION_URI")
	if uri == "" {
		b.Skip("SNODO_REGION_URI is not set: load the region with `make region` and name its database")
	}
	stackstart.Hold(64) // as `snodo serve` does (gc.go)
	ctx := context.Background()
	drv, err := store.Connect(ctx, uri, envOr("NEO4J_USER", "neo4j"), envOr("NEO4J_PASSWORD", "snodo-dev-password"), 10*time.Second)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = drv.Close(ctx) }()
	st := store.New(drv, "")
	h := server.New(st, server.Options{Verifier: testenv.Verifier(), RatePerSecond: server.Limit(0.0)})
	for _, q := range regionQuestions {
		body, _ := json.Marshal(map[string]any{"query": q.graphql, "variables": q.vars})
		var snodo, bare, null, floor time.Duration
		var sent []store.Statement
		b.Run(q.name+"/snodo", func(b *testing.B) {
			ask := func(ctx context.Context) {
				if rec := postBody(ctx, h, body); rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
					b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
				}
			}
			logged, statements := store.WithStatementLog(ctx)
			ask(logged) // warm: the query cache, the driver's pool; and what Snodo sends
			if sent = statements(); len(sent) == 0 {
				b.Fatal("the request sent no statement")
			}
			snodo = perRequest(b, func() { ask(ctx) })
		})
		b.Run(q.name+"/statement", func(b *testing.B) {
			bare = perRequest(b, func() {
				for _, st := range sent {
					session := drv.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead})
					res, err := session.Run(ctx, st.Cypher, st.Params)
					if err == nil {
						_, err = res.Collect(ctx)
					}
					_ = session.Close(ctx)
					if err != nil {
						b.Fatalf("Snodo's statement, bare: %v", err)
					}
				}
			})
		})
		b.Run(q.name+"/null", func(b *testing.B) {
			ns := nullServer(drv, q.cypher, q.params)
			null = perRequest(b, func() {
				if rec := postBody(ctx, ns, body); rec.Code != http.StatusOK || rec.Body.Len() < len(`{"data":[{}]}`) {
					b.Fatalf("null server: status %d: %s", rec.Code, rec.Body.String())
				}
			})
		})
		b.Run(q.name+"/cypher", func(b *testing.B) {
			floor = perRequest(b, func() {
				res, err := neo4j.ExecuteQuery(ctx, drv, q.cypher, q.params, neo4j.EagerResultTransformer,
					neo4j.ExecuteQueryWithReadersRouting())
				if err != nil || len(res.Records) == 0 {
					b.Fatalf("floor: %v, %d records", err, len(res.Records))
				}
			})
			if snodo > 0 && bare > 0 {
				b.ReportMetric(float64(snodo)/float64(floor), "snodo/cypher")
				b.ReportMetric(float64(bare)/float64(floor), "statement/cypher")
				b.ReportMetric(float64(snodo)/float64(bare), "snodo/statement")
			}
			if snodo > 0 && null > 0 {
				b.ReportMetric(float64(null)/float64(floor), "null/cypher")
				b.ReportMetric(float64(snodo)/float64(null), "snodo/null")
			}
		})
	}
}

// perRequest runs ask once to warm, then b.N times, and gives the mean time of one. It also
// reports goroutines/op, the goroutines started during one: most of them are the driver's, one
// for each socket read or write under a deadline (the server's connection.recv_timeout_seconds
// hint gives every read one), so a change in the driver's reads shows here first. And it
// reports B/op and allocs/op: what a request allocates is what paces the collector (gc.go).
func perRequest(b *testing.B, ask func()) time.Duration {
	b.ReportAllocs()
	ask()
	created := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(created)
	before := created[0].Value.Uint64()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		ask()
	}
	each := time.Since(start) / time.Duration(b.N)
	metrics.Read(created)
	b.ReportMetric(float64(created[0].Value.Uint64()-before)/float64(b.N), "goroutines/op")
	return each
}

// postBody sends a GraphQL request body to h, as a client's POST to /graphql.
func postBody(ctx context.Context, h http.Handler, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// nullServer is plain net/http that reads a request as Snodo must and answers with the records
// of cypher as JSON: no GraphQL, no access rules, no middleware. It is what HTTP and JSON alone
// cost over the bare Cypher (BenchmarkRegion's null/cypher and snodo/null).
func nullServer(drv neo4j.DriverWithContext, cypher string, params map[string]any) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		res, err := neo4j.ExecuteQuery(r.Context(), drv, cypher, params, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithReadersRouting())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		rows := make([]map[string]any, len(res.Records))
		for i, rec := range res.Records {
			rows[i] = rec.AsMap()
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": rows})
	})
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}
