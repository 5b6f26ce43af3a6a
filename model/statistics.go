package model

// Figure is a derived figure as published: its value, or why it is not published.
type Figure struct {
	Value    *float64
	Withheld *WithheldReason
}

// CaseCountRow is a zone's published case counts; ZoneID is empty for the totals.
type CaseCountRow struct {
	ZoneID      string
	Open        int
	Included    int
	Transferred int
	DroppedOut  int
	Other       int
	Total       int
}

// CaseCounts is a published table of case counts.
type CaseCounts struct {
	Period    string
	Rows      []*CaseCountRow
	Threshold int
	MaxNoise  int
}
