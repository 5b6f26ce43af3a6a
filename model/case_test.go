package model

import (
	"testing"
	"time"
)

// Every pair of statuses: exactly the moves of the closed loop are allowed.
func TestCanMoveReferral(t *testing.T) {
	allowed := map[[2]ReferralStatus]bool{
		{ReferralStatusSent, ReferralStatusReceived}: true, {ReferralStatusSent, ReferralStatusCancelled}: true,
		{ReferralStatusReceived, ReferralStatusAccepted}: true, {ReferralStatusReceived, ReferralStatusRefused}: true,
		{ReferralStatusReceived, ReferralStatusCancelled}: true, {ReferralStatusAccepted, ReferralStatusInProgress}: true,
		{ReferralStatusAccepted, ReferralStatusCancelled}: true, {ReferralStatusAccepted, ReferralStatusOnHold}: true,
		{ReferralStatusOnHold, ReferralStatusInProgress}: true, {ReferralStatusOnHold, ReferralStatusFailed}: true,
		{ReferralStatusOnHold, ReferralStatusCancelled}: true, {ReferralStatusInProgress, ReferralStatusCompleted}: true,
		{ReferralStatusInProgress, ReferralStatusFailed}: true, {ReferralStatusInProgress, ReferralStatusCancelled}: true,
	}
	if len(AllReferralStatus) != 9 {
		t.Fatalf("the lifecycle has 9 statuses, ON_HOLD among them: %v", AllReferralStatus)
	}
	for _, from := range AllReferralStatus {
		for _, to := range AllReferralStatus {
			if got := CanMoveReferral(from, to); got != allowed[[2]ReferralStatus{from, to}] {
				t.Errorf("%s -> %s: %v", from, to, got)
			}
		}
	}
}

// A refusal names a reason of the closed set; OTHER, or no code, says why in words.
func TestRefusalReasonNeedsText(t *testing.T) {
	text := "posti esauriti"
	for _, c := range []struct {
		reason *RefusalReason
		note   *string
		want   RefusalReason
		ok     bool
	}{
		{ptr(RefusalReasonNoPlaces), nil, RefusalReasonNoPlaces, true},
		{ptr(RefusalReasonNoPlaces), &text, RefusalReasonNoPlaces, true},
		{ptr(RefusalReasonOther), nil, "", false},
		{ptr(RefusalReasonOther), &text, RefusalReasonOther, true},
		{nil, &text, RefusalReasonOther, true},
		{nil, nil, "", false},
		{ptr(RefusalReason("BORED")), &text, "", false},
	} {
		got, ok := RefusalOf(c.reason, c.note)
		if ok != c.ok || got != c.want {
			t.Errorf("%v %v: %s %v, want %s %v", c.reason, c.note, got, ok, c.want, c.ok)
		}
	}
}

func TestCanMoveIntervention(t *testing.T) {
	allowed := map[[2]InterventionStatus]bool{
		{InterventionStatusPlanned, InterventionStatusActive}: true, {InterventionStatusPlanned, InterventionStatusStopped}: true,
		{InterventionStatusActive, InterventionStatusDone}: true, {InterventionStatusActive, InterventionStatusStopped}: true,
	}
	for _, from := range AllInterventionStatus {
		for _, to := range AllInterventionStatus {
			if got := CanMoveIntervention(from, to); got != allowed[[2]InterventionStatus{from, to}] {
				t.Errorf("%s -> %s: %v", from, to, got)
			}
		}
	}
}

func TestCanMoveStage(t *testing.T) {
	s1 := &Stage{Code: "2c", Position: 4}
	s2 := &Stage{Code: "2d", Position: 5, AllowedBack: []string{"2c"}}
	s0 := &Stage{Code: "1", Position: 1}
	for _, c := range []struct {
		from, to *Stage
		ok       bool
	}{{s1, s2, true}, {s2, s1, true}, {s2, s0, false}, {s1, s0, false}, {s0, s2, true}} {
		if got := CanMoveStage(c.from, c.to); got != c.ok {
			t.Errorf("%s -> %s: %v", c.from.Code, c.to.Code, got)
		}
	}
}

func TestOverdue(t *testing.T) {
	days := 730
	opened := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c := &Case{Status: CaseStatusOpen, OpenedAt: opened, MaxDurationDays: &days}
	if c.OverdueAt(opened.AddDate(1, 11, 0)) || !c.OverdueAt(opened.AddDate(2, 0, 2)) {
		t.Error("a SIL case is overdue after two years, not before")
	}
	c.Status = CaseStatusClosed
	if c.OverdueAt(opened.AddDate(3, 0, 0)) {
		t.Error("a closed case is never overdue")
	}
	c.Status, c.MaxDurationDays = CaseStatusOpen, nil
	if c.OverdueAt(opened.AddDate(10, 0, 0)) {
		t.Error("a model without a limit makes no case overdue")
	}
}
