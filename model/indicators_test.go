package model

import (
	"reflect"
	"testing"
	"time"
)

// TestIndicatorRows: counts under the threshold are written "withheld", rates with two
// decimals, outcomes and referral statuses in key order, and the places series one row per
// week end, free and capacity.
func TestIndicatorRows(t *testing.T) {
	rate, days := 0.8, 7.25
	week := time.Date(2026, 7, 5, 23, 59, 59, 0, time.UTC)
	in := &Indicators{Quarter: "2026-Q3", CasesOpened: 12, CasesInCharge: 3, CasesClosed: 0,
		Outcomes: map[string]int{"INCLUDED": 6, "DROPPED_OUT": 2}, Referrals: map[string]int{"SENT": 9},
		AcceptanceRate: &rate, MedianDaysToTakingCharge: &days, InterventionsByCategory: map[string]int{"lavoro": 5},
		ShelterPlacesFree: 4, ShelterCapacity: 10,
		ShelterPlacesOverTime: []*PlacesPoint{{At: week, Free: 2, Capacity: 10}, {At: week.AddDate(0, 0, 7), Free: 4, Capacity: 10}},
		OverdueCases:          1, NeedsWithoutService: []string{"a", "b"}, Threshold: 5}
	want := [][2]string{
		{"quarter", "2026-Q3"}, {"cases_opened", "12"}, {"cases_in_charge", "withheld"}, {"cases_closed", "0"},
		{"cases_closed_DROPPED_OUT", "withheld"}, {"cases_closed_INCLUDED", "6"}, {"referrals_SENT", "9"},
		{"acceptance_rate", "0.80"}, {"median_days_to_taking_charge", "7.25"}, {"interventions_lavoro", "5"},
		{"shelter_places_free", "4"}, {"shelter_capacity", "10"},
		{"shelter_places_free_2026-07-05", "2"}, {"shelter_capacity_2026-07-05", "10"},
		{"shelter_places_free_2026-07-12", "4"}, {"shelter_capacity_2026-07-12", "10"},
		{"overdue_cases", "withheld"}, {"needs_without_service", "2"},
	}
	if got := in.Rows(); !reflect.DeepEqual(got, want) {
		t.Errorf("rows:\n got %v\nwant %v", got, want)
	}
}
