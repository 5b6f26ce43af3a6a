package model

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"time"
)

// Quarter is a calendar quarter.
type Quarter struct {
	Year, N int
}

var quarterRe = regexp.MustCompile(`^([0-9]{4})-Q([1-4])$`)

// ParseQuarter reads a quarter written YYYY-Qn.
func ParseQuarter(s string) (Quarter, error) {
	m := quarterRe.FindStringSubmatch(s)
	if m == nil {
		return Quarter{}, Errorf(CodeBadUserInput, "%s is not a quarter written YYYY-Qn, such as 2026-Q3", Quote(s))
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	return Quarter{y, n}, nil
}

// Bounds are the quarter's first instant and the first instant after it, in Italian time.
func (q Quarter) Bounds() (from, to time.Time) {
	from = time.Date(q.Year, time.Month(3*(q.N-1)+1), 1, 0, 0, 0, 0, rome)
	return from, from.AddDate(0, 3, 0)
}

func (q Quarter) String() string { return fmt.Sprintf("%d-Q%d", q.Year, q.N) }

// Indicators are a zone's monitoring figures for a quarter, before the privacy threshold.
type Indicators struct {
	ZoneID                   string
	Quarter                  string
	CasesOpened              int
	CasesInCharge            int
	CasesClosed              int
	Outcomes                 map[string]int
	Referrals                map[string]int
	AcceptanceRate           *float64
	MedianDaysToTakingCharge *float64
	InterventionsByCategory  map[string]int
	ShelterPlacesFree        int
	ShelterCapacity          int
	ShelterPlacesOverTime    []*PlacesPoint
	OverdueCases             int
	NeedsWithoutService      []string
	// Threshold withholds the counts from 1 to it less one when they are shown.
	Threshold int
}

// Count applies the privacy threshold to one count.
func (in *Indicators) Count(n int) *Count { return Withhold(n, in.Threshold) }

// Rows are the indicators as (indicator, value) pairs for a report, counts under the threshold
// written "withheld".
func (in *Indicators) Rows() [][2]string {
	count := func(n int) string {
		if c := in.Count(n); c.Withheld {
			return "withheld"
		}
		return strconv.Itoa(n)
	}
	float := func(f *float64) string {
		if f == nil {
			return ""
		}
		return strconv.FormatFloat(*f, 'f', 2, 64)
	}
	rows := [][2]string{
		{"quarter", in.Quarter},
		{"cases_opened", count(in.CasesOpened)},
		{"cases_in_charge", count(in.CasesInCharge)},
		{"cases_closed", count(in.CasesClosed)},
	}
	for _, k := range sortedKeys(in.Outcomes) {
		rows = append(rows, [2]string{"cases_closed_" + k, count(in.Outcomes[k])})
	}
	for _, k := range sortedKeys(in.Referrals) {
		rows = append(rows, [2]string{"referrals_" + k, count(in.Referrals[k])})
	}
	rows = append(rows, [2]string{"acceptance_rate", float(in.AcceptanceRate)},
		[2]string{"median_days_to_taking_charge", float(in.MedianDaysToTakingCharge)})
	for _, k := range sortedKeys(in.InterventionsByCategory) {
		rows = append(rows, [2]string{"interventions_" + k, count(in.InterventionsByCategory[k])})
	}
	rows = append(rows, [2]string{"shelter_places_free", strconv.Itoa(in.ShelterPlacesFree)},
		[2]string{"shelter_capacity", strconv.Itoa(in.ShelterCapacity)})
	// Emergency places over time: free and capacity at the end of each week of the quarter.
	for _, p := range in.ShelterPlacesOverTime {
		day := p.At.Format("2006-01-02")
		rows = append(rows, [2]string{"shelter_places_free_" + day, strconv.Itoa(p.Free)},
			[2]string{"shelter_capacity_" + day, strconv.Itoa(p.Capacity)})
	}
	rows = append(rows, [2]string{"overdue_cases", count(in.OverdueCases)},
		[2]string{"needs_without_service", strconv.Itoa(len(in.NeedsWithoutService))})
	return rows
}

func sortedKeys(m map[string]int) []string { return slices.Sorted(maps.Keys(m)) }

// PlacesReport is one report of a service's places.
type PlacesReport struct {
	Service        string
	At             time.Time
	Free, Capacity int
}

// PlacesSeries sums, at each instant asked, the latest report of each service made by then;
// services with no report by then are left out of that point.
func PlacesSeries(reports []PlacesReport, at []time.Time) []*PlacesPoint {
	sorted := append([]PlacesReport(nil), reports...)
	slices.SortFunc(sorted, func(a, b PlacesReport) int { return a.At.Compare(b.At) })
	out := make([]*PlacesPoint, 0, len(at))
	for _, t := range at {
		latest := map[string]PlacesReport{}
		for _, r := range sorted {
			if r.At.After(t) {
				break
			}
			latest[r.Service] = r
		}
		p := &PlacesPoint{At: t}
		for _, r := range latest {
			p.Free += r.Free
			p.Capacity += r.Capacity
		}
		out = append(out, p)
	}
	return out
}

// WeekEnds are the ends of the weeks of the quarter that have passed by now, a week after another
// from its first day.
func (q Quarter) WeekEnds(now time.Time) []time.Time {
	from, to := q.Bounds()
	var out []time.Time
	for t := from.AddDate(0, 0, 7); !t.After(to) && !t.After(now); t = t.AddDate(0, 0, 7) {
		out = append(out, t)
	}
	return out
}

// PlacesPoint is the places at a point in time.
type PlacesPoint struct {
	At             time.Time
	Free, Capacity int
}
