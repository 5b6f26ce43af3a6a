package model

// Demand is demand beside supply in a zone for a period, as published.
type Demand struct {
	Period       string
	Rows         []*NeedDemand
	CoverageGaps []*NeedDemand
}

// NeedDemand is one zone's demand and supply for one need area, as published: the counts about
// people perturbed, the median wait over enough waits only, the services exact.
type NeedDemand struct {
	ZoneID, NeedID                            string
	OpenCases, ReferralsSent, RefusedNoPlaces int
	Waiting, Unmet                            int
	MedianWaitDays                            *Figure
	Full, Partial, WithFreePlaces             int
}

// ActivityRecord is one record of what a service's outreach did, counted.
type ActivityRecord struct {
	ID           string
	ServiceID    string
	ZoneID       string
	Kind         ActivityKind
	From, To     Date
	Count        int
	Exploitation *ExploitationKind
	Gender       *Gender
	AgeBand      *AgeBand
	RecordedBy   string
}

// ProjectTarget is a target of a project: how many of what, where, from when to when.
type ProjectTarget struct {
	ID          string
	ProjectID   string
	Description string
	Measure     TargetMeasure
	Count       int
	ZoneID      string
	From, To    Date
}
