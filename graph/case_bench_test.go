package graph_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/internal/gen"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
	"snodo/store"
)

// BenchmarkCases measures caseTrace and referralRoutes (maxHops 6) through the HTTP handler as
// an administrator, and reports their p50 and p99 latency:
//
//   - on the demo network with its synthetic case history (its richest case, and the paths
//     from a reception centre of Grosseto to the social-health consortium through the
//     technical secretariat);
//   - on a generated region (273 municipalities, 10,000 actors, 50,000 services) with a case
//     history bulk-loaded with store.Import in chunks: SNODO_BENCH_CASES cases (100,000 by
//     default) with ten referrals each, plus a case of exactly 50 events, and a layered graph
//     of about 3,400 designed routes. Its load sub-benchmark reports the load rate in nodes
//     and relationships created per second; its ns/op means nothing.
//
// Run it with: go test -p 1 -run '^$' -bench BenchmarkCases -benchtime 100x -timeout 60m ./graph/
func BenchmarkCases(b *testing.B) {
	e := testenv.Open(b)
	ctx := context.Background()
	size := 100_000
	if s := os.Getenv("SNODO_BENCH_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("SNODO_BENCH_CASES=%q: want a number of cases", s)
		}
		size = n
	}
	history := gen.Big
	history.Cases, history.Referrals = size, size*10

	const traceQuery = `query($id: ID!) { caseTrace(id: $id) { case { code status stage { code } }
		events { at kind summary by stage { code } referral { status to { ... on Service { name } ... on Actor { name } } }
		  actors { name } services { name } zone { name } }
		nodes { id type label } edges { from to kind at } } }`
	const routesQuery = `query($from: ID!, $to: ID!) { referralRoutes(fromId: $from, toId: $to, maxHops: 6) { hops steps { id instrument } } }`

	demo := seed.Demo()
	var richest seed.Case
	for _, c := range demo.Cases {
		if len(c.Events) > len(richest.Events) {
			richest = c
		}
	}
	regionFrom, regionTo, regionPaths := history.RoutePair(6)
	networks := []struct {
		name string
		// load loads the network, and says how many nodes and relationships it created, and of
		// those how many belong to the case history and how long they took.
		load     func(b *testing.B) (all, history int, took time.Duration, err error)
		trace    string // the case's global ID, or "code:" and its code
		events   int
		from, to string
	}{
		{"demo", func(b *testing.B) (int, int, time.Duration, error) {
			n, err := load(ctx, e.Store, demo.Import())
			return n, 0, 0, err
		}, "code:" + richest.Code, len(richest.Events),
			relay.GlobalID("Actor", seed.ID("Actor", "cas-grosseto")), relay.GlobalID("Actor", seed.ID("Actor", "coeso"))},
		{fmt.Sprintf("region-%dk-cases", size/1000), func(b *testing.B) (int, int, time.Duration, error) {
			start := time.Now()
			all, err := load(ctx, e.Store, history.Region.Import())
			if err != nil {
				return 0, 0, 0, err
			}
			n, err := load(ctx, e.Store, history.Pathways())
			if err != nil {
				return 0, 0, 0, err
			}
			all += n
			b.Logf("%d designed paths of at most 6 routes lead from %s to %s", regionPaths, regionFrom, regionTo)
			b.Logf("region and %d routes: %d nodes and relationships in %s", len(history.Pathways().Nodes["Route"]), all, time.Since(start).Round(time.Second))
			start, chunks, cases := time.Now(), 0, 0
			last, lastAt := 0, start
			for im := range history.Chunks() {
				n, err := load(ctx, e.Store, im)
				if err != nil {
					return 0, 0, 0, err
				}
				cases += n
				if chunks++; chunks%4 == 0 {
					b.Logf("%d cases: %d nodes and relationships in %s, the last %d at %.0f per second", min(chunks*history.ChunkSize(), history.Cases),
						cases, time.Since(start).Round(time.Second), cases-last, float64(cases-last)/time.Since(lastAt).Seconds())
					last, lastAt = cases, time.Now()
				}
			}
			return all + cases, cases, time.Since(start), nil
		}, relay.GlobalID("Case", gen.TraceCaseKey()), gen.TraceEvents,
			relay.GlobalID("Actor", regionFrom), relay.GlobalID("Actor", regionTo)},
	}
	b.Cleanup(func() { dropAll(b, e) })
	for _, n := range networks {
		dropAll(b, e)
		var rate, historyRate float64
		b.Run(n.name+"/load", func(b *testing.B) {
			if rate == 0 {
				start := time.Now()
				all, cases, took, err := n.load(b)
				if err != nil {
					b.Fatal(err)
				}
				rate = float64(all) / time.Since(start).Seconds()
				b.Logf("%s: %d nodes and relationships created in %s: %.0f per second", n.name, all, time.Since(start).Round(time.Millisecond), rate)
				if cases > 0 {
					historyRate = float64(cases) / took.Seconds()
					b.Logf("%s: the case history alone, %d nodes and relationships in %s: %.0f per second", n.name, cases, took.Round(time.Millisecond), historyRate)
				}
			}
			b.ReportMetric(rate, "entities/s")
			if historyRate > 0 {
				b.ReportMetric(historyRate, "history-entities/s")
			}
		})
		if rate == 0 {
			b.Fatalf("%s did not load", n.name)
		}

		trace := n.trace
		if code, ok := strings.CutPrefix(trace, "code:"); ok { // demo case IDs are random: found by the code
			trace = relay.GlobalID("Case", e.Query(b, "MATCH (c:Case {code: $code}) RETURN c.id", map[string]any{"code": code})[0].Values[0].(string))
		}
		traceVars := map[string]any{"id": trace}
		d := e.MustDo(b, traceQuery, traceVars)
		if got := len(testenv.Get(d, "caseTrace", "events").([]any)); got != n.events {
			b.Fatalf("the trace has %d events, want %d", got, n.events)
		}
		routeVars := map[string]any{"from": n.from, "to": n.to}
		d = e.MustDo(b, routesQuery, routeVars)
		paths := testenv.Get(d, "referralRoutes").([]any)
		if len(paths) == 0 {
			b.Fatalf("no designed path from %s to %s", n.from, n.to)
		}
		b.Logf("%s: caseTrace of %d events; referralRoutes answers %d paths (at most 20), the shortest of %v routes", n.name, n.events, len(paths), testenv.Get(paths, 0, "hops"))

		for _, q := range []struct {
			name, query string
			vars        map[string]any
		}{
			{fmt.Sprintf("caseTrace-%d-events", n.events), traceQuery, traceVars},
			{"referralRoutes-maxHops-6", routesQuery, routeVars},
		} {
			b.Run(n.name+"/"+q.name, func(b *testing.B) {
				latencies(b, 1, func(b *testing.B) {
					if r := e.Do(b, q.query, q.vars); len(r.Errors) > 0 {
						b.Fatalf("%+v", r.Errors)
					}
				})
			})
		}
	}
}

// dropAll empties the database. The case history goes first, label by label in batches: a
// wipe in arbitrary batches of nodes would delete actors, needs and zones with hundreds of
// thousands of relationships in one transaction, beyond Neo4j's memory pool.
func dropAll(b *testing.B, e *testenv.Env) {
	ctx := context.Background()
	session := e.Driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: e.Config.Neo4jDatabase})
	defer func() { _ = session.Close(ctx) }()
	for _, label := range []string{"CaseEvent", "Referral", "Intervention", "Case", "Route"} {
		// Batched deletes need an auto-commit transaction.
		result, err := session.Run(ctx, "MATCH (n:"+label+") CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS", nil)
		if err == nil {
			_, err = result.Consume(ctx)
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	e.Wipe(b)
}

// load imports the network and counts the nodes and relationships it created.
func load(ctx context.Context, st *store.Store, im store.Import) (int, error) {
	created, err := st.Import(ctx, im)
	total := 0
	for _, n := range created {
		total += n
	}
	return total, err
}
