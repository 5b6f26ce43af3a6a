package seed_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"snodo/auth"
	"snodo/hsds"
	"snodo/internal/testenv"
	"snodo/seed"
)

var admin = auth.Viewer{Subject: "dataset test", Role: auth.Admin}

// The demo's dataset goes through the importer with no problem and no note, creating every
// record the network names; loaded, it exports back as the embedded files (apart from the
// modification times); and importing that export into an empty database rebuilds an equal
// directory, partnerships, pathway models and routes included.
func TestDemoDatasetRoundTrips(t *testing.T) {
	e := testenv.Open(t)
	ctx := auth.WithViewer(context.Background(), admin)
	n := seed.Demo()

	rep, err := hsds.ImportFiles(ctx, e.Store, n.Directory, hsds.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems)+len(rep.Notes)+len(rep.Conflicts) > 0 {
		t.Fatalf("the dataset has problems %v, notes %v, conflicts %v", rep.Problems, rep.Notes, rep.Conflicts)
	}
	for entity, want := range map[string]int{"zone": len(n.Zones), "need": len(n.Needs), "category": len(n.Categories),
		"organization": len(n.Actors), "service": len(n.Services), "partnership": len(n.Partnerships),
		"pathway_model": len(n.PathwayModels), "route": len(n.Routes)} {
		if got := rep.Counts[entity]["created"]; got != want || want == 0 {
			t.Errorf("a dry run would create %d %s records, the network has %d", got, entity, want)
		}
	}

	if _, err := seed.Load(ctx, e.Store, n); err != nil {
		t.Fatal(err)
	}
	first := t.TempDir()
	if _, err := hsds.Export(ctx, e.Store, first, hsds.ExportOptions{Full: true, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	for _, f := range n.Directory {
		if got := readFile(t, filepath.Join(first, f.Name)); !reflect.DeepEqual(got, withoutTimes(t, f.Data)) {
			t.Errorf("%s: the loaded demo exports otherwise than the embedded file", f.Name)
		}
	}

	e.Wipe(t)
	rep, err = hsds.Import(ctx, e.Store, first, hsds.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Counts["route"]["created"] != len(n.Routes) || rep.Counts["partnership"]["created"] != len(n.Partnerships) ||
		rep.Counts["pathway_model"]["created"] != len(n.PathwayModels) {
		t.Fatalf("importing the export: %v, problems %v", rep.Counts, rep.Problems)
	}
	second := t.TempDir()
	if _, err := hsds.Export(ctx, e.Store, second, hsds.ExportOptions{Full: true, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	for _, f := range n.Directory {
		a, b := readFile(t, filepath.Join(first, f.Name)), readFile(t, filepath.Join(second, f.Name))
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: the re-imported directory exports otherwise", f.Name)
		}
	}
	// The pathway models came back with their stages, the partnerships with their roles.
	d := e.MustDo(t, `{ pathwayModels { name stages { code } } partnerships(first: 50) { edges { node { members(first: 50) { edges { node { role } } } } } } }`, nil)
	for _, m := range testenv.Get(d, "pathwayModels").([]any) {
		if len(testenv.Get(m, "stages").([]any)) == 0 {
			t.Errorf("model %v has no stages", testenv.Get(m, "name"))
		}
	}
	roles := map[any]int{}
	for _, p := range testenv.Get(d, "partnerships", "edges").([]any) {
		for _, m := range testenv.Get(p, "node", "members", "edges").([]any) {
			roles[testenv.Get(m, "node", "role")]++
		}
	}
	if roles["LEAD"] == 0 || roles["PARTNER"] == 0 {
		t.Errorf("member roles after the round trip: %v", roles)
	}
}

func readFile(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return withoutTimes(t, b)
}

// withoutTimes is the JSON without its modification times, which say when the records were
// written.
func withoutTimes(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	var strip func(any)
	strip = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			delete(x, "last_modified")
			delete(x, "snodo_last_modified")
			for _, y := range x {
				strip(y)
			}
		case []any:
			for _, y := range x {
				strip(y)
			}
		}
	}
	strip(v)
	return v
}
