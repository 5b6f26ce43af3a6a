package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"snodo/disclosure"
	"snodo/internal/testenv"
	"snodo/seed"
)

// The report command writes a CSV a spreadsheet opens, and the same figures as JSON.
func TestReportWritesCSVAndJSON(t *testing.T) {
	e := testenv.Open(t)
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pub, err := disclosure.New(disclosure.Defaults, e.Store.Now, e.Store)
	if err != nil {
		t.Fatal(err)
	}
	r := reportFlags{zone: "09", period: "2026-Q3", format: "csv", out: filepath.Join(dir, "report.csv")}
	if err := r.write(context.Background(), e.Store, pub); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(r.out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("not a CSV: %v", err)
	}
	values := map[string]string{}
	for _, row := range rows[1:] {
		values[row[0]] = row[1]
	}
	if rows[0][0] != "indicator" || values["period"] != "2026-Q3" || values["shelter_capacity"] == "" || values["shelter_capacity"] == "0" {
		t.Errorf("report: %v", rows)
	}
	r.format, r.out = "json", filepath.Join(dir, "report.json")
	if err := r.write(context.Background(), e.Store, pub); err != nil {
		t.Fatal(err)
	}
	var obj map[string]string
	data, _ := os.ReadFile(r.out)
	if err := json.Unmarshal(data, &obj); err != nil || obj["shelter_capacity"] != values["shelter_capacity"] {
		t.Errorf("json: %v %s", err, data)
	}
	for _, p := range []string{"2026-Q9", "2026-Q4"} {
		r.period = p
		if err := r.write(context.Background(), e.Store, pub); err == nil {
			t.Errorf("period %s is refused", p)
		}
	}
}

// The report command and the API publish the same values for the same question: both go
// through the disclosure layer. An exact report needs the data controller's name and is
// recorded in the audit log.
func TestReportPublishesWhatTheAPIDoes(t *testing.T) {
	e, pub, read := demoReports(t)
	ctx := context.Background()
	report := read(reportFlags{zone: "09", period: "2026-Q2"})
	d := e.MustDo(t, `{ zones(filter: {istatCode: "09"}) { edges { node { id } } } }`, nil)
	zone := testenv.Get(d, "zones", "edges", 0, "node", "id")
	d = e.MustDo(t, `query($z: ID!) { indicators(zoneId: $z, period: "2026-Q2") { casesOpened casesInCharge casesClosed overdueCases
		outcomes { key count } referrals { key count } acceptanceRate { value } } }`, map[string]any{"z": zone})
	in := d["indicators"]
	api := map[string]string{
		"cases_opened": strconv.Itoa(int(testenv.Get(in, "casesOpened").(float64))), "cases_in_charge": strconv.Itoa(int(testenv.Get(in, "casesInCharge").(float64))),
		"cases_closed": strconv.Itoa(int(testenv.Get(in, "casesClosed").(float64))), "overdue_cases": strconv.Itoa(int(testenv.Get(in, "overdueCases").(float64))),
	}
	for _, b := range testenv.Get(in, "outcomes").([]any) {
		api["cases_closed_"+testenv.Get(b, "key").(string)] = strconv.Itoa(int(testenv.Get(b, "count").(float64)))
	}
	for _, b := range testenv.Get(in, "referrals").([]any) {
		api["referrals_"+testenv.Get(b, "key").(string)] = strconv.Itoa(int(testenv.Get(b, "count").(float64)))
	}
	if v, ok := testenv.Get(in, "acceptanceRate", "value").(float64); ok {
		api["acceptance_rate"] = strconv.FormatFloat(v, 'f', -1, 64)
	}
	for k, v := range api {
		if report[k] != v {
			t.Errorf("%s: the report says %q, the API %q", k, report[k], v)
		}
	}
	if len(api) < 6 {
		t.Fatalf("the demo network's quarter has few figures: %v", api)
	}

	exact := reportFlags{zone: "09", period: "2026-Q2", exact: true}
	exact.out, exact.format = filepath.Join(t.TempDir(), "x.json"), "json"
	if err := exact.write(ctx, e.Store, pub); err == nil {
		t.Error("an exact report without --by is refused")
	}
	exact.by = "dpo-giulia"
	figures := read(exact)
	opened := e.Query(t, `MATCH (c:Case)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {istatCode: '09'}) WITH DISTINCT c
		WHERE c.openedAt >= datetime('2026-04-01T00:00:00+02:00') AND c.openedAt < datetime('2026-07-01T00:00:00+02:00') RETURN count(c)`, nil)[0].Values[0]
	if figures["cases_opened"] != strconv.Itoa(int(opened.(int64))) {
		t.Errorf("the exact report says %s cases opened, the database %d", figures["cases_opened"], opened)
	}
	audit := e.Query(t, `MATCH (a:AuditEntry {subject: 'dpo-giulia'}) RETURN a.operation, a.targetId`, nil)
	if len(audit) != 1 || audit[0].Values[0] != "report --exact 2026-Q2" || audit[0].Values[1] != zone {
		t.Errorf("the exact report in the audit log: %v", audit)
	}
}

// demoReports loads the demo network and returns the publisher the server would use and a
// function that writes a report as JSON and reads it back.
func demoReports(t *testing.T) (*testenv.Env, *disclosure.Publisher, func(reportFlags) map[string]string) {
	t.Helper()
	e := testenv.Open(t)
	ctx := context.Background()
	if _, err := seed.Load(ctx, e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	pub, err := disclosure.New(disclosure.Defaults, e.Store.Now, e.Store)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return e, pub, func(r reportFlags) map[string]string {
		t.Helper()
		r.out, r.format = filepath.Join(dir, "r.json"), "json"
		if err := r.write(ctx, e.Store, pub); err != nil {
			t.Fatal(err)
		}
		var obj map[string]string
		data, _ := os.ReadFile(r.out)
		if err := json.Unmarshal(data, &obj); err != nil {
			t.Fatal(err)
		}
		return obj
	}
}
