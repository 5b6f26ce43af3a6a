package graph_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"snodo/auth"
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

// viewerCanEdit is read ahead with the level that asks it, by the rule of the writes
// (store.MayChange): a page of services and their providers, each asked whether a coordinator
// may change it, is one statement, run inline.
func TestViewerCanEditIsReadAhead(t *testing.T) {
	e := testenv.Open(t)
	bulkNetwork(t, e, 60)
	coordinator := auth.Viewer{Subject: "coord-z0-z1", Role: auth.Coordinator, ZoneIDs: []string{"z0", "z1"}}
	r := e.DoAs(t, coordinator, `{ services(first: 100) { edges { node { id viewerCanEdit provider { id viewerCanEdit } } } } }`, nil)
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	edges, _ := testenv.Get(r.Data, "services", "edges").([]any)
	if len(edges) != 100 {
		t.Fatalf("want a page of 100, got %d", len(edges))
	}
	got := map[string]map[string]any{"Service": {}, "Actor": {}}
	for _, edge := range edges {
		n := testenv.Get(edge, "node")
		got["Service"][key(t, testenv.Get(n, "id").(string))] = testenv.Get(n, "viewerCanEdit")
		got["Actor"][key(t, testenv.Get(n, "provider", "id").(string))] = testenv.Get(n, "provider", "viewerCanEdit")
	}
	ctx := auth.WithViewer(context.Background(), coordinator)
	for label, answers := range got {
		var ids []string
		for id := range answers {
			ids = append(ids, id)
		}
		want, err := e.Store.MayChange(ctx, label, ids)
		if err != nil {
			t.Fatal(err)
		}
		yes := 0
		for id, may := range answers {
			if may != want[id] {
				t.Errorf("%s %s: viewerCanEdit %v, but the rule of the writes says %v", label, id, may, want[id])
			}
			if may == true {
				yes++
			}
		}
		if yes == 0 || yes == len(answers) {
			t.Errorf("%s: the coordinator may change %d of %d; the network has some in the scope and some out of it", label, yes, len(answers))
		}
	}
	if r.Queries != 1 || r.Concurrent != 0 || r.Inline == 0 {
		t.Errorf("%d round-trips, %d inline, %d concurrent: want 1, the page with its fields, run inline", r.Queries, r.Inline, r.Concurrent)
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
