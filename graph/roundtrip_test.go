package graph_test

import (
	"context"
	"fmt"
	"testing"

	"snodo/internal/testenv"
	"snodo/store"
)

// bulkNetwork imports n actors, each providing two services with two needs and two zones.
func bulkNetwork(t testing.TB, e *testenv.Env, n int) {
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	node := func(label, id string, props map[string]any) {
		im.Nodes[label] = append(im.Nodes[label], store.ImportNode{ID: id, Props: props})
	}
	link := func(lt store.LinkType, from, to string) {
		im.Links[lt] = append(im.Links[lt], store.ImportLink{From: from, To: to})
	}
	for i := 0; i < 5; i++ {
		node("Zone", fmt.Sprint("z", i), map[string]any{"name": fmt.Sprint("Zone ", i), "kind": "MUNICIPALITY"})
		node("Need", fmt.Sprint("n", i), map[string]any{"code": fmt.Sprint("need", i), "labelIt": "bisogno", "labelEn": "need"})
	}
	node("ServiceCategory", "c", map[string]any{"code": "c", "labelIt": "c", "labelEn": "c"})
	for i := 0; i < n; i++ {
		a := fmt.Sprintf("a%05d", i)
		node("Actor", a, map[string]any{"name": "Actor " + a, "kind": "COOPERATIVE"})
		link(store.LinkActorZone, a, fmt.Sprint("z", i%5))
		for j := 0; j < 2; j++ {
			s := fmt.Sprintf("s%05d-%d", i, j)
			node("Service", s, map[string]any{"name": "Service " + s, "channel": "DESK", "status": "ACTIVE"})
			link(store.LinkProvides, a, s)
			link(store.LinkServiceCategory, s, "c")
			link(store.LinkServiceNeed, s, fmt.Sprint("n", (i+j)%5))
			link(store.LinkServiceNeed, s, fmt.Sprint("n", (i+j+1)%5))
			link(store.LinkServiceZone, s, fmt.Sprint("z", i%5))
			link(store.LinkServiceZone, s, fmt.Sprint("z", (i+1)%5))
		}
	}
	if _, err := e.Store.Import(context.Background(), im); err != nil {
		t.Fatal(err)
	}
}

// The round-trips of a request must not grow with the page: every nested field is batched.
func TestNestedFieldsCostBoundedRoundTrips(t *testing.T) {
	e := testenv.Open(t)
	bulkNetwork(t, e, 120)
	queries := map[string]string{
		"services with provider, needs and zones": `query($n: Int) { services(first: $n) { totalCount edges { node {
			name provider { name zones { name } } category { code } needs { code broader { code } } zones { name } } } } }`,
		"actors with services, each with needs and zones": `query($n: Int) { actors(first: $n) { edges { node {
			name zones { name } services(first: 5) { totalCount edges { node { name needs { code } zones { name } } } } } } } }`,
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			small := e.Do(t, q, map[string]any{"n": 5})
			large := e.Do(t, q, map[string]any{"n": 100})
			if len(small.Errors)+len(large.Errors) > 0 {
				t.Fatalf("errors: %+v %+v", small.Errors, large.Errors)
			}
			edges := testenv.Get(large.Data, "services", "edges")
			if edges == nil {
				edges = testenv.Get(large.Data, "actors", "edges")
			}
			if n := len(edges.([]any)); n != 100 {
				t.Fatalf("want a page of 100, got %d", n)
			}
			// One query per field level, whatever the page size: 8 levels here, and the
			// unbatched form would send over 300 for the large page. Loaders gather keys for a
			// few milliseconds, so on a busy machine a level may split into two batches; the
			// bound allows that, and stays far below one query per item.
			if small.Queries > 16 || large.Queries > 16 {
				t.Errorf("round-trips: %d for 5 items, %d for 100; want at most 16 whatever the page size", small.Queries, large.Queries)
			}
			t.Logf("%d Cypher round-trips for a page of 100", large.Queries)
		})
	}
}
