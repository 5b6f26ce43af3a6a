package model

import (
	"slices"
	"strconv"
	"time"
)

// Indicators are a zone's monitoring figures for a period, as published: counts about people
// perturbed, derived figures over large enough groups only (see the disclosure package); the
// places and the services are the directory's, exact.
type Indicators struct {
	ZoneID                   string
	Period                   string
	CasesOpened              int
	CasesInCharge            int
	CasesClosed              int
	Outcomes                 []*BreakdownCount
	Referrals                []*BreakdownCount
	AcceptanceRate           *Figure
	MedianDaysToTakingCharge *Figure
	InterventionsByCategory  []*BreakdownCount
	ShelterPlacesFree        int
	ShelterCapacity          int
	ShelterPlacesOverTime    []*PlacesPoint
	OverdueCases             int
	NeedsWithoutService      []string
	CasesByExploitation      []*BreakdownCount
	Activity                 []*ActivityCount
	Targets                  []*TargetProgress
	Context                  []*ZoneContextValue
}

// Rows are the indicators as (indicator, value) pairs for a report; a figure not published is
// written "withheld".
func (in *Indicators) Rows() [][2]string {
	count := strconv.Itoa
	figure := func(f *Figure) string {
		if f == nil || f.Value == nil {
			return "withheld"
		}
		return strconv.FormatFloat(*f.Value, 'f', -1, 64)
	}
	rows := [][2]string{
		{"period", in.Period},
		{"cases_opened", count(in.CasesOpened)},
		{"cases_in_charge", count(in.CasesInCharge)},
		{"cases_closed", count(in.CasesClosed)},
	}
	for _, b := range in.Outcomes {
		rows = append(rows, [2]string{"cases_closed_" + b.Key, count(b.Count)})
	}
	for _, b := range in.Referrals {
		rows = append(rows, [2]string{"referrals_" + b.Key, count(b.Count)})
	}
	rows = append(rows, [2]string{"acceptance_rate", figure(in.AcceptanceRate)},
		[2]string{"median_days_to_taking_charge", figure(in.MedianDaysToTakingCharge)})
	for _, b := range in.InterventionsByCategory {
		rows = append(rows, [2]string{"interventions_" + b.Key, count(b.Count)})
	}
	rows = append(rows, [2]string{"shelter_places_free", strconv.Itoa(in.ShelterPlacesFree)},
		[2]string{"shelter_capacity", strconv.Itoa(in.ShelterCapacity)})
	// Emergency places over time: free and capacity at the end of each week of the period.
	for _, p := range in.ShelterPlacesOverTime {
		day := p.At.Format("2006-01-02")
		rows = append(rows, [2]string{"shelter_places_free_" + day, strconv.Itoa(p.Free)},
			[2]string{"shelter_capacity_" + day, strconv.Itoa(p.Capacity)})
	}
	rows = append(rows, [2]string{"overdue_cases", count(in.OverdueCases)},
		[2]string{"needs_without_service", strconv.Itoa(len(in.NeedsWithoutService))})
	for _, b := range in.CasesByExploitation {
		rows = append(rows, [2]string{"cases_opened_exploitation_" + b.Key, count(b.Count)})
	}
	// Outreach without cases: every kind, then its breakdowns by kind of exploitation.
	for _, a := range in.Activity {
		rows = append(rows, [2]string{"activity_" + string(a.Kind), count(a.Count)})
		for _, b := range a.Exploitation {
			rows = append(rows, [2]string{"activity_" + string(a.Kind) + "_exploitation_" + b.Key, count(b.Count)})
		}
	}
	// The zone's context, exact: value, year and source of each indicator.
	for _, v := range in.Context {
		name := "context_" + string(v.Indicator)
		rows = append(rows, [2]string{name, strconv.FormatFloat(v.Value, 'f', -1, 64)}, [2]string{name + "_year", strconv.Itoa(v.Year)},
			[2]string{name + "_source", v.Source})
	}
	// Targets against achieved, each named by its position: target_1_... in the order listed.
	for i, t := range in.Targets {
		name := "target_" + strconv.Itoa(i+1) + "_"
		rows = append(rows, [2]string{name + "description", t.Target.Description}, [2]string{name + "measure", string(t.Target.Measure)},
			[2]string{name + "span", t.Target.From.String() + ".." + t.Target.To.String()}, [2]string{name + "months", t.Months},
			[2]string{name + "count", count(t.Target.Count)}, [2]string{name + "achieved", count(t.Achieved)})
	}
	return rows
}

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

// PlacesPoint is the places at a point in time.
type PlacesPoint struct {
	At             time.Time
	Free, Capacity int
}
