package graph_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/internal/gen"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
	"snodo/store"
)

// BenchmarkFindServices measures findServices through the HTTP handler and the same Cypher
// through the bare driver, at concurrency 1 and 16, on the demo network and on a generated one
// the size of a region (273 municipalities, 10,000 actors, 50,000 services). It reports p50 and
// p99 latency; compare the graphql and cypher lines of one run.
func BenchmarkFindServices(b *testing.B) {
	e := testenv.Open(b)
	ctx := context.Background()
	networks := []struct {
		name       string
		load       func() error
		zone, need string
	}{
		{"demo", func() error { _, err := seed.Load(ctx, e.Store, seed.Demo()); return err },
			seed.ID("Zone", "com-follonica"), seed.ID("Need", "work")},
		{"region", func() error { _, err := e.Store.Import(ctx, gen.Tuscany.Import()); return err },
			gen.MunicipalityKey(42), gen.NeedKey("work")},
	}
	query := `query($in: FindServicesInput!) { findServices(input: $in, first: 20) { totalCount edges { node {
		coverage reasons barriers { code } service { name freePlaces } throughZone { name } } } } }`
	for _, n := range networks {
		e.Wipe(b)
		start := time.Now()
		if err := n.load(); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s network loaded in %s", n.name, time.Since(start).Round(time.Millisecond))
		vars := map[string]any{"in": map[string]any{
			"zoneId": relay.GlobalID("Zone", n.zone), "needId": relay.GlobalID("Need", n.need),
			"person": map[string]any{"age": 30, "languages": []string{"it", "ar"}},
		}}
		graphql := func(b *testing.B) {
			if r := e.Do(b, query, vars); len(r.Errors) > 0 {
				b.Fatalf("%+v", r.Errors)
			}
		}
		cypher := func(b *testing.B) {
			_, err := neo4j.ExecuteQuery(ctx, e.Driver, store.FindServicesCypher,
				map[string]any{"zone": n.zone, "need": n.need, "channels": nil, "freeOnly": false, "seesConfidential": true},
				neo4j.EagerResultTransformer, neo4j.ExecuteQueryWithReadersRouting())
			if err != nil {
				b.Fatal(err)
			}
		}
		for _, way := range []struct {
			name string
			do   func(*testing.B)
		}{{"graphql", graphql}, {"cypher", cypher}} {
			for _, conc := range []int{1, 16} {
				b.Run(fmt.Sprintf("%s/%s/c=%d", n.name, way.name, conc), func(b *testing.B) {
					latencies(b, conc, way.do)
				})
			}
		}
	}
}

// latencies runs do b.N times over conc workers and reports p50 and p99 latency.
func latencies(b *testing.B, conc int, do func(*testing.B)) {
	lat := make([]time.Duration, b.N)
	var wg sync.WaitGroup
	next := make(chan int)
	b.ResetTimer()
	for w := 0; w < conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				start := time.Now()
				do(b)
				lat[i] = time.Since(start)
			}
		}()
	}
	for i := 0; i < b.N; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
