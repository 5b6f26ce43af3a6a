package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/hsds"
	"snodo/internal/testenv"
	"snodo/model"
	"snodo/relay"
	"snodo/seed"
	"snodo/store"
)

var adminCtx = auth.WithViewer(context.Background(), auth.Viewer{Subject: "test", Role: auth.Admin})

const shelterAddress = "Via Nascosta 7, 50100 Firenze (FI)"

// demoStore is the demo network, with an address given to the confidential shelter.
func demoStore(t *testing.T) *testenv.Env {
	t.Helper()
	e := testenv.Open(t)
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	e.Query(t, `MATCH (s:Service {id: $id}) SET s.address = $a`, map[string]any{"id": seed.ID("Service", "satis-pronta-accoglienza"), "a": shelterAddress})
	return e
}

// export runs `snodo export hsds --out DIR` and returns the directory.
func export(t *testing.T, st *store.Store, extra ...string) string {
	t.Helper()
	dir := t.TempDir()
	var d dataCommand
	fs := flagSet()
	args, err := d.register(fs, "export", append([]string{"hsds", "--out", dir}, extra...))
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	if err := d.run(context.Background(), st, fs); err != nil {
		t.Fatal(err)
	}
	return dir
}

// importHSDS runs `snodo import hsds PATH` with the flags and returns its report.
func importHSDS(t *testing.T, st *store.Store, path string, flags ...string) (*hsds.ImportReport, error) {
	t.Helper()
	var d dataCommand
	fs := flagSet()
	// The path first, then the flags, as the usage writes them.
	args, err := d.register(fs, "import", append([]string{"hsds", path}, flags...))
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	paths, err := positional(fs, fs.Args())
	if err != nil || len(paths) != 1 || paths[0] != path {
		t.Fatalf("the path and flags parse as %v, %v", paths, err)
	}
	var out bytes.Buffer
	err = d.hsdsImport.run(context.Background(), st, paths[0], &out)
	var rep hsds.ImportReport
	if jerr := json.Unmarshal(out.Bytes(), &rep); jerr != nil {
		t.Fatalf("the report is not JSON: %v: %s", jerr, out.Bytes())
	}
	return &rep, err
}

func readArray(t *testing.T, path string) []json.RawMessage {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var items []json.RawMessage
	if err := json.Unmarshal(b, &items); err != nil {
		t.Fatalf("%s is not a JSON array: %v", path, err)
	}
	return items
}

// Every file of an export is valid against the HSDS schemas with the profile; the public export
// holds no confidential address, the full one does.
func TestExportHSDSIsValid(t *testing.T) {
	e := demoStore(t)
	v, err := hsds.NewValidator()
	if err != nil {
		t.Fatal(err)
	}
	dir := export(t, e.Store)
	var manifest hsds.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, hsds.ManifestFile))
	if err := json.Unmarshal(b, &manifest); err != nil || !manifest.Public || manifest.HSDSVersion != "3.0" {
		t.Fatalf("manifest %s: %v", b, err)
	}
	for _, f := range hsds.DatasetFiles {
		items := readArray(t, filepath.Join(dir, f.File))
		if len(items) != manifest.Counts[f.File] || len(items) == 0 {
			t.Errorf("%s: %d items, manifest %d", f.File, len(items), manifest.Counts[f.File])
		}
		for i, it := range items {
			problems, err := v.Validate(f.Entity, it)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range problems {
				t.Errorf("%s item %d: %s: %s", f.File, i, p.Field, p.Message)
			}
		}
	}
	var services int
	e.Query(t, "MATCH (s:Service) RETURN count(s)", nil)
	for _, r := range e.Query(t, "MATCH (s:Service) RETURN count(s)", nil) {
		services = int(r.Values[0].(int64))
	}
	if manifest.Counts[hsds.ServicesFile] != services || manifest.Counts[hsds.ZonesFile] < 50 {
		t.Errorf("the export holds %v; Snodo has %d services", manifest.Counts, services)
	}
	for _, name := range []string{hsds.ServicesFile, hsds.OrganizationsFile} {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		if bytes.Contains(b, []byte("Nascosta")) {
			t.Errorf("the public export's %s shows the shelter's address", name)
		}
	}
	full := export(t, e.Store, "--full")
	b, _ = os.ReadFile(filepath.Join(full, hsds.ServicesFile))
	if !bytes.Contains(b, []byte("Nascosta")) {
		t.Error("the full export lacks the shelter's address")
	}
}

