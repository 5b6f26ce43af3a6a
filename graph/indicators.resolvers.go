package graph

import (
	"context"

	"snodo/loaders"
	"snodo/model"
	"snodo/store"
)

func (r *indicatorsResolver) Zone(ctx context.Context, obj *model.Indicators) (*model.Zone, error) {
	return loaders.Get(ctx, store.ZoneKind, obj.ZoneID)
}

func (r *indicatorsResolver) CasesOpened(ctx context.Context, obj *model.Indicators) (*model.Count, error) {
	return obj.Count(obj.CasesOpened), nil
}

func (r *indicatorsResolver) CasesInCharge(ctx context.Context, obj *model.Indicators) (*model.Count, error) {
	return obj.Count(obj.CasesInCharge), nil
}

func (r *indicatorsResolver) CasesClosed(ctx context.Context, obj *model.Indicators) (*model.Count, error) {
	return obj.Count(obj.CasesClosed), nil
}

func (r *indicatorsResolver) Outcomes(ctx context.Context, obj *model.Indicators) ([]*model.BreakdownCount, error) {
	return breakdown(obj, obj.Outcomes), nil
}

func (r *indicatorsResolver) Referrals(ctx context.Context, obj *model.Indicators) ([]*model.BreakdownCount, error) {
	return breakdown(obj, obj.Referrals), nil
}

func (r *indicatorsResolver) InterventionsByCategory(ctx context.Context, obj *model.Indicators) ([]*model.BreakdownCount, error) {
	return breakdown(obj, obj.InterventionsByCategory), nil
}

func (r *indicatorsResolver) OverdueCases(ctx context.Context, obj *model.Indicators) (*model.Count, error) {
	return obj.Count(obj.OverdueCases), nil
}

func (r *indicatorsResolver) NeedsWithoutService(ctx context.Context, obj *model.Indicators) ([]*model.Need, error) {
	return loaders.GetAll(ctx, store.NeedKind, obj.NeedsWithoutService)
}

func (r *queryResolver) Indicators(ctx context.Context, zoneID string, quarter string) (*model.Indicators, error) {
	q, err := model.ParseQuarter(quarter)
	if err != nil {
		return nil, err
	}
	in, err := r.Store.Indicators(ctx, zoneID, q)
	if in != nil {
		in.Threshold = r.PrivacyThreshold
	}
	return in, err
}

func (r *Resolver) Indicators() IndicatorsResolver { return &indicatorsResolver{r} }

type indicatorsResolver struct{ *Resolver }
