package store

import (
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// driverParams puts every instant in UTC and every date as a Neo4j DATE, at any depth, and
// leaves the caller's parameters as they were.
func TestDriverParams(t *testing.T) {
	rome := time.FixedZone("", 3600)
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, rome)
	day := model.Date{Time: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	var none *time.Time
	in := map[string]any{
		"at": at, "ptr": &at, "none": none, "day": day, "dayPtr": &day, "n": 1, "s": "x",
		"nested": map[string]any{"at": at, "list": []any{at, "y"}},
		"rows":   []map[string]any{{"props": map[string]any{"at": at}}},
		"times":  []time.Time{at},
	}
	out := driverParams(in)
	utc := func(v any) {
		t.Helper()
		tt, ok := v.(time.Time)
		if !ok || tt.Location() != time.UTC || !tt.Equal(at) {
			t.Errorf("%v (%T) is not the instant in UTC", v, v)
		}
	}
	utc(out["at"])
	utc(out["ptr"])
	utc(out["nested"].(map[string]any)["at"])
	utc(out["nested"].(map[string]any)["list"].([]any)[0])
	utc(out["rows"].([]map[string]any)[0]["props"].(map[string]any)["at"])
	utc(out["times"].([]time.Time)[0])
	if out["none"] != nil {
		t.Errorf("a nil instant is null: %v", out["none"])
	}
	for _, k := range []string{"day", "dayPtr"} {
		if d, ok := out[k].(neo4j.Date); !ok || d.Time().Format(time.DateOnly) != "2026-11-23" {
			t.Errorf("%s: a date is a Neo4j DATE: %v (%T)", k, out[k], out[k])
		}
	}
	if out["n"] != 1 || out["s"] != "x" || out["nested"].(map[string]any)["list"].([]any)[1] != "y" {
		t.Errorf("other values pass as they are: %v", out)
	}
	if in["at"].(time.Time).Location() != rome {
		t.Error("the caller's parameters are left as they were")
	}
	if driverParams(nil) != nil {
		t.Error("no parameters stay none")
	}
}