// volatile are the fields that say when a record was written, which an import into another
// database changes.
var volatile = map[string]bool{"last_modified": true, "snodo_last_modified": true, "generated": true}

func strip(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, val := range x {
			if !volatile[k] {
				out[k] = strip(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = strip(val)
		}
		return out
	}
	return v
}

func readJSON(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return strip(v)
}

// A full export imports back into the same directory changing nothing, and into an empty one
// giving the same directory: exported again, the same dataset but for write times.
func TestExportImportRoundTrip(t *testing.T) {
	e := demoStore(t)
	first := export(t, e.Store, "--full")
	rep, err := importHSDS(t, e.Store, first)
	if err != nil {
		t.Fatalf("%v: %+v", err, rep.Problems)
	}
	for entity, counts := range rep.Counts {
		if len(counts) != 1 || counts["unchanged"] == 0 {
			t.Errorf("re-importing the export changed %s: %v (conflicts %v)", entity, counts, firstOf(rep.Conflicts))
		}
	}
	e.Wipe(t)
	dry, err := importHSDS(t, e.Store, first, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v %+v", err, firstOf(dry.Problems))
	}
	if n := e.Query(t, "MATCH (n) WHERE NOT n:SnodoTestMarker AND NOT n:SnodoSchema RETURN count(n)", nil)[0].Values[0].(int64); n != 0 {
		t.Fatalf("the dry run wrote %d nodes", n)
	}
	rep, err = importHSDS(t, e.Store, first)
	if err != nil {
		t.Fatalf("%v: %+v", err, firstOf(rep.Problems))
	}
	if !reflect.DeepEqual(rep.Counts, dry.Counts) || rep.Counts["service"]["created"] == 0 {
		t.Errorf("the dry run said %v, the import did %v", dry.Counts, rep.Counts)
	}
	second := export(t, e.Store, "--full")
	for _, f := range []string{hsds.OrganizationsFile, hsds.ServicesFile, hsds.TaxonomiesFile, hsds.TermsFile, hsds.ZonesFile} {
		a, b := readJSON(t, filepath.Join(first, f)), readJSON(t, filepath.Join(second, f))
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs after the round trip: %s", f, firstDiff(a, b, ""))
		}
	}
	again, err := importHSDS(t, e.Store, second)
	if err != nil || again.Counts["service"]["unchanged"] != rep.Counts["service"]["created"] {
		t.Errorf("a second import is not idempotent: %v %v", err, again.Counts)
	}
}

func firstOf(ps []hsds.ImportProblem) []hsds.ImportProblem {
	return ps[:min(len(ps), 5)]
}

