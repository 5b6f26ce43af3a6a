package seed

import "slices"

// Demo returns the demo network: the Tuscan networks of COMMIT, TEAMS and the anti-trafficking
// system over ISTAT's zones of Tuscany, and the Lombard network of InLav and the SIL of Sesto
// San Giovanni, with the three pathway models, their designed routes (the directory, from the
// embedded dataset), and a history of DemoCaseCount synthetic cases generated from DemoCaseSeed
// (a few milliseconds; loading them takes a few seconds). The slices are copies, so a caller
// may reorder or extend them without changing the next Demo.
func Demo() Network {
	n := Network{
		Directory:     DatasetFiles(),
		Zones:         slices.Clone(directory.Zones),
		Needs:         slices.Clone(directory.Needs),
		Categories:    slices.Clone(directory.Categories),
		Actors:        slices.Clone(directory.Actors),
		Services:      slices.Clone(directory.Services),
		Partnerships:  slices.Clone(directory.Partnerships),
		PathwayModels: slices.Clone(directory.PathwayModels),
		Routes:        slices.Clone(directory.Routes),
	}
	n.Cases = Cases(n, DemoCaseCount, DemoCaseSeed)
	return withFigures(n)
}
