package disclosure

import (
	"slices"
	"strings"
	"time"

	"snodo/analysis"
	"snodo/model"
)

// CaseCountTally is what the data layer counts of one zone's cases for caseCounts.
type CaseCountTally struct {
	ZoneID                                         string
	Open, Included, Transferred, DroppedOut, Other Cell
}

// CaseCounts publishes a table of case counts: each cell perturbed, each row's total and the
// column totals perturbed as cells of their own, so that subtracting published parts from a
// published total gives noise, not a hidden cell.
func (pub *Publisher) CaseCounts(period model.Period, rows []CaseCountTally) *model.CaseCounts {
	out := &model.CaseCounts{Period: period.String(), Threshold: pub.params.Threshold, MaxNoise: pub.params.MaxNoise}
	if pub.exact {
		out.Threshold, out.MaxNoise = 1, 0
	}
	var sum CaseCountTally
	publish := func(t CaseCountTally) *model.CaseCountRow {
		total := t.Open.Plus(t.Included).Plus(t.Transferred).Plus(t.DroppedOut).Plus(t.Other)
		return &model.CaseCountRow{ZoneID: t.ZoneID, Open: pub.Count(t.Open), Included: pub.Count(t.Included),
			Transferred: pub.Count(t.Transferred), DroppedOut: pub.Count(t.DroppedOut), Other: pub.Count(t.Other), Total: pub.Count(total)}
	}
	for _, t := range rows {
		out.Rows = append(out.Rows, publish(t))
		sum.Open, sum.Included, sum.Transferred = sum.Open.Plus(t.Open), sum.Included.Plus(t.Included), sum.Transferred.Plus(t.Transferred)
		sum.DroppedOut, sum.Other = sum.DroppedOut.Plus(t.DroppedOut), sum.Other.Plus(t.Other)
	}
	out.Rows = append(out.Rows, publish(sum))
	return out
}

// IndicatorsTally is what the data layer measures of a zone in a period for its indicators.
type IndicatorsTally struct {
	ZoneID                            string
	Period                            model.Period
	Opened, InCharge, Closed, Overdue Cell
	// Outcomes of the cases closed, statuses of the referrals sent and categories of the
	// interventions started in the period, by key.
	Outcomes, Referrals, Interventions map[string]Cell
	// Accepted and Refused are the referrals sent in the period that were accepted, and refused
	// without acceptance: the answered ones.
	Accepted, Refused Cell
	// DaysToTakingCharge are, of the cases opened in the period, the days to their first
	// accepted referral.
	DaysToTakingCharge []float64
	// The directory's figures, published as they are: places are not people.
	ShelterPlacesFree, ShelterCapacity int
	ShelterPlacesOverTime              []*model.PlacesPoint
	NeedsWithoutService                []string
	// Exploitation are the cases opened in the period by kind of exploitation; Activity the
	// activity records of the period by kind; Targets the targets met by the period.
	Exploitation map[string]Cell
	Activity     []ActivityTally
	Targets      []TargetTally
	// Context is the zone's context, published as entered: statistics about the territory.
	Context []*model.ZoneContextValue
}

// Indicators publishes a zone's indicators: each count a cell of its own, the rate from the
// published counts, the median over enough cases only.
func (pub *Publisher) Indicators(t IndicatorsTally) *model.Indicators {
	return &model.Indicators{
		ZoneID: t.ZoneID, Period: t.Period.String(),
		CasesOpened: pub.Count(t.Opened), CasesInCharge: pub.Count(t.InCharge), CasesClosed: pub.Count(t.Closed),
		OverdueCases: pub.Count(t.Overdue),
		Outcomes:     pub.breakdown(t.Outcomes), Referrals: pub.breakdown(t.Referrals), InterventionsByCategory: pub.breakdown(t.Interventions),
		AcceptanceRate:           pub.Ratio(t.Accepted, t.Refused),
		MedianDaysToTakingCharge: pub.Days(t.DaysToTakingCharge, 50),
		ShelterPlacesFree:        t.ShelterPlacesFree, ShelterCapacity: t.ShelterCapacity,
		ShelterPlacesOverTime: t.ShelterPlacesOverTime, NeedsWithoutService: t.NeedsWithoutService,
		CasesByExploitation: pub.breakdown(t.Exploitation), Activity: pub.Activity(t.Activity), Targets: pub.Targets(t.Targets),
		Context: t.Context,
	}
}

