package graph

import (
	"context"
	"math"
	"time"

	"snodo/analysis"
	"snodo/model"
)

func (r *queryResolver) PathwaysTaken(ctx context.Context, input model.PathwaysInput) (*model.PathwaysTaken, error) {
	walks, stages, err := r.Store.PathwaysTaken(ctx, input)
	if err != nil {
		return nil, err
	}
	codes := make([]string, len(stages))
	for i, s := range stages {
		codes[i] = s.Code
	}
	seqs, kinds, figures := analysis.Pathways(walks, codes, time.Now(), 10)
	count := func(n int) *model.Count { return model.Withhold(n, r.PrivacyThreshold) }
	sequences := func(ss []analysis.Sequence) []*model.PathSequence {
		out := make([]*model.PathSequence, len(ss))
		for i, s := range ss {
			out[i] = &model.PathSequence{Steps: s.Steps, Cases: count(s.Cases)}
		}
		return out
	}
	out := &model.PathwaysTaken{Cases: count(len(walks)), StageSequences: sequences(seqs), ActorKindSequences: sequences(kinds)}
	for i, f := range figures {
		sf := &model.StageFunnel{Stage: stages[i], Reached: count(f.Reached), DropOuts: count(f.DropOuts)}
		if !math.IsNaN(f.MedianDwellDays) && f.Reached >= r.PrivacyThreshold {
			d := f.MedianDwellDays
			sf.MedianDwellDays = &d
		}
		out.Stages = append(out.Stages, sf)
	}
	return out, nil
}
