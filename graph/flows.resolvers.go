package graph

import (
	"context"
	"math"

	"snodo/model"
)

func (r *queryResolver) ReferralFlows(ctx context.Context, input model.FlowsInput) ([]*model.ReferralFlow, error) {
	flows, ends, err := r.Store.ReferralFlows(ctx, input)
	if err != nil {
		return nil, err
	}
	count := func(n int) *model.Count { return model.Withhold(n, r.PrivacyThreshold) }
	figure := func(sent int, v float64) *float64 {
		if sent < r.PrivacyThreshold || math.IsNaN(v) {
			return nil
		}
		return &v
	}
	out := make([]*model.ReferralFlow, len(flows))
	for i, f := range flows {
		from, to := ends[f.From], ends[f.To]
		rf := &model.ReferralFlow{
			From: from.Name, To: to.Name, Sent: count(f.Sent), Accepted: count(f.Accepted), Refused: count(f.Refused),
			Completed: count(f.Completed), OffRoute: count(f.OffRoute),
			AcceptanceRate:     figure(f.Sent, f.AcceptanceRate),
			MedianDaysToAccept: figure(f.Sent, f.MedianDaysToAccept), P90DaysToAccept: figure(f.Sent, f.P90DaysToAccept),
			MedianDaysToComplete: figure(f.Sent, f.MedianDaysToComplete), P90DaysToComplete: figure(f.Sent, f.P90DaysToComplete),
		}
		if from.ID != "" {
			rf.FromID, rf.ToID = &from.ID, &to.ID
		}
		out[i] = rf
	}
	return out, nil
}
