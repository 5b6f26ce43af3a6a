package graph_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"snodo/internal/testenv"
)

// A request whose relationship fields were all read ahead runs its fields inline, with no
// goroutine per field or list item (graph/inline.go, loaders.Inline), and answers what the
// network holds.
func TestReadAheadRequestRunsItsFieldsInline(t *testing.T) {
	e := testenv.Open(t)
	bulkNetwork(t, e, 60)
	r := e.Do(t, `{ services(first: 100) { edges { node { id name provider { name } needs { code } zones { name } } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	edges, _ := testenv.Get(r.Data, "services", "edges").([]any)
	if len(edges) != 100 {
		t.Fatalf("want a page of 100, got %d", len(edges))
	}
	// bulkNetwork: service s<i>-<j> is actor a<i>'s, meets needs (i+j)%5 and (i+j+1)%5, and is
	// in zones i%5 and (i+1)%5.
	for _, edge := range edges {
		n := testenv.Get(edge, "node")
		var i, j int
		name := testenv.Get(n, "name").(string)
		if _, err := fmt.Sscanf(name, "Service s%05d-%d", &i, &j); err != nil {
			t.Fatalf("unexpected service %q", name)
		}
		if got, want := testenv.Get(n, "provider", "name"), fmt.Sprintf("Actor a%05d", i); got != want {
			t.Errorf("%s: provider %v, want %v", name, got, want)
		}
		if got, want := values(testenv.Get(n, "needs"), "code"), fmt.Sprintf("need%d need%d", min((i+j)%5, (i+j+1)%5), max((i+j)%5, (i+j+1)%5)); got != want {
			t.Errorf("%s: needs %q, want %q", name, got, want)
		}
		if got, want := values(testenv.Get(n, "zones"), "name"), fmt.Sprintf("Zone %d Zone %d", min(i%5, (i+1)%5), max(i%5, (i+1)%5)); got != want {
			t.Errorf("%s: zones %q, want %q", name, got, want)
		}
	}
	if r.Inline < 300 || r.Concurrent != 0 {
		t.Errorf("%d fields and lists ran inline and %d concurrently; want every one of the 300 fields of the 100 services, and the lists, inline and none concurrently", r.Inline, r.Concurrent)
	}
	if r.Queries != 1 {
		t.Errorf("%d round-trips, want 1: the page with its fields", r.Queries)
	}
}

// A field the read ahead does not know (viewerCanEdit, read by its loader) turns the rest of
// the request concurrent at its first key, which is read at once: the services after the first
// share their batches, as they would if the request had run concurrently from the start.
func TestFieldLeftToItsLoaderTurnsTheRequestConcurrent(t *testing.T) {
	e := testenv.Open(t)
	bulkNetwork(t, e, 60)
	r := e.Do(t, `{ services(first: 100) { edges { node { id viewerCanEdit provider { name } } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	edges, _ := testenv.Get(r.Data, "services", "edges").([]any)
	if len(edges) != 100 {
		t.Fatalf("want a page of 100, got %d", len(edges))
	}
	for _, edge := range edges {
		if testenv.Get(edge, "node", "viewerCanEdit") != true || testenv.Get(edge, "node", "provider", "name") == nil {
			t.Fatalf("an administrator's service answers %v", edge)
		}
	}
	if r.Inline == 0 || r.Concurrent == 0 {
		t.Errorf("%d inline, %d concurrent: want the first service inline, and the rest concurrently", r.Inline, r.Concurrent)
	}
	// The page with the providers, the first service's viewerCanEdit, then the other 99's in
	// the batches their loader gathers (one, or a few when their goroutines take longer than
	// its wait to start): not one per service.
	if r.Queries < 3 || r.Queries > 6 {
		t.Errorf("%d round-trips, want 3 to 6: the page, the first key, a batch or a few for the others", r.Queries)
	}
}

// values is the field of each item of a list, sorted and joined by spaces.
func values(list any, field string) string {
	var out []string
	for _, v := range list.([]any) {
		out = append(out, fmt.Sprint(testenv.Get(v, field)))
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}