// firstDiff names the first path where two JSON values differ.
func firstDiff(a, b any, at string) string {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return at + ": not both objects"
		}
		keys := map[string]bool{}
		for k := range x {
			keys[k] = true
		}
		for k := range y {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			if !reflect.DeepEqual(x[k], y[k]) {
				return firstDiff(x[k], y[k], at+"/"+k)
			}
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return at + ": arrays of different lengths"
		}
		for i := range x {
			if !reflect.DeepEqual(x[i], y[i]) {
				return firstDiff(x[i], y[i], at+"/"+itoa(i))
			}
		}
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return at + ": " + string(ja) + " became " + string(jb)
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// writeDataset writes records as a dataset directory.
func writeDataset(t *testing.T, files map[string]any) string {
	t.Helper()
	dir := t.TempDir()
	for name, v := range files {
		b, _ := json.Marshal(v)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func service(id, name, modified string) map[string]any {
	return map[string]any{
		"id": id, "name": name, "status": "active", "organization_id": seed.ID("Actor", "satis"), "last_modified": modified,
		"service_areas": []any{map[string]any{"id": "00000000-0000-4000-8000-0000000000a1", "name": "Toscana", "istat_code": "09"}},
		"attributes":    []any{map[string]any{"id": "00000000-0000-4000-8000-0000000000a2", "taxonomy_term": map[string]any{"id": "00000000-0000-4000-8000-0000000000a3", "code": "contact.helpline", "name": "x", "description": "x"}}},
		"languages":     []any{map[string]any{"id": "00000000-0000-4000-8000-0000000000a4", "code": "it"}},
	}
}

// A batch with one bad record writes nothing, and the report names the file, the record, the
// field and what is wrong; a record changed in Snodo after its modification time is a conflict
// and stays, a later one overwrites it.
func TestImportRefusesBadBatchesAndReportsConflicts(t *testing.T) {
	e := demoStore(t)
	good, bad, other := "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222", "33333333-3333-4333-8333-333333333333"
	badOne := service(bad, "Cattivo", "2026-01-01T00:00:00Z")
	badOne["minimum_age"] = 40
	badOne["maximum_age"] = 20
	badOne["languages"] = []any{map[string]any{"id": "00000000-0000-4000-8000-0000000000b4", "code": "klingon"}}
	dir := writeDataset(t, map[string]any{"services.json": []any{service(good, "Buono", "2026-01-01T00:00:00Z"), badOne}})
	rep, err := importHSDS(t, e.Store, dir)
	if err == nil || rep.RefusedBatches != 1 || rep.Counts["service"]["refused"] != 2 {
		t.Fatalf("a bad batch: %v %+v", err, rep)
	}
	fields := map[string]bool{}
	for _, p := range rep.Problems {
		if p.File != "services.json" || p.RecordID != bad || p.Message == "" {
			t.Errorf("problem %+v", p)
		}
		fields[p.Field] = true
	}
	if !fields["/languages"] || len(fields) < 2 {
		t.Errorf("the problems name the fields %v", fields)
	}
	if n := e.Query(t, "MATCH (s:Service) WHERE s.id IN [$a, $b] RETURN count(s)", map[string]any{"a": good, "b": bad})[0].Values[0].(int64); n != 0 {
		t.Errorf("a refused batch wrote %d services", n)
	}
	// Batches of one: the good record goes in, the bad one alone is refused.
	rep, _ = importHSDS(t, e.Store, dir, "--batch", "1")
	if rep.Counts["service"]["created"] != 1 || rep.Counts["service"]["refused"] != 1 {
		t.Errorf("batches of one: %v", rep.Counts)
	}
	// Conflicts: changed in Snodo after the record's time.
	dir = writeDataset(t, map[string]any{"services.json": []any{service(other, "Primo nome", "2026-01-01T00:00:00Z")}})
	if rep, err := importHSDS(t, e.Store, dir); err != nil || rep.Counts["service"]["created"] != 1 {
		t.Fatalf("%v %v", err, rep)
	}
	svc := relay.GlobalID("Service", other)
	name := "Cambiato in Snodo"
	version := int(e.Query(t, "MATCH (s:Service {id: $id}) RETURN s.version", map[string]any{"id": other})[0].Values[0].(int64))
	if _, err := e.Store.UpdateService(adminCtx, model.UpdateServiceInput{ID: svc, Version: version, Name: &name}); err != nil {
		t.Fatal(err)
	}
	e.Store.SetClock(func() time.Time { return time.Now().Add(time.Hour) })
	defer e.Store.SetClock(time.Now)
	dir = writeDataset(t, map[string]any{"services.json": []any{service(other, "Nome da fuori", "2026-01-02T00:00:00Z")}})
	rep, err = importHSDS(t, e.Store, dir)
	if err == nil || rep.Counts["service"]["conflict"] != 1 || len(rep.Conflicts) != 1 || rep.Conflicts[0].RecordID != other {
		t.Errorf("an older record over a newer change: %v %+v", err, rep)
	}
	if got := e.Query(t, "MATCH (s:Service {id: $id}) RETURN s.name", map[string]any{"id": other})[0].Values[0]; got != name {
		t.Errorf("the conflict overwrote the name: %v", got)
	}
	later := time.Now().Add(30 * time.Minute).UTC().Format(time.RFC3339)
	dir = writeDataset(t, map[string]any{"services.json": []any{service(other, "Nome da fuori", later)}})
	if rep, err := importHSDS(t, e.Store, dir); err != nil || rep.Counts["service"]["updated"] != 1 {
		t.Errorf("a newer record: %v %v", err, rep.Counts)
	}
	if got := e.Query(t, "MATCH (s:Service {id: $id}) RETURN s.name", map[string]any{"id": other})[0].Values[0]; got != "Nome da fuori" {
		t.Errorf("the newer record did not overwrite: %v", got)
	}
}

// The official HSDS examples import (with a default zone and category), and export again equal
// to what went in for every field Snodo keeps; the fields it does not keep are those
// docs/hsds.md lists.
func TestOfficialExamplesRoundTrip(t *testing.T) {
	e := demoStore(t)
	dir := t.TempDir()
	for _, f := range []string{"service_full.json", "organization_full.json"} {
		b, err := os.ReadFile(filepath.Join("hsds/testdata/examples", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := importHSDS(t, e.Store, dir, "--zone", "09", "--category", "contact.helpline")
	if err != nil {
		t.Fatalf("%v: %+v", err, rep.Problems)
	}
	if rep.Counts["service"]["created"] != 1 || rep.Counts["organization"]["created"] != 1 {
		t.Fatalf("counts %v", rep.Counts)
	}
	// The examples place their locations at latitude 100, longitude 101: not on the Earth, so
	// left out with a note, and the records go in.
	offEarth := map[string]bool{}
	for _, n := range rep.Notes {
		if strings.Contains(n.Message, "not a place on the Earth") {
			offEarth[n.RecordID+n.Field] = true
		}
	}
	if len(offEarth) != 2 {
		t.Errorf("notes on the examples' coordinates %v, want one for the service and one for the organization", offEarth)
	}
	out := export(t, e.Store, "--full")
	in := readJSON(t, filepath.Join(dir, "service_full.json")).(map[string]any)
	var got map[string]any
	for _, s := range readJSON(t, filepath.Join(out, hsds.ServicesFile)).([]any) {
		if s.(map[string]any)["id"] == in["id"] {
			got = s.(map[string]any)
		}
	}
	if got == nil {
		t.Fatal("the example service is not exported")
	}
	for _, k := range []string{"id", "name", "description", "status", "eligibility_description", "minimum_age", "maximum_age", "assured_date"} {
		if !reflect.DeepEqual(in[k], got[k]) {
			t.Errorf("%s: %v became %v", k, in[k], got[k])
		}
	}
	// Documented differences: the nested organization comes back as organization_id; a
	// document's description is cut to 200 characters.
	if got["organization_id"] != testenv.Get(in, "organization", "id") {
		t.Errorf("organization_id %v, the nested organization %v", got["organization_id"], testenv.Get(in, "organization", "id"))
	}
	codes := func(list any, field string) []any {
		var out []any
		for _, x := range list.([]any) {
			out = append(out, x.(map[string]any)[field])
		}
		return out
	}
	if !reflect.DeepEqual(codes(in["languages"], "code"), codes(got["languages"], "code")) {
		t.Errorf("languages %v became %v", in["languages"], got["languages"])
	}
	inDocs, gotDocs := codes(in["required_documents"], "document"), codes(got["required_documents"], "document")
	if len(inDocs) != len(gotDocs) {
		t.Fatalf("documents %v became %v", inDocs, gotDocs)
	}
	for i := range inDocs {
		a, b := inDocs[i].(string), gotDocs[i].(string)
		if a != b && (len([]rune(b)) != 200 || !strings.HasPrefix(a, strings.TrimSuffix(b, "…"))) {
			t.Errorf("document %q became %q", a, b)
		}
	}
	// The weekly schedule TH,FR 10:00-18:00 comes back as two slots of the same hours.
	var slots []string
	for _, s := range got["schedules"].([]any) {
		m := s.(map[string]any)
		slots = append(slots, m["byday"].(string)+" "+m["opens_at"].(string)+"-"+m["closes_at"].(string))
	}
	if strings.Join(slots, ",") != "TH 10:00-18:00,FR 10:00-18:00" {
		t.Errorf("schedules became %v", slots)
	}
	// The organization: the fields Snodo keeps come back.
	org := readJSON(t, filepath.Join(dir, "organization_full.json")).(map[string]any)
	for _, o := range readJSON(t, filepath.Join(out, hsds.OrganizationsFile)).([]any) {
		m := o.(map[string]any)
		if m["id"] != org["id"] {
			continue
		}
		for _, k := range []string{"name", "description", "email", "website"} {
			if !reflect.DeepEqual(org[k], m[k]) {
				t.Errorf("organization %s: %v became %v", k, org[k], m[k])
			}
		}
		return
	}
	t.Error("the example organization is not exported")
}

// The Open Referral UK validator's mock feeds. The Default set imports without a problem, but
// for its organization_list.json, which breaks the HSDS 3.0 schemas itself (IDs that are not
// UUIDs, an identifier without identifier_type, a size of 1 on a page of 10) and is refused with
// those reasons. Each file of the Fail set that breaks a rule a file can show is refused with its
// reasons; the others differ from the Default set only in what an API answers to a request (an
// ID other than the one asked for, a page of another list), which a file cannot show.
func TestORUKMockFeeds(t *testing.T) {
	e := demoStore(t)
	check := func(set, name string, refusedAt []string) {
		t.Helper()
		rep, err := importHSDS(t, e.Store, filepath.Join("hsds/testdata/oruk", set, name), "--zone", "09", "--category", "contact.helpline", "--dry-run")
		if len(refusedAt) == 0 {
			if err != nil || len(rep.Problems) > 0 {
				t.Errorf("%s %s is refused: %v %+v", set, name, err, firstOf(rep.Problems))
			}
			return
		}
		if err == nil || len(rep.Problems) == 0 {
			t.Errorf("%s %s is accepted", set, name)
			return
		}
		for _, want := range refusedAt {
			var found bool
			for _, p := range rep.Problems {
				found = found || strings.HasSuffix(p.Field, want)
			}
			if !found {
				t.Errorf("%s %s: no problem at %s: %+v", set, name, want, rep.Problems)
			}
		}
		for _, p := range rep.Problems {
			if p.Message == "" || !strings.HasPrefix(p.File, name) {
				t.Errorf("%s %s: a problem without a reason or file: %+v", set, name, p)
			}
		}
	}
	defaults, _ := filepath.Glob("hsds/testdata/oruk/V3.0-UK-Default/*.json")
	fails, _ := filepath.Glob("hsds/testdata/oruk/V3.0-UK-Fail/*.json")
	if len(defaults) != 11 || len(fails) != 11 {
		t.Fatalf("%d Default and %d Fail files", len(defaults), len(fails))
	}
	for _, f := range defaults {
		name := filepath.Base(f)
		var at []string
		if name == "organization_list.json" {
			at = []string{"/size", "/attributes/0/id", "/organization_identifiers/0"}
		}
		check("V3.0-UK-Default", name, at)
	}
	refused := map[string][]string{
		"api_details.json": {"/openapi_url"}, "service_full.json": {"/email"}, "service_list.json": {"/email"},
		"taxonomy_term.json": {"/term_uri"},
	}
	for _, f := range fails {
		check("V3.0-UK-Fail", filepath.Base(f), refused[filepath.Base(f)])
	}
}

func flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}
