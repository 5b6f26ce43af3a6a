package model

import (
	"slices"
	"time"

	"snodo/relay"
)

// Case is one person's path through the network, pseudonymous.
type Case struct {
	ID              string
	Code            string
	Status          CaseStatus
	OpenedAt        time.Time
	ClosedAt        *time.Time
	Outcome         *CaseOutcome
	ZoneID          string
	ModelID         string
	StageID         string
	ManagingActorID string
	// CaseManager is nil in the recipient view.
	CaseManager   *string
	Employability *Employability
	Notes         *string
	// MaxDurationDays is the model's limit when the case was opened, to tell whether it is overdue.
	MaxDurationDays *int
	PlanCreatedAt   *time.Time
	PlanCreatedBy   string
	// Exploitation is the kind of exploitation, where it applies; ProjectID the key of the
	// project that funds the taking in charge, empty when none. The recipient view blanks them.
	Exploitation *ExploitationKind
	ProjectID    string
	// View is how much of the case the viewer sees; the store sets it, and blanks what the
	// view leaves out.
	View CaseView
	Meta
}

// GlobalID is the case's ID in the GraphQL API.
func (c *Case) GlobalID() string { return relay.GlobalID("Case", c.ID) }

// IsNode marks Case as a Node.
func (*Case) IsNode() {}

// Overdue reports whether the case is open longer than its model allows.
func (c *Case) Overdue() bool { return c.OverdueAt(time.Now()) }

// OverdueAt reports whether the case is open at now longer than its model allows.
func (c *Case) OverdueAt(now time.Time) bool {
	return c.Status == CaseStatusOpen && c.MaxDurationDays != nil &&
		now.Sub(c.OpenedAt) > time.Duration(*c.MaxDurationDays)*24*time.Hour
}

// Referral is one hand-over of a case.
type Referral struct {
	ID     string
	CaseID string
	FromID string // the key of the sending actor
	ToID   string // the global ID of the receiving service or actor
	NeedID string
	Status ReferralStatus
	SentAt time.Time
	// AcceptedAt and CompletedAt are when it first became ACCEPTED and COMPLETED; the research
	// queries read them rather than the case events.
	AcceptedAt  *time.Time
	CompletedAt *time.Time
	Reason      *string
	// RefusalReason is the coded reason of a refusal (Reason its text, required for OTHER).
	RefusalReason *RefusalReason
	// OnHoldAt is when the referral was first put on the waiting list; HoldEndedAt when it
	// last left it. The demand figures read them.
	OnHoldAt    *time.Time
	HoldEndedAt *time.Time
	Outcome     *string
	OffRoute    bool
	// Consent is the person's consent to the referral; nil for one recorded before consents.
	Consent *Consent
	Meta
}

// GlobalID is the referral's ID in the GraphQL API.
func (r *Referral) GlobalID() string { return relay.GlobalID("Referral", r.ID) }

// IsNode marks Referral as a Node.
func (*Referral) IsNode() {}

// ReferralChange is a change of a referral's status.
type ReferralChange struct {
	Status ReferralStatus
	At     time.Time
	By     string
	Note   *string
}

// Plan is a case's personalised intervention plan.
type Plan struct {
	CaseID    string
	CreatedAt time.Time
	CreatedBy string
}

// Intervention is a need of a plan met by a service.
type Intervention struct {
	ID        string
	CaseID    string
	NeedID    string
	ServiceID string
	Status    InterventionStatus
	StartDate *Date
	EndDate   *Date
}

// GlobalID is the intervention's ID in the GraphQL API.
func (i *Intervention) GlobalID() string { return relay.GlobalID("Intervention", i.ID) }

// IsNode marks Intervention as a Node.
func (*Intervention) IsNode() {}

// TraceEvent is one thing that happened to a case.
type TraceEvent struct {
	At         time.Time
	Kind       TraceEventKind
	By         string
	Summary    string
	StageID    *string
	ReferralID *string
	ActorIDs   []string
	ServiceIDs []string
	ZoneID     string
}

// CaseTrace is a case's events and graph.
type CaseTrace struct {
	Case   *Case
	Events []*TraceEvent
	Nodes  []*TraceNode
	Edges  []*TraceEdge
}

// Connections of cases and referrals.
type (
	CaseConnection     = Connection[*Case]
	CaseEdge           = Edge[*Case]
	ReferralConnection = Connection[*Referral]
	ReferralEdge       = Edge[*Referral]
)

// referralMoves are the moves of the closed loop: sent, received, accepted or refused, on the
// waiting list or straight in progress, then completed or failed; the sender may cancel until
// the end. A person on the waiting list starts when a place frees (in progress), or never does
// (failed).
var referralMoves = map[ReferralStatus][]ReferralStatus{
	ReferralStatusSent:       {ReferralStatusReceived, ReferralStatusCancelled},
	ReferralStatusReceived:   {ReferralStatusAccepted, ReferralStatusRefused, ReferralStatusCancelled},
	ReferralStatusAccepted:   {ReferralStatusOnHold, ReferralStatusInProgress, ReferralStatusCancelled},
	ReferralStatusOnHold:     {ReferralStatusInProgress, ReferralStatusFailed, ReferralStatusCancelled},
	ReferralStatusInProgress: {ReferralStatusCompleted, ReferralStatusFailed, ReferralStatusCancelled},
}

var interventionMoves = map[InterventionStatus][]InterventionStatus{
	InterventionStatusPlanned: {InterventionStatusActive, InterventionStatusStopped},
	InterventionStatusActive:  {InterventionStatusDone, InterventionStatusStopped},
}

// CanMoveIntervention reports whether an intervention may go from one status to another: a
// planned one starts or is dropped, an active one ends or stops, and an ended one stays so.
func CanMoveIntervention(from, to InterventionStatus) bool {
	return slices.Contains(interventionMoves[from], to)
}

// CanMoveReferral reports whether the lifecycle allows a referral to go from one status to another.
func CanMoveReferral(from, to ReferralStatus) bool {
	for _, s := range referralMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// ByRecipient reports whether a move to the status is the recipient's to make; cancelling is
// the sender's.
func ByRecipient(to ReferralStatus) bool { return to != ReferralStatusCancelled }

// CanMoveStage reports whether a case at stage from may move to stage to: forward always, back
// only to a stage the current one allows.
func CanMoveStage(from, to *Stage) bool {
	if to.Position > from.Position {
		return true
	}
	for _, code := range from.AllowedBack {
		if code == to.Code {
			return true
		}
	}
	return false
}

// RefusalOf is the coded reason of a refusal: the code given, OTHER when none is (the text
// then says why); false when the code is not of the closed set or OTHER comes without text.
func RefusalOf(reason *RefusalReason, note *string) (RefusalReason, bool) {
	hasText := note != nil && *note != ""
	if reason == nil {
		if !hasText {
			return "", false
		}
		return RefusalReasonOther, true
	}
	if !reason.IsValid() || *reason == RefusalReasonOther && !hasText {
		return "", false
	}
	return *reason, true
}
