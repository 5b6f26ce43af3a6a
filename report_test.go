package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

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
	r := reportFlags{zone: "09", quarter: "2026-Q3", format: "csv", out: filepath.Join(dir, "report.csv")}
	if err := r.write(context.Background(), e.Store, 5); err != nil {
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
	if rows[0][0] != "indicator" || values["quarter"] != "2026-Q3" || values["shelter_capacity"] == "" || values["shelter_capacity"] == "0" {
		t.Errorf("report: %v", rows)
	}
	r.format, r.out = "json", filepath.Join(dir, "report.json")
	if err := r.write(context.Background(), e.Store, 5); err != nil {
		t.Fatal(err)
	}
	var obj map[string]string
	data, _ := os.ReadFile(r.out)
	if err := json.Unmarshal(data, &obj); err != nil || obj["shelter_capacity"] != values["shelter_capacity"] {
		t.Errorf("json: %v %s", err, data)
	}
	r.quarter = "2026-Q9"
	if err := r.write(context.Background(), e.Store, 5); err == nil {
		t.Error("a bad quarter is refused")
	}
}
