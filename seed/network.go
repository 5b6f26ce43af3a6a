package seed

import "slices"

// Demo returns the demo network: the Tuscan networks of COMMIT, TEAMS and the anti-trafficking
// system, and the Lombard network of InLav and the SIL of Sesto San Giovanni, with the three
// pathway models, their designed routes, and a history of DemoCaseCount synthetic cases
// generated from DemoCaseSeed (a few milliseconds; loading them takes a few seconds). The
// slices are copies, so a caller may reorder or extend them without changing the next Demo.
func Demo() Network {
	n := Network{
		Zones:         slices.Clone(zones),
		Needs:         slices.Clone(needs),
		Categories:    slices.Clone(categories),
		Actors:        slices.Clone(actors),
		Services:      slices.Clone(services),
		Partnerships:  slices.Clone(partnerships),
		PathwayModels: slices.Clone(pathwayModels),
		Routes:        slices.Clone(routes),
	}
	n.Cases = Cases(n, DemoCaseCount, DemoCaseSeed)
	return withLocations(withFigures(n))
}
