package graph_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"snodo/internal/gen"
	"snodo/internal/testenv"
	"snodo/relay"
)

// BenchmarkResearch times the research queries on the generated region with its case history
// (SNODO_BENCH_CASES cases, 100,000 by default, ten referrals each): referral flows of the
// region over one year, one province's quarterly indicators, the pathways taken through a
// model, and the betweenness of the region's actor network.
//
// Run it with `make bench-research`.
//
// Loading the full history takes minutes. With SNODO_BENCH_REUSE=1 the benchmark keeps what an
// earlier run loaded when it holds the same number of cases, so a query can be timed again
// without loading twice.
func BenchmarkResearch(b *testing.B) {
	ctx := context.Background()
	history := gen.Big
	if s := os.Getenv("SNODO_BENCH_CASES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("SNODO_BENCH_CASES=%q: want a number of cases", s)
		}
		history.Cases, history.Referrals = n, n*10
	}
	e := testenv.OpenAsIs(b)
	if os.Getenv("SNODO_BENCH_REUSE") == "" || e.Query(b, "MATCH (c:Case) RETURN count(c)", nil)[0].Values[0] != int64(history.Cases+1) { // +1: the trace case
		e.Wipe(b)
		start := time.Now()
		if _, err := load(ctx, e.Store, history.Region.Import()); err != nil {
			b.Fatal(err)
		}
		if _, err := load(ctx, e.Store, history.Pathways()); err != nil {
			b.Fatal(err)
		}
		for im := range history.Chunks() {
			if _, err := load(ctx, e.Store, im); err != nil {
				b.Fatal(err)
			}
		}
		b.Logf("loaded %d cases and %d referrals in %s", history.Cases, history.Referrals, time.Since(start).Round(time.Second))
	}
	region := relay.GlobalID("Zone", gen.RegionKey())
	queries := []struct{ name, query string }{
		{"flows of the region over a year", `query($z: ID!) { referralFlows(input: {zoneId: $z, period: "2025"}) {
			from to sent acceptanceRate { value } medianDaysToAccept { value } } }`},
		{"flows rolled up to actor kinds, a year", `query($z: ID!) { referralFlows(input: {zoneId: $z, period: "2025", byActorKind: true}) { from to sent medianDaysToComplete { value } } }`},
		{"top 1000 flows between actors, a year", `query($z: ID!) { referralFlows(input: {zoneId: $z, period: "2025", first: 1000}) { from to sent p90DaysToAccept { value } } }`},
		{"quarterly indicators of a province", `query($p: ID!) { indicators(zoneId: $p, period: "2026-Q2") { casesOpened casesInCharge
			referrals { key count } acceptanceRate { value } medianDaysToTakingCharge { value } overdueCases } }`},
		{"pathways taken through the COMMIT model, a year", `query($m: ID!) { pathwaysTaken(input: {modelId: $m, period: "2025"}) { cases
			stageSequences { steps cases } stages { stage { code } reached medianDwellDays { value } dropOuts } } }`},
		{"betweenness of the region's actor network, a year of referrals", `query($z: ID!) { networkAnalysis(input: {zoneId: $z, period: "2025"}) { actorCount ties betweennessExact betweennessSources
			centrality(first: 10) { actor { name } betweenness } components { size } } }`},
	}
	vars := map[string]any{"z": region, "p": relay.GlobalID("Zone", "g-prov-0"), "m": relay.GlobalID("PathwayModel", "g-model-commit")}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				start := time.Now()
				r := e.DoWithToken(b, testenv.Token(testenv.Admin), q.query, vars)
				if len(r.Errors) > 0 {
					b.Fatalf("%+v", r.Errors)
				}
				b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/query")
			}
		})
	}
}
