package model

import (
	"testing"
	"time"
)

func TestParsePeriod(t *testing.T) {
	for s, want := range map[string][2]string{
		"2026":    {"2026-01-01", "2027-01-01"},
		"2026-Q3": {"2026-07-01", "2026-10-01"},
		"2026-07": {"2026-07-01", "2026-08-01"},
		"2026-12": {"2026-12-01", "2027-01-01"},
		"2012-H1": {"2012-01-01", "2012-07-01"},
		"2012-H2": {"2012-07-01", "2013-01-01"},
	} {
		p, err := ParsePeriod(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		from, to := p.Bounds()
		if from.Format(time.DateOnly) != want[0] || to.Format(time.DateOnly) != want[1] || p.String() != s {
			t.Errorf("%s: %s to %s (%s), want %v", s, from, to, p, want)
		}
		if from.Hour() != 0 || from.Location().String() != "Europe/Rome" {
			t.Errorf("%s starts at midnight in Italy, not %s", s, from)
		}
	}
	for _, s := range []string{"", "2026-Q5", "2026-H3", "2026-H0", "2026-13", "2026-00", "26", "2026-Q3-01", "2026-7", "2026 ", "２０２６"} {
		if _, err := ParsePeriod(s); ErrorCode(err) != CodeBadUserInput {
			t.Errorf("%q: %v, want BAD_USER_INPUT", s, err)
		}
	}
	q := QuarterOf(2026, 4)
	rome := func(y int, m time.Month, d, h int) time.Time {
		return time.Date(y, m, d, h, 0, 0, 0, time.FixedZone("CET", 3600))
	}
	if q.Ended(rome(2026, 12, 31, 23)) || !q.Ended(rome(2027, 1, 1, 0)) {
		t.Error("a quarter ends at midnight of its last day, Italian time")
	}
	if got := LastQuarterEnded(rome(2026, 12, 1, 12)); got.String() != "2026-Q3" {
		t.Errorf("last quarter ended on 1 December: %s", got)
	}
	if got := LastQuarterEnded(rome(2026, 2, 1, 12)); got.String() != "2025-Q4" {
		t.Errorf("last quarter ended on 1 February: %s", got)
	}
}
