package model

import (
	"reflect"
	"testing"
	"time"
)

// TestIndicatorRows: counts as published, figures as published or "withheld" when not,
// breakdowns in their order, and the places series one row per week end, free and capacity.
func TestIndicatorRows(t *testing.T) {
	rate, days := 0.8, 7.0
	tooFew := WithheldReasonTooFew
	week := time.Date(2026, 7, 5, 23, 59, 59, 0, time.UTC)
	in := &Indicators{Period: "2026-Q3", CasesOpened: 12, CasesInCharge: 5, CasesClosed: 0,
		Outcomes: []*BreakdownCount{{Key: "DROPPED_OUT", Count: 5}, {Key: "INCLUDED", Count: 6}}, Referrals: []*BreakdownCount{{Key: "SENT", Count: 9}},
		AcceptanceRate: &Figure{Value: &rate}, MedianDaysToTakingCharge: &Figure{Withheld: &tooFew},
		InterventionsByCategory: []*BreakdownCount{{Key: "lavoro", Count: 5}},
		ShelterPlacesFree:       4, ShelterCapacity: 10,
		ShelterPlacesOverTime: []*PlacesPoint{{At: week, Free: 2, Capacity: 10}, {At: week.AddDate(0, 0, 7), Free: 4, Capacity: 10}},
		OverdueCases:          0, NeedsWithoutService: []string{"a", "b"}}
	want := [][2]string{
		{"period", "2026-Q3"}, {"cases_opened", "12"}, {"cases_in_charge", "5"}, {"cases_closed", "0"},
		{"cases_closed_DROPPED_OUT", "5"}, {"cases_closed_INCLUDED", "6"}, {"referrals_SENT", "9"},
		{"acceptance_rate", "0.8"}, {"median_days_to_taking_charge", "withheld"}, {"interventions_lavoro", "5"},
		{"shelter_places_free", "4"}, {"shelter_capacity", "10"},
		{"shelter_places_free_2026-07-05", "2"}, {"shelter_capacity_2026-07-05", "10"},
		{"shelter_places_free_2026-07-12", "4"}, {"shelter_capacity_2026-07-12", "10"},
		{"overdue_cases", "0"}, {"needs_without_service", "2"},
	}
	if got := in.Rows(); !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
	_ = days
}
