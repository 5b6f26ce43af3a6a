package seed_test

import (
	"context"
	"testing"

	"snodo/internal/testenv"
	"snodo/seed"
)

// The demo network loads twice without duplicates, and the directory answers from it.
func TestDemoLoadsTwiceAndAnswers(t *testing.T) {
	e := testenv.Open(t)
	ctx := context.Background()
	demo := seed.Demo()
	first, err := seed.Load(ctx, e.Store, demo)
	if err != nil {
		t.Fatal(err)
	}
	if first["Zone"] != len(demo.Zones) || first["Service"] != len(demo.Services) || first["Partnership"] != len(demo.Partnerships) {
		t.Errorf("first load created %v", first)
	}
	second, err := seed.Load(ctx, e.Store, demo)
	if err != nil {
		t.Fatal(err)
	}
	for kind, n := range second {
		if n != 0 {
			t.Errorf("the second load created %d %s", n, kind)
		}
	}

	d := e.MustDo(t, `{ zones { totalCount } actors { totalCount } services { totalCount } partnerships { totalCount }
		needTree { code narrower { code } } serviceCategories { code }
		toscana: zones(filter: {istatCode: "09"}) { edges { node { name children(first: 100) { totalCount } } } } }`, nil)
	for name, want := range map[string]int{"zones": len(demo.Zones), "actors": len(demo.Actors), "services": len(demo.Services), "partnerships": len(demo.Partnerships)} {
		if got := testenv.Get(d, name, "totalCount"); got != float64(want) {
			t.Errorf("%s: %v, want %d", name, got, want)
		}
	}
	if got := testenv.Get(d, "toscana", "edges", 0, "node", "name"); got == nil {
		t.Error("the demo network has Tuscany with ISTAT code 09")
	}

	// Every relationship field answers from the demo network.
	d = e.MustDo(t, `{ partnerships(first: 20) { edges { node { title zones { name } parent { title } subPartnerships { title }
		members(first: 5) { edges { node { role actor { name services(first: 3) { edges { node { name provider { name }
		category { code } needs { code } zones { name } } } } partnerships(first: 5) { totalCount } } } } } } } } }`, nil)
	members, services := 0, 0
	for _, p := range testenv.Get(d, "partnerships", "edges").([]any) {
		for _, m := range testenv.Get(p, "node", "members", "edges").([]any) {
			members++
			services += len(testenv.Get(m, "node", "actor", "services", "edges").([]any))
		}
	}
	if members == 0 || services == 0 {
		t.Errorf("the partnerships have %d members with %d services", members, services)
	}
}
