package istat_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/istat"
	"snodo/seed"
)

const edition2020 = "testdata/elenco-comuni-italiani-2020-01-01.csv"

var admin = auth.WithViewer(context.Background(), auth.Viewer{Subject: "test", Role: auth.Admin})

func readFile(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(edition2020)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The edition as ISTAT publishes it reads whole: Windows-1252, `;`, CRLF, header cells with line
// breaks inside quotes, populations with thousands separators.
func TestReadsISTATsFileAsPublished(t *testing.T) {
	raw := readFile(t)
	if !bytes.Contains(raw, []byte("\r\n")) || !bytes.Contains(raw, []byte("Unit\xe0 territoriale sovracomunale \r\n(valida")) {
		t.Fatal("the fixture is not ISTAT's file as published")
	}
	ed, rowErrs, err := istat.Read(bytes.NewReader(raw))
	if err != nil || len(rowErrs) > 0 {
		t.Fatalf("%v %v", err, rowErrs)
	}
	if len(ed.Municipalities) != 7904 || len(ed.Regions) != 20 || len(ed.Provinces) != 107 {
		t.Errorf("%d municipalities, %d regions, %d provinces", len(ed.Municipalities), len(ed.Regions), len(ed.Provinces))
	}
	var tuscany, provinces int
	byCode := map[string]istat.Municipality{}
	for _, m := range ed.Municipalities {
		byCode[m.Code] = m
		if m.Region == "09" {
			tuscany++
		}
	}
	for _, p := range ed.Provinces {
		if p.Region == "09" {
			provinces++
		}
	}
	if tuscany != 273 || provinces != 10 {
		t.Errorf("Tuscany: %d municipalities, %d provinces", tuscany, provinces)
	}
	if m := byCode["001001"]; m.Name != "Agliè" || m.Population != 2644 || m.Province != "001" {
		t.Errorf("Agliè: %+v", m)
	}
	if m := byCode["048017"]; m.Name != "Firenze" || m.Population != 358079 || ed.Provinces["048"].Name() != "Città metropolitana di Firenze" {
		t.Errorf("Firenze: %+v, %s", m, ed.Provinces["048"].Name())
	}
	if ed.Regions["09"] != "Toscana" || ed.Provinces["049"].Name() != "Provincia di Livorno" {
		t.Errorf("names: %q %q", ed.Regions["09"], ed.Provinces["049"].Name())
	}
}

// Bad rows are reported by line and column, and refuse the edition.
func TestBadRowsAreReported(t *testing.T) {
	raw := readFile(t)
	bad := bytes.Replace(raw, []byte(";001006;Almese"), []byte(";1006x;Almese"), 1)
	bad = bytes.Replace(bad, []byte("A218;6.303;"), []byte("A218;6,303;"), 1) // Almese again: one error a row
	bad = bytes.Replace(bad, []byte("A117;462;"), []byte("A117;4.62;"), 1)    // Ala di Stura's population
	ed, rowErrs, err := istat.Read(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if len(rowErrs) != 2 || !strings.Contains(rowErrs[0].Error(), "line 6, Popolazione legale") ||
		!strings.Contains(rowErrs[1].Error(), "line 8, Codice Comune formato alfanumerico") {
		t.Errorf("row errors %v", rowErrs)
	}
	if len(ed.Municipalities) != 7902 {
		t.Errorf("%d municipalities read", len(ed.Municipalities))
	}
	if _, _, err := istat.Read(strings.NewReader("a;b;c\r\n1;2;3\r\n")); err == nil {
		t.Error("a file that is not the list is read")
	}
}

// laterEdition edits a copy of the 2020 edition as a later one would read: Follonica renamed,
// Capraia Isola and Campo nell'Elba merged into a new municipality of code 049099.
func laterEdition(t *testing.T) []byte {
	t.Helper()
	text, err := charmap.Windows1252.NewDecoder().Bytes(readFile(t))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(text), "\r\n") {
		switch {
		case strings.Contains(line, ";053009;"): // Follonica
			line = strings.ReplaceAll(line, "Follonica", "Follonica Marittima")
		case strings.Contains(line, ";049005;"): // Capraia Isola
			out = append(out, strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(line, ";049005;", ";049099;"),
				"Capraia Isola", "Isole dell'Arcipelago"), "49005", "49099"))
			continue
		case strings.Contains(line, ";049003;"): // Campo nell'Elba
			continue
		}
		out = append(out, line)
	}
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(strings.Join(out, "\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func zone(t *testing.T, e *testenv.Env, code string) (name, status string, parents []string) {
	t.Helper()
	rows := e.Query(t, `MATCH (z:Zone {istatCode: $c}) RETURN z.name, z.status, [(z)-[:PART_OF]->(p) | p.name]`, map[string]any{"c": code})
	if len(rows) != 1 {
		t.Fatalf("%d zones with the code %s", len(rows), code)
	}
	for _, p := range rows[0].Values[2].([]any) {
		parents = append(parents, p.(string))
	}
	return rows[0].Values[0].(string), rows[0].Values[1].(string), parents
}

// Tuscany from the 2020 edition on the demo network, less the province of Massa-Carrara (the
// demo holds all of ISTAT's Tuscany): every municipality and province, the demo's zones matched
// by code and kept (their social districts too); a second import changes nothing; a later
// edition renames, adds and archives what was merged away, a dry run first.
func TestImportTwoEditions(t *testing.T) {
	e := testenv.Open(t)
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	e.Query(t, "MATCH (z:Zone) WHERE z.istatCode = '045' OR z.istatCode STARTS WITH '045' AND z.kind = 'MUNICIPALITY' DETACH DELETE z", nil)
	municipalities := func() int64 {
		return e.Query(t, "MATCH (z:Zone {kind: 'MUNICIPALITY'}) WHERE z.istatCode STARTS WITH '0' RETURN count(z)", nil)[0].Values[0].(int64)
	}
	had := municipalities()
	_, _, before := zone(t, e, "053009")
	dry, err := istat.Import(admin, e.Store, bytes.NewReader(readFile(t)), istat.Options{Regions: []string{"09"}, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if n := municipalities(); n != had {
		t.Fatalf("the dry run wrote: %d municipalities, %d before", n, had)
	}
	rep, err := istat.Import(admin, e.Store, bytes.NewReader(readFile(t)), istat.Options{Regions: []string{"09"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(dry.Changes.Created) != len(rep.Changes.Created) || len(rep.Changes.Created) == 0 {
		t.Errorf("the dry run would create %d, the import created %d", len(dry.Changes.Created), len(rep.Changes.Created))
	}
	counts := e.Query(t, `MATCH (r:Zone {istatCode: '09'})
		RETURN COUNT { (m:Zone {kind: 'MUNICIPALITY'})-[:PART_OF]->(:Zone {kind: 'PROVINCE'})-[:PART_OF]->(r) },
		       COUNT { (p:Zone {kind: 'PROVINCE'})-[:PART_OF]->(r) }`, nil)[0].Values
	if counts[0].(int64) != 273 || counts[1].(int64) != 10 {
		t.Errorf("Tuscany holds %v municipalities and %v provinces", counts[0], counts[1])
	}
	if name, _, parents := zone(t, e, "053009"); name != "Follonica" || len(parents) != len(before) {
		t.Errorf("the demo's Follonica became %q with parents %v (before %v)", name, parents, before)
	}
	if rep.Population < 3_600_000 || len(rep.Changes.Archived) != 0 {
		t.Errorf("population %d, archived %v", rep.Population, rep.Changes.Archived)
	}
	again, err := istat.Import(admin, e.Store, bytes.NewReader(readFile(t)), istat.Options{Regions: []string{"09"}})
	if err != nil {
		t.Fatal(err)
	}
	c := again.Changes
	if len(c.Created)+len(c.Renamed)+len(c.Moved)+len(c.Archived)+len(c.Restored) != 0 || c.Unchanged != 273+10+1 {
		t.Errorf("a second import changed %+v", again.Counts)
	}
	// The later edition.
	later := laterEdition(t)
	dry, err = istat.Import(admin, e.Store, bytes.NewReader(later), istat.Options{Regions: []string{"09"}, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"created": 1, "renamed": 1, "archived": 2}
	for change, n := range want {
		if dry.Counts[change]["MUNICIPALITY"] != n {
			t.Errorf("dry run: %s %v, want %d", change, dry.Counts[change], n)
		}
	}
	if name, _, _ := zone(t, e, "053009"); name != "Follonica" {
		t.Errorf("the dry run renamed Follonica: %q", name)
	}
	rep, err = istat.Import(admin, e.Store, bytes.NewReader(later), istat.Options{Regions: []string{"09"}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Changes.Renamed[0].OldName != "Follonica" || rep.Changes.Renamed[0].Name != "Follonica Marittima" {
		t.Errorf("renamed %+v", rep.Changes.Renamed)
	}
	if name, status, parents := zone(t, e, "053009"); name != "Follonica Marittima" || status != "ACTIVE" || len(parents) != len(before) {
		t.Errorf("Follonica: %q %s %v", name, status, parents)
	}
	if name, status, parents := zone(t, e, "049099"); name != "Isole dell'Arcipelago" || status != "ACTIVE" || len(parents) != 1 || parents[0] != "Provincia di Livorno" {
		t.Errorf("the new municipality: %q %s %v", name, status, parents)
	}
	for _, code := range []string{"049003", "049005"} {
		if _, status, _ := zone(t, e, code); status != "ARCHIVED" {
			t.Errorf("%s merged away is %s", code, status)
		}
	}
	if got := []string{rep.Changes.Archived[0].Name, rep.Changes.Archived[1].Name}; got[0] != "Campo nell'Elba" || got[1] != "Capraia Isola" {
		t.Errorf("archived %v", got)
	}
	// The 2020 edition again restores them and undoes the rename, and archives the new one,
	// which it does not list.
	rep, err = istat.Import(admin, e.Store, bytes.NewReader(readFile(t)), istat.Options{Regions: []string{"09"}})
	if err != nil || len(rep.Changes.Restored) != 2 || len(rep.Changes.Renamed) != 1 || len(rep.Changes.Archived) != 1 {
		t.Errorf("back to 2020: %v %+v", err, rep.Counts)
	}
	// Only an administrator imports.
	if _, err := istat.Import(context.Background(), e.Store, bytes.NewReader(readFile(t)), istat.Options{Regions: []string{"09"}}); err == nil {
		t.Error("an anonymous import went through")
	}
}
