package gen_test

import (
	"context"
	"testing"

	"snodo/internal/gen"
	"snodo/internal/testenv"
	"snodo/store"
)

// TestHistoryFollowsTheRouteRule loads a small generated history and checks every referral's
// off-route flag against the store's own rule, store.OnRoute, and that both kinds occur.
func TestHistoryFollowsTheRouteRule(t *testing.T) {
	e := testenv.Open(t)
	ctx := context.Background()
	h := gen.History{Region: gen.Region{Provinces: 2, Districts: 3, Municipalities: 20, Actors: 300, Services: 900, Seed: 7},
		Cases: 300, Referrals: 1500, Layers: 3, Width: 20, Fanout: 3, Seed: 7}
	imports := []store.Import{h.Region.Import(), h.Pathways()}
	for im := range h.Chunks() {
		imports = append(imports, im)
	}
	for _, im := range imports {
		if _, err := e.Store.Import(ctx, im); err != nil {
			t.Fatal(err)
		}
	}
	all, off, wrong := e.RouteRule(t)
	if all < 1500 || wrong != 0 {
		t.Errorf("%d referrals, %d of them flagged against the route rule", all, wrong)
	}
	if off == 0 || off == all {
		t.Errorf("%d of %d referrals off route: want both kinds", off, all)
	}
	if n, wrong := e.ConsentRule(t); n != all || wrong != 0 {
		t.Errorf("%d referrals, %d of them without the consent Refer records", n, wrong)
	}
}
