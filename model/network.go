package model

// NetworkAnalysis is the measured network of actors, by actor key.
type NetworkAnalysis struct {
	ActorCount           int
	Ties                 int
	Actors               []ActorCentralityRow
	Components           [][]string
	Isolated             []string
	ExpiringPartnerships []*Partnership
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
