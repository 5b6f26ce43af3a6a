// Package seed holds the demo network of Snodo, drawn from the source documents, and loads it.
//
// The directory is data: the embedded HSDS dataset in data/, which Load imports through the
// same importer as any user's dataset (hsds.ImportFiles), with its checks. The case history and
// the documents' figures are made in Go, over records that name each other by stable keys; ID
// turns a key into the record's deterministic ID, so loading twice writes no duplicates.
package seed

import (
	"time"

	"snodo/hsds"
	"snodo/model"
)

// Network is the whole demo network. Its directory (zones to routes) is read from the embedded
// HSDS dataset (dataset.go), whose files Directory holds for Load to import; the rest is made in
// Go: the generated case history and the documents' figures.
type Network struct {
	// Directory are the dataset's files, which Load imports through the HSDS importer.
	Directory    []hsds.File
	Zones        []Zone
	Needs        []Need
	Categories   []Category
	Actors       []Actor
	Services     []Service
	Partnerships []Partnership
	// PathwayModels are the networks' pathway models, Routes the designed referral paths, and
	// Cases a generated case history that follows them.
	PathwayModels []PathwayModel
	Routes        []Route
	Cases         []Case
	// ReportedCases are cases the source documents count (ConTratTo's helpline cases), beside
	// the generated history; Activities, Context and Targets the documents' other figures
	// (figures.go).
	ReportedCases []Case
	Activities    []Activity
	Context       []ContextValue
	Targets       []Target
}

// Zone is a territory; Parents are the keys of the zones it lies in directly.
type Zone struct {
	Key       string
	Name      string
	Kind      model.ZoneKind
	IstatCode string
	Parents   []string
}

// Need is a need area; its Code is its key, dotted from broad to narrow.
type Need struct {
	Code    string
	LabelIt string
	LabelEn string
	Broader string // code of the broader need, "" for a top-level area
}

// Category is a category of the service catalogue; its Code is its key.
type Category struct {
	Code    string
	LabelIt string
	LabelEn string
	Broader string
}

// Actor is an organisation; Zones and Parent are keys.
type Actor struct {
	Key      string
	Name     string
	Kind     model.ActorKind
	Location *Point // nil when the dataset gives none
	Zones    []string
	Parent   string
}

// Service is what an actor offers; Provider, Category, Needs and Zones are keys.
type Service struct {
	Key        string
	Provider   string
	Name       string
	Category   string
	Channel    model.ServiceChannel
	Status     model.ServiceStatus
	Capacity   int // 0 means the service has no places
	FreePlaces int
	// Confidential marks a protected shelter, whose address, hours and places only the
	// network's roles see.
	Confidential bool
	Location     *Point // nil when the dataset gives none
	Needs        []string
	Zones        []string
}

// Partnership is an agreement or joint body; Zones, Parent and member actors are keys.
type Partnership struct {
	Key     string
	Title   string
	Kind    model.PartnershipKind
	Status  model.PartnershipStatus
	Zones   []string
	Parent  string
	Members []Member
}

// Member is an actor's membership of a partnership, by actor key.
type Member struct {
	Actor string
	Role  model.MemberRole
	Since string // YYYY-MM-DD or ""
}

// PathwayModel is the ordered phases a network follows; its Key names it. Stages are in order.
type PathwayModel struct {
	Key             string
	Name            string
	Description     string
	MaxDurationDays int // 0 means no limit
	Stages          []Stage
}

// Stage is a phase of a pathway model; its Code is its key within the model, and AllowedBack
// the codes of the earlier stages a case may go back to from it.
type Stage struct {
	Code        string
	Name        string
	AllowedBack []string
}

// The kinds of a route's end.
const (
	EndActor   = "Actor"
	EndService = "Service"
)

// End is an end of a route or a referral: an actor or a service, by key.
type End struct {
	Kind string // EndActor or EndService
	Key  string
}

// Route is a designed referral path: who sends whom to whom, for which needs, in which stage
// of which model, with which instrument, under which partnership. Needs, Model, Stage and
// Partnership are keys; Stage is a stage code of Model, and "" means none.
type Route struct {
	Key         string
	From, To    End
	Needs       []string
	Model       string
	Stage       string
	Instrument  string
	Partnership string
}

// Case is one person's generated path through the network, pseudonymous: the Code is its key.
// Zone, Needs, Model and ManagingActor are keys; Stage is the code of the stage it is at.
// Events are every change of the case in time order, as the store records them.
type Case struct {
	Code          string
	Zone          string
	Needs         []string
	Model         string
	Stage         string
	ManagingActor string
	CaseManager   string // the subject of the case manager's token
	Employability string // "" when not graded
	Status        string // OPEN or CLOSED
	Outcome       string // a CaseOutcome when closed
	OpenedAt      time.Time
	ClosedAt      time.Time // zero while open
	UpdatedAt     time.Time // the last stage move or the closing, as the store keeps it
	Version       int
	PlanCreatedAt time.Time // zero when the case has no plan
	PlanCreatedBy string
	Exploitation  string // an ExploitationKind, "" where none applies
	Project       string // the key of the funding project, "" when none
	Referrals     []Referral
	Interventions []Intervention
	Events        []CaseEvent
}

// Referral is one hand-over of a case from its managing actor, with its status history; the
// first change is SENT. Key is unique within the case.
type Referral struct {
	Key      string
	To       End
	Need     string
	OffRoute bool
	History  []ReferralChange
}

// ReferralChange is a move of a referral: its new status, when, by whom, and the note (the
// reason of a refusal, the outcome of a completion).
type ReferralChange struct {
	Status string
	At     time.Time
	By     string
	Note   string
}

// Intervention is a need of a case's plan met by a service; Key is unique within the case.
type Intervention struct {
	Key       string
	Need      string
	Service   string
	Status    string // an InterventionStatus
	StartDate time.Time
	EndDate   time.Time // zero when open-ended
	AddedAt   time.Time
	AddedBy   string
}

// CaseEvent is one entry of a case's log, as the store appends it: Stage is a stage code,
// Referral a referral key, Actors and Services keys.
type CaseEvent struct {
	Key      string
	At       time.Time
	Kind     string // a TraceEventKind
	By       string
	Summary  string
	Stage    string
	Referral string
	Status   string
	Note     string
	Actors   []string
	Services []string
}
