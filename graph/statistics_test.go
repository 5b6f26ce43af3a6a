package graph_test

import (
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
)

func TestCaseCountsWithholdSmallCounts(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	open := func(zone string, n int) {
		for i := 0; i < n; i++ {
			r := e.DoAs(t, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { id } userErrors { code } } }`,
				map[string]any{"in": map[string]any{"zoneId": ids[zone], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}}})
			if testenv.Get(r.Data, "openCase", "case") == nil {
				t.Fatalf("open: %+v", r)
			}
		}
	}
	open("Follonica", 7)
	open("Grosseto", 2)

	researcher := auth.Viewer{Subject: "res", Role: auth.Researcher}
	r := e.DoAs(t, researcher, `query($z: ID!) { caseCounts(input: {zoneId: $z, level: MUNICIPALITY}) { threshold
		rows { zone { name } open { value withheld } included { value } total { value withheld } } } }`, map[string]any{"z": ids["Provincia di Grosseto"]})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	rows := testenv.Get(r.Data, "caseCounts", "rows").([]any)
	if len(rows) != 3 {
		t.Fatalf("two municipalities and the totals: %v", rows)
	}
	// Grosseto's 2 is under the threshold; Follonica's 7 would reveal it from the total of 9, so
	// it is withheld too; the total of the province, 9, is published.
	for i, want := range []struct {
		zone     any
		withheld bool
		total    any
	}{{"Follonica", true, nil}, {"Grosseto", true, nil}, {nil, false, float64(9)}} {
		row := rows[i]
		if testenv.Get(row, "zone", "name") != want.zone || testenv.Get(row, "open", "withheld") != want.withheld || testenv.Get(row, "total", "value") != want.total {
			t.Errorf("row %d: %v, want %+v", i, row, want)
		}
		if want.withheld && testenv.Get(row, "open", "value") != nil {
			t.Errorf("a withheld count has no value: %v", row)
		}
	}
	if testenv.Get(rows[0], "included", "value") != float64(0) {
		t.Errorf("zeros are published: %v", rows[0])
	}
	if r := e.DoAs(t, auth.Viewer{Role: auth.Anonymous}, `query($z: ID!) { caseCounts(input: {zoneId: $z}) { threshold } }`, map[string]any{"z": ids["Toscana"]}); r.Code() != "UNAUTHENTICATED" {
		t.Errorf("anonymous: %q", r.Code())
	}
	if r := e.DoAs(t, researcher, `{ cases { totalCount } }`, nil); r.Code() != "FORBIDDEN" {
		t.Errorf("a researcher sees no case, not even a count of them: %q", r.Code())
	}
}
