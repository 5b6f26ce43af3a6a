package graph_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"snodo/internal/testenv"
)

// BenchmarkDirectory measures the directory's main reads through the HTTP handler on a network
// the size of the demo (65 actors, 130 services) and on one 100 times larger, and reports p50
// and p99 latency and the Cypher round-trips per request. Run it with `make bench`.
func BenchmarkDirectory(b *testing.B) {
	e := testenv.Open(b)
	reads := []struct{ name, query string }{
		{"page of 100 services with provider, needs and zones", `{ services(first: 100) { edges { node { name
			provider { name } needs { code labelEn } zones { name } } } } }`},
		{"full-text search", `{ services(first: 20, filter: {search: "service s0001"}) { edges { node { name } } } }`},
		{"node lookup", `{ node(id: "U2VydmljZTpzMDAwNDItMQ") { ... on Service { name } } }`},
	}
	for _, size := range []int{65, 6500} {
		e.Wipe(b)
		bulkNetwork(b, e, size)
		for _, r := range reads {
			b.Run(fmt.Sprintf("actors=%d/%s", size, r.name), func(b *testing.B) {
				lat := make([]time.Duration, 0, b.N)
				var queries int64
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					start := time.Now()
					resp := e.Do(b, r.query, nil)
					lat = append(lat, time.Since(start))
					if len(resp.Errors) > 0 {
						b.Fatalf("%+v", resp.Errors)
					}
					queries += resp.Queries
				}
				b.StopTimer()
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(queries)/float64(b.N), "cypher/op")
			})
		}
	}
}
