package model

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// PeriodKind is the length of a calendar period.
type PeriodKind int

// The calendar periods aggregates are asked for.
const (
	PeriodMonth PeriodKind = iota
	PeriodQuarter
	PeriodYear
	// PeriodHalf is a half year: what ConTratTo reported ("gennaio-giugno 2012").
	PeriodHalf
)

// Period is a whole calendar period, in Italian time: a month, a quarter, a half or a year. Aggregates
// about people are asked for periods, never for arbitrary instants.
type Period struct {
	Kind PeriodKind
	Year int
	// N is the month (1 to 12), the quarter (1 to 4) or the half (1 or 2); 0 for a year.
	N int
}

var periodRe = regexp.MustCompile(`^([0-9]{4})(?:-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?$`)

// ParsePeriod reads a period written YYYY (a year), YYYY-Hn (a half), YYYY-Qn (a quarter) or
// YYYY-MM (a month).
func ParsePeriod(s string) (Period, error) {
	m := periodRe.FindStringSubmatch(s)
	if m == nil || len(s) > 7 {
		return Period{}, Errorf(CodeBadUserInput, "%s is not a period: write a year (2026), a half (2026-H1), a quarter (2026-Q3) or a month (2026-07)", Quote(s))
	}
	y, _ := strconv.Atoi(m[1])
	switch {
	case m[2] == "":
		return Period{Kind: PeriodYear, Year: y}, nil
	case m[2][0] == 'Q':
		return Period{Kind: PeriodQuarter, Year: y, N: int(m[2][1] - '0')}, nil
	case m[2][0] == 'H':
		return Period{Kind: PeriodHalf, Year: y, N: int(m[2][1] - '0')}, nil
	default:
		n, _ := strconv.Atoi(m[2])
		return Period{Kind: PeriodMonth, Year: y, N: n}, nil
	}
}

// QuarterOf is the quarter n (1 to 4) of the year.
func QuarterOf(year, n int) Period { return Period{Kind: PeriodQuarter, Year: year, N: n} }

// Bounds are the period's first instant and the first instant after it, in Italian time.
func (p Period) Bounds() (from, to time.Time) {
	switch p.Kind {
	case PeriodYear:
		from = time.Date(p.Year, 1, 1, 0, 0, 0, 0, rome)
		return from, from.AddDate(1, 0, 0)
	case PeriodQuarter:
		from = time.Date(p.Year, time.Month(3*(p.N-1)+1), 1, 0, 0, 0, 0, rome)
		return from, from.AddDate(0, 3, 0)
	case PeriodHalf:
		from = time.Date(p.Year, time.Month(6*(p.N-1)+1), 1, 0, 0, 0, 0, rome)
		return from, from.AddDate(0, 6, 0)
	default:
		from = time.Date(p.Year, time.Month(p.N), 1, 0, 0, 0, 0, rome)
		return from, from.AddDate(0, 1, 0)
	}
}

// Ended reports whether the period is over at now.
func (p Period) Ended(now time.Time) bool {
	_, to := p.Bounds()
	return !now.Before(to)
}

// LastQuarterEnded is the latest quarter that is over at now.
func LastQuarterEnded(now time.Time) Period {
	t := now.In(rome)
	q := Period{Kind: PeriodQuarter, Year: t.Year(), N: (int(t.Month())-1)/3 + 1}
	if q.N--; q.N == 0 {
		q.Year, q.N = q.Year-1, 4
	}
	return q
}

func (p Period) String() string {
	switch p.Kind {
	case PeriodYear:
		return fmt.Sprintf("%04d", p.Year) // as it is read: 0999, not 999
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	case PeriodHalf:
		return fmt.Sprintf("%04d-H%d", p.Year, p.N)
	default:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	}
}

// WeekEnds are the ends of the weeks of the period that have passed by now, a week after
// another from its first day.
func (p Period) WeekEnds(now time.Time) []time.Time {
	from, to := p.Bounds()
	var out []time.Time
	for t := from.AddDate(0, 0, 7); !t.After(to) && !t.After(now); t = t.AddDate(0, 0, 7) {
		out = append(out, t)
	}
	return out
}

// ItalianDay is the day of Italian time of the instant, written YYYY-MM-DD.
func ItalianDay(t time.Time) string { return t.In(rome).Format(time.DateOnly) }
