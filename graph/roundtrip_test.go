package graph_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"snodo/internal/testenv"
	"snodo/relay"
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
	// Each query's round-trips, exactly, whatever the page size: its page with the first level
	// of relationship fields below it, its count when asked at the root, and one statement per
	// further level, where a level under a plain relationship field (not a page) is read with
	// the level above it.
	type question struct {
		query string
		trips int
	}
	queries := map[string]question{
		// {page, provider, category, needs, zones with provider.zones, needs.broader}, totalCount
		"services with provider, needs and zones": {`query($n: Int) { services(first: $n) { totalCount edges { node {
			name provider { name zones { name } } category { code } needs { code broader { code } } zones { name } } } } }`, 2},
		// {page, zones, services page and its totalCount}, {services' needs, zones}
		"actors with services, each with needs and zones": {`query($n: Int) { actors(first: $n) { edges { node {
			name zones { name } services(first: 5) { totalCount edges { node { name needs { code } zones { name } } } } } } } }`, 2},
	}
	for name, q := range queries {
		t.Run(name, func(t *testing.T) {
			small := e.Do(t, q.query, map[string]any{"n": 5})
			large := e.Do(t, q.query, map[string]any{"n": 100})
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
			// The page read with its fields is still in the list's order.
			for i := 1; i < len(edges.([]any)); i++ {
				prev, cur := testenv.Get(edges, i-1, "node", "name").(string), testenv.Get(edges, i, "node", "name").(string)
				if prev > cur {
					t.Fatalf("the page is out of order: %q before %q", prev, cur)
				}
			}
			if small.Queries != int64(q.trips) || large.Queries != int64(q.trips) {
				t.Errorf("round-trips: %d for 5 items, %d for 100; want exactly %d, one per level", small.Queries, large.Queries, q.trips)
			}
			t.Logf("%d Cypher round-trips for a page of 100", large.Queries)
		})
	}
}

// A service through node(id:), an interface and a fragment, four levels deep, costs one
// round-trip: the node and the fields below it, whose fields reached through plain relationship
// fields are read in the same statement, and the partnerships of the memberships come with the
// memberships' page.
func TestNodeQueryCostsOneRoundTripPerLevel(t *testing.T) {
	e := testenv.Open(t)
	bulkNetwork(t, e, 3)
	im := store.Import{Nodes: map[string][]store.ImportNode{
		"Zone":        {{ID: "zp", Props: map[string]any{"name": "Provincia", "kind": "PROVINCE"}}},
		"Need":        {{ID: "nb", Props: map[string]any{"code": "area", "labelIt": "area", "labelEn": "area"}}},
		"Partnership": {{ID: "p1", Props: map[string]any{"title": "Partenariato", "kind": "CONVENTION", "status": "ACTIVE"}}},
	}, Links: map[store.LinkType][]store.ImportLink{
		store.LinkZoneParent:  {{From: "z0", To: "zp"}, {From: "z1", To: "zp"}},
		store.LinkNeedBroader: {{From: "n0", To: "nb"}, {From: "n1", To: "nb"}},
		store.LinkMember:      {{From: "a00000", To: "p1", Props: map[string]any{"role": "LEAD"}}},
	}}
	if _, err := e.Store.Import(context.Background(), im); err != nil {
		t.Fatal(err)
	}
	const q = `query($id: ID!) { node(id: $id) { ...svc } }
	fragment svc on Service { id name
		provider { id name zones { name } partnerships(first: 10) { edges { node { role partnership { id title } } } } }
		needs { code broader { code } } zones { name parents { name } } }`
	r := e.Do(t, q, map[string]any{"id": relay.GlobalID("Service", "s00000-0")})
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if got := testenv.Get(r.Data, "node", "provider", "partnerships", "edges"); got == nil || len(got.([]any)) != 1 {
		t.Fatalf("want the provider's one partnership, got %v", r.Data)
	}
	if got := testenv.Get(r.Data, "node", "needs"); got == nil || len(got.([]any)) != 2 {
		t.Fatalf("want two needs, got %v", r.Data)
	}
	// Read two levels down in the same statement, the answers are still each parent's own.
	if got := testenv.Get(r.Data, "node", "provider", "zones", 0, "name"); got != "Zone 0" {
		t.Errorf("the provider's zone: %v, want Zone 0", got)
	}
	for _, z := range testenv.Get(r.Data, "node", "zones").([]any) {
		if ps := testenv.Get(z, "parents").([]any); len(ps) != 1 || testenv.Get(ps[0], "name") != "Provincia" {
			t.Errorf("zone %v: parents %v, want Provincia", testenv.Get(z, "name"), ps)
		}
	}
	for _, n := range testenv.Get(r.Data, "node", "needs").([]any) {
		if b := testenv.Get(n, "broader", "code"); b != "area" {
			t.Errorf("need %v: broader %v, want area", testenv.Get(n, "code"), b)
		}
	}
	// {node, provider, needs, zones with provider.zones, provider.partnerships, needs.broader,
	// zones.parents}; the memberships' partnerships come with their page
	if r.Queries != 1 {
		t.Errorf("round-trips: %d, want exactly 1: the node with the fields below it", r.Queries)
	}
}

