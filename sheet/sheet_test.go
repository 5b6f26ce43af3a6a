package sheet_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/seed"
	"snodo/sheet"
)

var admin = auth.WithViewer(context.Background(), auth.Viewer{Subject: "test", Role: auth.Admin})

func demo(t *testing.T) *testenv.Env {
	t.Helper()
	e := testenv.Open(t)
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	e.Query(t, `MATCH (s:Service {id: $id}) SET s.address = 'Via Nascosta 7, 50100 Firenze (FI)'`, map[string]any{"id": seed.ID("Service", "satis-pronta-accoglienza")})
	return e
}

// sheetOf writes rows under the template's header as a spreadsheet in Italian saves them.
func sheetOf(rows ...[]string) []byte {
	var b bytes.Buffer
	b.WriteString(sheet.BOM)
	w := csv.NewWriter(&b)
	w.Comma = ';'
	w.UseCRLF = true
	_ = w.Write(sheet.Columns)
	for _, r := range rows {
		_ = w.Write(r)
	}
	w.Flush()
	return b.Bytes()
}

// row is a row of the template, from column names to cells.
func row(cells map[string]string) []string {
	out := make([]string, len(sheet.Columns))
	for i, c := range sheet.Columns {
		out[i] = cells[c]
	}
	return out
}

var saved = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

// The template's example row imports on the demo network, and importing it again changes
// nothing.
func TestTemplateImportsIdempotently(t *testing.T) {
	e := demo(t)
	tpl := sheet.Template()
	if !bytes.HasPrefix(tpl, []byte(sheet.BOM)) || !bytes.Contains(tpl, []byte(";Età minima;")) || !bytes.Contains(tpl, []byte("\r\n")) {
		t.Fatalf("the template is not a sheet in Italian: %q", tpl[:80])
	}
	dry, err := sheet.ImportServices(admin, e.Store, bytes.NewReader(tpl), sheet.Options{DryRun: true, ModifiedAt: saved})
	if err != nil || len(dry.Errors) > 0 || dry.Counts["created"] != 1 {
		t.Fatalf("dry run: %v %+v", err, dry)
	}
	if n := e.Query(t, "MATCH (s:Service {name: 'Sportello lavoro per persone migranti'}) RETURN count(s)", nil)[0].Values[0].(int64); n != 0 {
		t.Fatal("the dry run wrote")
	}
	rep, err := sheet.ImportServices(admin, e.Store, bytes.NewReader(tpl), sheet.Options{ModifiedAt: saved})
	if err != nil || rep.Counts["created"] != 1 {
		t.Fatalf("%v %+v", err, rep)
	}
	got := e.Query(t, `MATCH (a:Actor)-[:PROVIDES]->(s:Service {name: 'Sportello lavoro per persone migranti'})-[:IN_CATEGORY]->(c)
		RETURN a.name, c.code, s.channel, s.minAge, s.openingHours, s.languages, COUNT { (s)-[:MEETS]->() }, [(s)-[:AVAILABLE_IN]->(z) | z.istatCode],
		s.latitude, s.longitude`, nil)
	if len(got) != 1 {
		t.Fatal("the service is not there")
	}
	v := got[0].Values
	if v[0] != "Centro per l'Impiego di Grosseto" || v[1] != "training_work.orientation" || v[2] != "DESK" || v[3] != int64(18) ||
		len(v[4].([]any)) != 2 || v[4].([]any)[0] != "MON 09:00-13:00" || len(v[5].([]any)) != 3 || v[6] != int64(2) || v[7].([]any)[0] != "053011" ||
		v[8] != 42.7603 || v[9] != 11.1136 {
		t.Errorf("imported as %v", v)
	}
	again, err := sheet.ImportServices(admin, e.Store, bytes.NewReader(tpl), sheet.Options{ModifiedAt: saved})
	if err != nil || again.Counts["unchanged"] != 1 || len(again.Counts) != 1 {
		t.Errorf("a second import: %v %+v", err, again.Counts)
	}
}

