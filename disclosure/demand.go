package disclosure

import (
	"snodo/model"
)

// NeedDemandTally is what the data layer measures of one zone's demand for one need area in a
// period, beside the directory's supply.
type NeedDemandTally struct {
	ZoneID, ZoneName, NeedID, NeedCode string
	// OpenCases and Unmet are cells of cases; ReferralsSent, RefusedNoPlaces and Waiting cells
	// of referrals.
	OpenCases, ReferralsSent, RefusedNoPlaces, Waiting, Unmet Cell
	// WaitDays are the days each referral waited on the list in the period.
	WaitDays []float64
	// The directory's services, published as they are: services are not people.
	Full, Partial, WithFreePlaces int
}

// Demand publishes demand beside supply: every count a cell of its own, the median wait over
// enough waits only, and the gaps ranked by their published unmet demand, then by zone name and
// need code, never by a true value that is not published. A row whose published unmet demand
// is 0 is no gap.
func (pub *Publisher) Demand(period model.Period, rows []NeedDemandTally) *model.Demand {
	out := &model.Demand{Period: period.String(), Rows: []*model.NeedDemand{}, CoverageGaps: []*model.NeedDemand{}}
	var gaps []NeedDemandTally
	for i := range rows {
		t := &rows[i]
		d := &model.NeedDemand{ZoneID: t.ZoneID, NeedID: t.NeedID,
			OpenCases: pub.Count(t.OpenCases), ReferralsSent: pub.Count(t.ReferralsSent), RefusedNoPlaces: pub.Count(t.RefusedNoPlaces),
			Waiting: pub.Count(t.Waiting), Unmet: pub.Count(t.Unmet), MedianWaitDays: pub.Days(t.WaitDays, 50),
			Full: t.Full, Partial: t.Partial, WithFreePlaces: t.WithFreePlaces}
		out.Rows = append(out.Rows, d)
		if d.Unmet > 0 {
			gaps = append(gaps, *t)
		}
	}
	Rank(gaps, func(t NeedDemandTally) int { return pub.Count(t.Unmet) }, func(t NeedDemandTally) string { return t.ZoneName + "\x00" + t.NeedCode })
	byKey := map[[2]string]*model.NeedDemand{}
	for _, d := range out.Rows {
		byKey[[2]string{d.ZoneID, d.NeedID}] = d
	}
	for _, t := range gaps {
		out.CoverageGaps = append(out.CoverageGaps, byKey[[2]string{t.ZoneID, t.NeedID}])
	}
	return out
}

// ActivityTally is what the data layer measures of the activity records of one kind: each cell
// holds records, its count the sum of their counts (people met, interviews held...) and its
// key the sum of their record keys.
type ActivityTally struct {
	Kind                          model.ActivityKind
	Count                         Cell
	Exploitation, Gender, AgeBand map[string]Cell
}

// Activity publishes the activity by kind: every kind listed, its count and each breakdown's
// counts perturbed as cells, by the keys of the records they sum (the count of a single
// record of 2,651 contacts is published as 2,651 plus a noise of at most MaxNoise that the
// record's key fixes; exact in the data controller's report).
func (pub *Publisher) Activity(ts []ActivityTally) []*model.ActivityCount {
	out := make([]*model.ActivityCount, 0, len(ts))
	for _, t := range ts {
		out = append(out, &model.ActivityCount{Kind: t.Kind, Count: pub.Count(t.Count),
			Exploitation: pub.breakdown(t.Exploitation), Gender: pub.breakdown(t.Gender), AgeBand: pub.breakdown(t.AgeBand)})
	}
	return out
}

// TargetTally is a project's target and what the data layer counts of its achievement.
type TargetTally struct {
	Target *model.ProjectTarget
	// Months are the whole months counted, written "2019-01..2019-12".
	Months   string
	Achieved Cell
}

// Targets publishes targets against achieved: the target as set, the achieved count perturbed.
func (pub *Publisher) Targets(ts []TargetTally) []*model.TargetProgress {
	out := make([]*model.TargetProgress, 0, len(ts))
	for _, t := range ts {
		out = append(out, &model.TargetProgress{Target: t.Target, Months: t.Months, Achieved: pub.Count(t.Achieved)})
	}
	return out
}
