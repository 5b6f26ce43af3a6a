package model

import "time"

// CaseChange is a change of a case or a referral as a subscription serves it: keys, which its
// fields resolve through the rule of who sees what.
type CaseChange struct {
	ID         string
	Kind       TraceEventKind
	At         time.Time
	CaseID     string
	ReferralID *string
	Status     *ReferralStatus
	StageID    *string
}