// breakdown publishes the counts of a breakdown by key; a key whose published count is 0 is
// left out, so the keys listed tell nothing the counts do not.
func (pub *Publisher) breakdown(cells map[string]Cell) []*model.BreakdownCount {
	keys := make([]string, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := []*model.BreakdownCount{}
	for _, k := range keys {
		if n := pub.Count(cells[k]); n > 0 {
			out = append(out, &model.BreakdownCount{Key: k, Count: n})
		}
	}
	return out
}

// FlowTally is what the data layer counts of the referrals between two ends.
type FlowTally struct {
	// From and To name the ends (an actor's or service's name, or a kind); FromID and ToID are
	// their global IDs, empty when rolled up to kinds.
	From, To, FromID, ToID                       string
	Sent, Accepted, Refused, Completed, OffRoute Cell
	DaysToAccept, DaysToComplete                 []float64
}

// TopFlows keeps the flows that may be listed (at least the threshold of referrals) and returns
// the first of them by published referrals sent, then by name. fetch returns up to limit
// flows of at least min referrals, most referrals (true) first; TopFlows asks for more until
// no flow left out could rank among the first by its published count.
func (pub *Publisher) TopFlows(first int, fetch func(limit, min int) ([]FlowTally, error)) ([]*model.ReferralFlow, error) {
	least := pub.params.Threshold
	if pub.exact {
		least = 1
	}
	limit := first + 16
	for {
		flows, err := fetch(limit, least)
		if err != nil {
			return nil, err
		}
		Rank(flows, func(f FlowTally) int { return pub.Count(f.Sent) }, func(f FlowTally) string { return f.From + "\x00" + f.To })
		enough := len(flows) < limit
		if !enough {
			// A flow left out has at most as many referrals as the fewest fetched, and so a
			// published count at most that plus the noise.
			fewest := flows[0].Sent.N
			for _, f := range flows {
				fewest = min(fewest, f.Sent.N)
			}
			enough = len(flows) > first && pub.Count(flows[first-1].Sent) > fewest+pub.params.MaxNoise
		}
		if enough {
			out := make([]*model.ReferralFlow, 0, min(first, len(flows)))
			for _, f := range flows[:min(first, len(flows))] {
				out = append(out, pub.flow(f))
			}
			return out, nil
		}
		limit *= 4
	}
}

func (pub *Publisher) flow(f FlowTally) *model.ReferralFlow {
	rf := &model.ReferralFlow{From: f.From, To: f.To,
		Sent: pub.Count(f.Sent), Accepted: pub.Count(f.Accepted), Refused: pub.Count(f.Refused),
		Completed: pub.Count(f.Completed), OffRoute: pub.Count(f.OffRoute),
		AcceptanceRate:     pub.Ratio(f.Accepted, f.Refused),
		MedianDaysToAccept: pub.Days(f.DaysToAccept, 50), P90DaysToAccept: pub.Days(f.DaysToAccept, 90),
		MedianDaysToComplete: pub.Days(f.DaysToComplete, 50), P90DaysToComplete: pub.Days(f.DaysToComplete, 90),
	}
	if f.FromID != "" {
		rf.FromID, rf.ToID = &f.FromID, &f.ToID
	}
	return rf
}

// SequenceTally is a path cases took: its steps and the cases that took it.
type SequenceTally struct {
	Steps []string
	Cases Cell
}

// StageTally is what the data layer measures of a stage: the cases that reached it, those that
// dropped out at it, and the days cases dwelt in it.
type StageTally struct {
	Reached, DropOuts Cell
	DwellDays         []float64
}

// PathwaysTally is what the data layer measures of the walks of a model's cases.
type PathwaysTally struct {
	Cases              Cell
	StageSequences     []SequenceTally
	ActorKindSequences []SequenceTally
	Stages             []*model.Stage
	StageFigures       []StageTally
}

// Walks measures the walks of cases through a model's stages, up to end.
func Walks(walks []analysis.CaseWalk, stages []*model.Stage, end time.Time) PathwaysTally {
	codes := make([]string, len(stages))
	for i, s := range stages {
		codes[i] = s.Code
	}
	seqs, kinds, figures := analysis.Pathways(walks, codes, end)
	t := PathwaysTally{Stages: stages, StageSequences: sequenceTallies(seqs), ActorKindSequences: sequenceTallies(kinds)}
	for _, w := range walks {
		t.Cases = t.Cases.Plus(Cell{N: 1, KeySum: w.Key})
	}
	for _, f := range figures {
		t.StageFigures = append(t.StageFigures, StageTally{Reached: Cell{N: f.Reached, KeySum: f.ReachedKeys},
			DropOuts: Cell{N: f.DropOuts, KeySum: f.DropOutKeys}, DwellDays: f.DwellDays})
	}
	return t
}

func sequenceTallies(ss []analysis.Sequence) []SequenceTally {
	out := make([]SequenceTally, len(ss))
	for i, s := range ss {
		out[i] = SequenceTally{Steps: s.Steps, Cases: Cell{N: s.Cases, KeySum: s.Keys}}
	}
	return out
}

// Pathways publishes the pathways taken: sequences listed only when the threshold of cases
// took them, at most limit of each, by published count then steps; stage counts perturbed,
// dwell medians over enough cases only.
func (pub *Publisher) Pathways(t PathwaysTally, limit int) *model.PathwaysTaken {
	sequences := func(ss []SequenceTally) []*model.PathSequence {
		var kept []SequenceTally
		for _, s := range ss {
			if pub.Listed(s.Cases) {
				kept = append(kept, s)
			}
		}
		Rank(kept, func(s SequenceTally) int { return pub.Count(s.Cases) }, func(s SequenceTally) string { return strings.Join(s.Steps, "\x00") })
		out := []*model.PathSequence{}
		for _, s := range kept[:min(limit, len(kept))] {
			out = append(out, &model.PathSequence{Steps: s.Steps, Cases: pub.Count(s.Cases)})
		}
		return out
	}
	out := &model.PathwaysTaken{Cases: pub.Count(t.Cases), StageSequences: sequences(t.StageSequences), ActorKindSequences: sequences(t.ActorKindSequences)}
	for i, st := range t.Stages {
		f := t.StageFigures[i]
		out.Stages = append(out.Stages, &model.StageFunnel{Stage: st, Reached: pub.Count(f.Reached), DropOuts: pub.Count(f.DropOuts),
			MedianDwellDays: pub.Days(f.DwellDays, 50)})
	}
	return out
}

// TieThreshold is the fewest referrals between two actors that tie them in the referral layer
// of the network.
func (pub *Publisher) TieThreshold() int {
	if pub.exact {
		return 1
	}
	return pub.params.Threshold
}
