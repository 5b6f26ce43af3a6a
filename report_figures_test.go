package main

import (
	"strconv"
	"testing"

	"snodo/disclosure"
	"snodo/relay"
	"snodo/seed"
)

// The figures of the source documents come back from the demo network's data: ConTratTo's
// first half of 2012 (004) and TEAMS's CoeSo zone context and targets (003).
func TestReportGivesTheSeedsFigures(t *testing.T) {
	e, pub, read := demoReports(t)

	// ConTratTo, January-June 2012, Tuscany: the data controller's exact report gives the press
	// release's figures.
	exact := read(reportFlags{zone: "09", period: "2012-H1", exact: true, by: "dpo-regione"})
	for k, want := range map[string]string{
		"cases_opened": "37", "cases_opened_exploitation_SEXUAL": "28", "cases_opened_exploitation_LABOUR": "5", "cases_opened_exploitation_BEGGING": "4",
		"activity_CONTACT": "2651", "activity_INTERVIEW": "89", "activity_EMERGENCY_RECEPTION": "27",
		"activity_PROTECTION_PROGRAMME_START": "63", "activity_ACCOMPANIMENT": "124", "activity_HELPLINE_CALL": "0",
	} {
		if exact[k] != want {
			t.Errorf("ConTratTo 2012-H1, %s: %q, want %s", k, exact[k], want)
		}
	}
	// The published report perturbs them as cells: each activity record's count within the
	// noise of its true value, as the record's key fixes it.
	published := read(reportFlags{zone: "09", period: "2012-H1"})
	keys := map[string]int64{}
	for _, r := range e.Query(t, "MATCH (a:Activity) RETURN a.kind, a.recordKey", nil) {
		keys[r.Values[0].(string)] = r.Values[1].(int64)
	}
	for kind, n := range map[string]int{"CONTACT": 2651, "INTERVIEW": 89, "EMERGENCY_RECEPTION": 27, "PROTECTION_PROGRAMME_START": 63, "ACCOMPANIMENT": 124} {
		got, _ := strconv.Atoi(published["activity_"+kind])
		want := pub.Count(disclosure.Cell{N: n, KeySum: keys[kind]})
		if got != want || got < n-disclosure.Defaults.MaxNoise || got > n+disclosure.Defaults.MaxNoise {
			t.Errorf("published %s: %d, want %d (%d within %d)", kind, got, want, n, disclosure.Defaults.MaxNoise)
		}
	}
	if got, _ := strconv.Atoi(published["cases_opened_exploitation_SEXUAL"]); got < 25 || got > 31 {
		t.Errorf("published sexual exploitation cases: %d, want 28 within 3", got)
	}

	// TEAMS, the CoeSo zone: its context as the plan gives it, and the target of 60 takings in
	// charge through the second-level PUA against what the demo's data achieved in 2019 (no
	// demo case is funded by TEAMS: 0).
	coeso := relay.GlobalID("Zone", seed.ID("Zone", "sd-coeso"))
	teams := read(reportFlags{zone: coeso, period: "2019", exact: true, by: "dpo-regione"})
	for k, want := range map[string]string{
		"context_FOREIGN_RESIDENTS": "18598", "context_FOREIGN_RESIDENTS_SHARE": "10.8", "context_UNEMPLOYMENT_RATE": "22.9",
		"context_FOREIGN_UNEMPLOYMENT_RATE": "45.9", "context_UNEMPLOYMENT_RATE_COMPARED": "28",
		"context_SOCIAL_RECORDS_OPEN": "2341", "context_SOCIAL_RECORDS_OPEN_FOREIGNERS": "363", "context_FOREIGN_RESIDENTS_year": "2018",
		"target_1_count": "60", "target_1_measure": "CASES_TAKEN_IN_CHARGE", "target_1_span": "2018-10-02..2020-12-31",
		"target_1_months": "2019-01..2019-12", "target_1_achieved": "0", "target_1_description": "prese in carico attraverso il PUA di II livello",
	} {
		if teams[k] != want {
			t.Errorf("TEAMS CoeSo 2019, %s: %q, want %s", k, teams[k], want)
		}
	}
	if _, ok := teams["target_2_count"]; ok {
		t.Errorf("the region-wide target is not the zone's: %v", teams)
	}
	// The region holds both targets; the 1,150 third-country nationals are counted region-wide.
	region := read(reportFlags{zone: "09", period: "2020", exact: true, by: "dpo-regione"})
	counts := map[string]bool{region["target_1_count"]: true, region["target_2_count"]: true}
	if !counts["60"] || !counts["1150"] || region["context_FOREIGN_RESIDENTS"] != "" {
		t.Errorf("Tuscany 2020: targets %v, context %q", counts, region["context_FOREIGN_RESIDENTS"])
	}
	// Before the plan's year the zone has no context.
	if early := read(reportFlags{zone: coeso, period: "2017", exact: true, by: "dpo-regione"}); early["context_FOREIGN_RESIDENTS"] != "" || early["target_1_count"] != "" {
		t.Errorf("2017: %v", early)
	}
}
