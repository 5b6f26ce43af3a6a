package graph

import (
	"context"

	"snodo/loaders"
	"snodo/model"
	"snodo/store"
)

func (r *caseCountRowResolver) Zone(ctx context.Context, obj *model.CaseCountRow) (*model.Zone, error) {
	if obj.ZoneID == "" {
		return nil, nil
	}
	return loaders.Get(ctx, store.ZoneKind, obj.ZoneID)
}

func (r *queryResolver) CaseCounts(ctx context.Context, input model.CaseCountsInput) (*model.CaseCounts, error) {
	zones, counts, err := r.Store.CaseCounts(ctx, input)
	if err != nil {
		return nil, err
	}
	return model.CaseCountTable(zones, counts, r.PrivacyThreshold), nil
}

func (r *Resolver) CaseCountRow() CaseCountRowResolver { return &caseCountRowResolver{r} }

type caseCountRowResolver struct{ *Resolver }