// Related nodes read with only the properties asked still answer every field of every alias:
// two selections of the same relationship in one request are read as one, with what both ask.
func TestProjectedFieldsAnswerEveryAlias(t *testing.T) {
	e := testenv.Open(t)
	bulkNetwork(t, e, 5)
	whole := e.Do(t, `{ services(first: 10) { edges { node { id provider { name kind } zones { name kind } } } } }`, nil)
	split := e.Do(t, `{ a: services(first: 10) { edges { node { id provider { name } zones { name } } } }
		b: services(first: 10) { edges { node { id provider { kind } zones { kind } } } } }`, nil)
	if len(whole.Errors)+len(split.Errors) > 0 {
		t.Fatalf("errors: %+v %+v", whole.Errors, split.Errors)
	}
	edges := testenv.Get(whole.Data, "services", "edges").([]any)
	if len(edges) != 10 {
		t.Fatalf("want 10 services, got %d", len(edges))
	}
	for i := range edges {
		for _, f := range []struct {
			alias string
			path  []any
		}{
			{"a", []any{"provider", "name"}}, {"b", []any{"provider", "kind"}},
			{"a", []any{"zones", 0, "name"}}, {"b", []any{"zones", 0, "kind"}},
		} {
			want := testenv.Get(edges[i], append([]any{"node"}, f.path...)...)
			got := testenv.Get(split.Data, append([]any{f.alias, "edges", i, "node"}, f.path...)...)
			if want == nil || got != want {
				t.Errorf("service %d, %s %v: %v, want %v", i, f.alias, f.path, got, want)
			}
		}
	}
}

// An ID asked twice of nodes(ids:) answers twice, each with its fields read once.
func TestNodesWithARepeatedIDReadItOnce(t *testing.T) {
	e := testenv.Open(t)
	bulkNetwork(t, e, 3)
	id := relay.GlobalID("Service", "s00000-0")
	single := e.Do(t, `query($id: ID!) { node(id: $id) { ... on Service { needs { code } zones { name } } } }`, map[string]any{"id": id})
	twice := e.Do(t, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Service { needs { code } zones { name } } } }`, map[string]any{"ids": []string{id, id}})
	if len(single.Errors)+len(twice.Errors) > 0 {
		t.Fatalf("errors: %+v %+v", single.Errors, twice.Errors)
	}
	want := testenv.Get(single.Data, "node")
	nodes := testenv.Get(twice.Data, "nodes").([]any)
	if len(nodes) != 2 || len(testenv.Get(want, "needs").([]any)) == 0 {
		t.Fatalf("want the service twice, with needs: %v, %v", single.Data, twice.Data)
	}
	for i, n := range nodes {
		if !reflect.DeepEqual(n, want) {
			t.Errorf("nodes[%d] = %v, want %v", i, n, want)
		}
	}
}

// A search reads the fields asked of its services in its own statement when its page covers
// every match: one round-trip for the matches and their provider (with its zones), needs and
// zones, every alias of the service answered, each service with its own related nodes. A page
// of fewer than the matches reads only its own services' fields, a level after.
func TestFindServicesReadsItsServicesFieldsWithTheMatches(t *testing.T) {
	e := testenv.Open(t)
	bulkNetwork(t, e, 40)
	const fields = `id provider { name zones { name } } needs { code } zones { name }`
	for _, page := range []struct {
		first, trips int
	}{{100, 1}, {5, 2}} {
		r := e.Do(t, `query($in: FindServicesInput!, $first: Int) { findServices(input: $in, first: $first) { totalCount edges { node {
			coverage service { `+fields+` } again: service { name needs { code } } } } } }`,
			map[string]any{"first": page.first, "in": map[string]any{"zoneId": relay.GlobalID("Zone", "z0"), "needId": relay.GlobalID("Need", "n0")}})
		if len(r.Errors) > 0 {
			t.Fatalf("errors: %+v", r.Errors)
		}
		edges := testenv.Get(r.Data, "findServices", "edges").([]any)
		if total := testenv.Get(r.Data, "findServices", "totalCount").(float64); total < 10 || len(edges) != min(page.first, int(total)) {
			t.Fatalf("first %d: %d edges of %v matches", page.first, len(edges), total)
		}
		if r.Queries != int64(page.trips) {
			t.Errorf("first %d: round-trips: %d, want exactly %d", page.first, r.Queries, page.trips)
		}
		// The same services read by ID, a level at a time through their loaders' other path.
		ids := make([]string, len(edges))
		for i, edge := range edges {
			ids[i] = testenv.Get(edge, "node", "service", "id").(string)
		}
		byID := e.Do(t, `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Service { `+fields+` name } } }`, map[string]any{"ids": ids})
		if len(byID.Errors) > 0 {
			t.Fatalf("errors: %+v", byID.Errors)
		}
		for i, edge := range edges {
			want := testenv.Get(byID.Data, "nodes", i)
			got := testenv.Get(edge, "node", "service")
			for _, f := range []string{"provider", "needs", "zones"} {
				if !reflect.DeepEqual(testenv.Get(got, f), testenv.Get(want, f)) {
					t.Errorf("first %d, service %v, %s: %v, want %v", page.first, ids[i], f, testenv.Get(got, f), testenv.Get(want, f))
				}
			}
			again := testenv.Get(edge, "node", "again")
			if testenv.Get(again, "name") != testenv.Get(want, "name") || !reflect.DeepEqual(testenv.Get(again, "needs"), testenv.Get(want, "needs")) {
				t.Errorf("first %d, service %v through its alias: %v, want %v", page.first, ids[i], again, want)
			}
		}
	}
}
