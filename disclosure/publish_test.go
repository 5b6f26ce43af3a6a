package disclosure

import (
	"context"
	"testing"
	"time"

	"snodo/auth"
	"snodo/model"
)

// ledger counts queries per subject and day, as the store does in Neo4j.
type ledger struct{ used map[string]int }

func (l *ledger) RecordAggregateQuery(_ context.Context, q Query) (int, error) {
	l.used[q.Subject+"/"+q.Day]++
	return l.used[q.Subject+"/"+q.Day], nil
}

func TestPeriodsMustHaveEnded(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	pub, err := New(Defaults, func() time.Time { return now }, &ledger{used: map[string]int{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"2026-Q3", "2026-11", "2025"} {
		if _, err := pub.Period(s); err != nil {
			t.Errorf("%s has ended: %v", s, err)
		}
	}
	for _, s := range []string{"2026-Q4", "2026-12", "2026", "2027-Q1"} {
		if _, err := pub.Period(s); model.ErrorCode(err) != CodePeriodNotEnded {
			t.Errorf("%s has not ended: %v", s, err)
		}
	}
	if _, err := pub.Period("2026-11-01T00:00:00Z"); model.ErrorCode(err) != model.CodeBadUserInput {
		t.Errorf("an instant is not a period: %v", err)
	}
}

func TestResearchersHaveADailyBudget(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	p := Defaults
	p.DailyBudget = 3
	l := &ledger{used: map[string]int{}}
	pub, err := New(p, func() time.Time { return now }, l)
	if err != nil {
		t.Fatal(err)
	}
	researcher := auth.WithViewer(context.Background(), auth.Viewer{Subject: "ada", Role: auth.Researcher})
	for i := range 3 {
		if err := pub.Spend(researcher, "caseCounts"); err != nil {
			t.Fatalf("query %d: %v", i+1, err)
		}
	}
	if err := pub.Spend(researcher, "caseCounts"); model.ErrorCode(err) != CodeBudgetExceeded {
		t.Errorf("the fourth query of the day: %v", err)
	}
	coordinator := auth.WithViewer(context.Background(), auth.Viewer{Subject: "maria", Role: auth.Coordinator})
	for range 5 {
		if err := pub.Spend(coordinator, "indicators"); err != nil {
			t.Errorf("coordinators are recorded, not limited: %v", err)
		}
	}
	if l.used["maria/2026-12-01"] != 5 {
		t.Errorf("every aggregate query is recorded: %v", l.used)
	}
	now = now.Add(24 * time.Hour) // a new day in Italy
	if err := pub.Spend(researcher, "caseCounts"); err != nil {
		t.Errorf("the budget renews the next day: %v", err)
	}
}

func TestOnlyPublishedLevels(t *testing.T) {
	custom, town := model.ZoneKindCustom, model.ZoneKindMunicipality
	if model.ErrorCode(Level(&custom)) != model.CodeBadUserInput || Level(&town) != nil || Level(nil) != nil {
		t.Error("custom areas are not a published level; municipalities are")
	}
}