// A sheet with bad rows writes nothing, and says for each row and column what is wrong.
func TestBadRowsWriteNothing(t *testing.T) {
	e := demo(t)
	good := map[string]string{sheet.ColName: "Corso di italiano", sheet.ColProvider: "Centro per l'Impiego di Pisa",
		sheet.ColCategory: "training_work.courses", sheet.ColZones: "050026", sheet.ColChannel: "CORSO"}
	bad1 := map[string]string{sheet.ColName: "Senza ente", sheet.ColCategory: "nessuna", sheet.ColZones: "999999",
		sheet.ColMinAge: "30", sheet.ColMaxAge: "20", sheet.ColLanguages: "italiano", sheet.ColHours: "LUNEDÌ tutto il giorno"}
	bad2 := map[string]string{sheet.ColName: "=HYPERLINK(\"x\")", sheet.ColProvider: "Nessuno", sheet.ColCategory: "training_work.courses",
		sheet.ColZones: "050026", sheet.ColStatus: "forse", sheet.ColConfidential: "boh", sheet.ColVerified: "ieri", sheet.ColFree: "3", sheet.ColCapacity: "2",
		sheet.ColLatitude: "93,5", sheet.ColLongitude: "10,4"}
	bad3 := map[string]string{sheet.ColName: "Solo latitudine", sheet.ColProvider: "Centro per l'Impiego di Pisa", sheet.ColCategory: "training_work.courses",
		sheet.ColZones: "050026", sheet.ColLatitude: "43,7", sheet.ColLongitude: ""}
	bad4 := map[string]string{sheet.ColName: "Gradi a parole", sheet.ColProvider: "Centro per l'Impiego di Pisa", sheet.ColCategory: "training_work.courses",
		sheet.ColZones: "050026", sheet.ColLatitude: "43°42'N", sheet.ColLongitude: "10.4"}
	data := sheetOf(row(good), row(bad1), row(bad2), row(bad3), row(bad4))
	rep, err := sheet.ImportServices(admin, e.Store, bytes.NewReader(data), sheet.Options{ModifiedAt: saved})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int][]string{
		3: {sheet.ColProvider, sheet.ColCategory, sheet.ColZones, sheet.ColMinAge + " / " + sheet.ColMaxAge, sheet.ColLanguages, sheet.ColHours},
		4: {sheet.ColProvider, sheet.ColStatus, sheet.ColConfidential, sheet.ColVerified, sheet.ColCapacity + " / " + sheet.ColFree,
			sheet.ColLatitude + " / " + sheet.ColLongitude},
		5: {sheet.ColLatitude + " / " + sheet.ColLongitude},
		6: {sheet.ColLatitude},
	}
	got := map[int]map[string]bool{}
	for _, e := range rep.Errors {
		if got[e.Line] == nil {
			got[e.Line] = map[string]bool{}
		}
		got[e.Line][e.Column] = true
		if e.Message == "" {
			t.Errorf("an error without a message: %+v", e)
		}
	}
	for line, cols := range want {
		for _, c := range cols {
			if !got[line][c] {
				t.Errorf("line %d: no error at %q (errors %+v)", line, c, rep.Errors)
			}
		}
	}
	if got[2] != nil {
		t.Errorf("the good row has errors: %v", got[2])
	}
	if n := e.Query(t, "MATCH (s:Service {name: 'Corso di italiano'}) RETURN count(s)", nil)[0].Values[0].(int64); n != 0 {
		t.Error("a sheet with bad rows wrote its good row")
	}
	if _, err := sheet.ImportServices(context.Background(), e.Store, bytes.NewReader(data), sheet.Options{}); err == nil {
		t.Error("an anonymous import went through")
	}
}

// A directory list as a sheet: every cell through csvsafe, the public list without the
// confidential shelter's address; the services list imports back unchanged.
func TestExportListsAndReimport(t *testing.T) {
	e := demo(t)
	e.Query(t, `MATCH (a:Actor {id: $id}) SET a.name = '=cmd|calc'`, map[string]any{"id": seed.ID("Actor", "min-lavoro")})
	for _, list := range sheet.Lists {
		var b bytes.Buffer
		n, err := sheet.Export(context.Background(), e.Store, &b, sheet.ExportOptions{List: list})
		if err != nil || n == 0 {
			t.Fatalf("%s: %v, %d rows", list, err, n)
		}
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b.Bytes(), []byte(sheet.BOM))))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil || len(rows) != n+1 {
			t.Fatalf("%s: %v, %d rows for %d", list, err, len(rows), n)
		}
		for _, row := range rows {
			for _, c := range row {
				if strings.HasPrefix(c, "=") || strings.HasPrefix(c, "@") {
					t.Errorf("%s: a formula cell %q", list, c)
				}
			}
		}
		if list == "enti" && !bytes.Contains(b.Bytes(), []byte("'=cmd|calc")) {
			t.Error("the actor named as a formula is not neutralised")
		}
		if bytes.Contains(b.Bytes(), []byte("Nascosta")) {
			t.Errorf("the public %s list shows the shelter's address", list)
		}
	}
	var b bytes.Buffer
	if _, err := sheet.Export(context.Background(), e.Store, &b, sheet.ExportOptions{List: "servizi", Full: true}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b.Bytes(), []byte("Nascosta")) {
		t.Error("the full list lacks the shelter's address")
	}
	rep, err := sheet.ImportServices(admin, e.Store, bytes.NewReader(b.Bytes()), sheet.Options{ModifiedAt: time.Now().Add(time.Hour)})
	if err != nil || len(rep.Errors) > 0 {
		t.Fatalf("the exported services do not import back: %v %+v", err, rep.Errors[:min(len(rep.Errors), 5)])
	}
	if rep.Counts["unchanged"] != rep.Rows || rep.Rows < 100 {
		t.Errorf("re-importing the exported services: %v of %d rows", rep.Counts, rep.Rows)
	}
}

// The template in docs is the one the command writes.
func TestTemplateInDocsIsCurrent(t *testing.T) {
	b, err := os.ReadFile("../docs/template-servizi.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, sheet.Template()) {
		t.Error("docs/template-servizi.csv differs from sheet.Template(): run `snodo import csv --template > docs/template-servizi.csv`")
	}
}
