package model

// NetworkAnalysis is the measured network of actors, by actor key.
type NetworkAnalysis struct {
	// Period is the period the referral layer measured.
	Period               string
	ActorCount           int
	Ties                 int
	Links                []*NetworkLink
	Actors               []ActorCentralityRow
	Components           [][]string
	Isolated             []string
	ExpiringPartnerships []*Partnership
	// BetweennessSources and BetweennessExact say what betweenness was measured from: every
	// actor with a tie, or a sample on networks too large for that (analysis.BetweennessBudget).
	BetweennessSources int
	BetweennessExact   bool
}

// ActorCentralityRow is an actor's centrality, by key.
type ActorCentralityRow struct {
	ActorID     string
	Degree      int
	Betweenness float64
}

// NetworkComponent is a connected group of actors, by key.
type NetworkComponent struct {
	ActorIDs []string
}

// Size is how many actors the component holds.
func (c *NetworkComponent) Size() int { return len(c.ActorIDs) }

// NetworkLink is a tie between two actors of the network, by key, with the layers that tie
// them.
type NetworkLink struct {
	SourceID, TargetID string
	Layers             []NetworkLayer
}
