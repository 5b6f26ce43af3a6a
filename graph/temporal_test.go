package graph_test

import (
	"fmt"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"snodo/internal/testenv"
)

// The instants and dates the temporal test sends: valid ones must be answered without an
// error, the others with a coded one.
var (
	validDateTimes = []any{
		"2026-11-23T10:00:00+01:00", "2026-11-23T10:00:00Z", "2026-11-23T10:00:00+00:00", "2026-11-23T10:00:00-00:00",
		"2026-11-23T10:00:00.123456789+14:00", "2026-11-23T10:00:00-12:00", "2026-11-23t10:00:00z",
		"0000-01-01T00:00:00+01:00",                         // the year 0 at an offset: 31 December of the year -1 in UTC
		"0001-01-01T00:00:00Z", "9999-12-31T23:59:59-12:00", // the year 10000 in UTC
	}
	invalidDateTimes = []any{
		"10000-01-01T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-10T00:00:00Z", "2026-02-30T10:00:00Z", "2026-11-23T24:00:00Z",
		"2026-11-23T10:00:00+24:00", "2026-11-23T10:00:00", "2026-11-23", "", "yesterday", 1795424400, true, map[string]any{"at": "now"},
	}
	validDates   = []any{"2026-11-23", "2024-02-29", "0000-01-01", "0001-01-01", "9999-12-31"}
	invalidDates = []any{
		"10000-01-01", "2026-13-01", "2026-00-01", "2026-02-30", "2025-02-29", "2026-11-23T10:00:00+01:00", "+2026-11-23", "", 20261123, false,
	}
)

func temporal(def *ast.Definition) bool { return def.Name == "DateTime" || def.Name == "Date" }

// TestEveryTemporalArgumentLeavesThePoolHealthy sends every DateTime and Date argument and input
// field of the schema (found by walking it) with offsets, Z and out-of-range values. Valid ones
// are answered without an error; the others with BAD_USER_INPUT; none with
// INTERNAL_SERVER_ERROR; and the next requests on the pool, anonymous ones, all succeed (an
// instant at an offset used to be sent with an empty zone name, which Neo4j refused and which
// left its pooled connection failing the next request).
func TestEveryTemporalArgumentLeavesThePoolHealthy(t *testing.T) {
	e := testenv.Open(t)
	f := probeWorld(t, e)
	h := racing(e)
	found := places(t, f.s, temporal)
	// 16 since the research queries take whole periods instead of instants.
	if len(found) < 16 {
		t.Fatalf("the schema has %d DateTime and Date places; the walk found too few", len(found))
	}
	sent := 0
	for _, p := range found {
		valid, invalid := validDateTimes, invalidDateTimes
		if p.typ().Name() == "Date" {
			valid, invalid = validDates, invalidDates
		}
		for _, v := range valid {
			doc, vars := f.request(p, v, "")
			if codes := answer(t, h, p.String()+" = "+fmt.Sprint(v), doc, vars); len(codes) > 0 {
				t.Errorf("%s = %v is valid: got %v", p, v, codes)
			}
			poolHealthy(t, h, 1)
			sent++
		}
		for _, v := range invalid {
			doc, vars := f.request(p, v, "")
			if codes := answer(t, h, p.String()+" = "+fmt.Sprint(v), doc, vars); len(codes) == 0 || codes[0] != "BAD_USER_INPUT" {
				t.Errorf("%s = %v is not valid: got %v, want BAD_USER_INPUT", p, v, codes)
			}
			poolHealthy(t, h, 1)
			sent++
		}
	}
	t.Logf("%d places, %d requests; then 20 anonymous requests", len(found), sent)
	poolHealthy(t, h, 20)
}
