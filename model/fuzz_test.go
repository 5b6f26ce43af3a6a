package model

import (
	"errors"
	"testing"
	"time"
)

// FuzzParsePeriod: any string is a period that writes itself the same way, or a coded
// BAD_USER_INPUT; a period's bounds are in order.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026", "2026-Q3", "2026-07", "2026-13", "2026-Q5", "0000", "9999-Q4", "2026-q1", " 2026", "2026-Q3\n", "２０２６"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePeriod(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeBadUserInput {
				t.Fatalf("ParsePeriod(%q): %v, not a BAD_USER_INPUT", s, err)
			}
			return
		}
		if p.String() != s {
			t.Fatalf("ParsePeriod(%q) writes itself %q", s, p.String())
		}
		if from, to := p.Bounds(); !from.Before(to) {
			t.Fatalf("%s runs from %s to %s", s, from, to)
		}
	})
}

// FuzzDates: a Date reads back from what it writes, and a DateTime is read only within RFC
// 3339's offsets; neither panics nor answers an uncoded error.
func FuzzDates(f *testing.F) {
	for _, s := range []string{"2026-11-23", "2026-02-29", "2024-02-29", "0000-01-01", "2026-11-23T10:00:00+01:00", "2026-11-23t10:00:00z",
		"2026-11-23T10:00:00+24:00", "2026-11-23T10:00:00.123456789-23:59", "9999-12-31T23:59:59Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var d Date
		if err := d.UnmarshalGQL(s); err == nil {
			if again, err := ParseDate(d.String()); err != nil || !again.Equal(d.Time) {
				t.Fatalf("the date %q writes %q, which reads %v, %v", s, d.String(), again, err)
			}
		} else if ErrorCode(err) != CodeBadUserInput {
			t.Fatalf("the date %q: %v, not a BAD_USER_INPUT", s, err)
		}
		if tm, err := UnmarshalDateTime(s); err == nil {
			if _, off := tm.Zone(); off <= -24*3600 || off >= 24*3600 {
				t.Fatalf("the instant %q has an offset of %d s", s, off)
			}
			if again, err := UnmarshalDateTime(tm.Format(time.RFC3339Nano)); err != nil || !again.Equal(tm) {
				t.Fatalf("the instant %q does not read back: %v %v", s, again, err)
			}
		} else if ErrorCode(err) != CodeBadUserInput {
			t.Fatalf("the instant %q: %v, not a BAD_USER_INPUT", s, err)
		}
	})
}
