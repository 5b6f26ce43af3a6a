package graph

import (
	"context"

	"snodo/loaders"
	"snodo/model"
	"snodo/store"
)

func (r *networkAnalysisResolver) Centrality(ctx context.Context, obj *model.NetworkAnalysis, first *int) ([]*model.ActorCentrality, error) {
	n := 20
	if first != nil {
		n = *first
	}
	if n < 0 || n > store.MaxPageSize {
		return nil, model.Errorf(model.CodeInvalidPagination, "ask for 0 to %d actors, not %d", store.MaxPageSize, n)
	}
	rows := obj.Actors[:min(n, len(obj.Actors))]
	keys := make([]string, len(rows))
	for i, row := range rows {
		keys[i] = row.ActorID
	}
	actors, err := loaders.GetAll(ctx, store.ActorKind, keys)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*model.Actor{}
	for _, a := range actors {
		byKey[a.ID] = a
	}
	out := make([]*model.ActorCentrality, 0, len(rows))
	for _, row := range rows {
		out = append(out, &model.ActorCentrality{Actor: byKey[row.ActorID], Degree: row.Degree, Betweenness: row.Betweenness})
	}
	return out, nil
}

func (r *networkAnalysisResolver) Components(ctx context.Context, obj *model.NetworkAnalysis) ([]*model.NetworkComponent, error) {
	out := make([]*model.NetworkComponent, len(obj.Components))
	for i, c := range obj.Components {
		out[i] = &model.NetworkComponent{ActorIDs: c}
	}
	return out, nil
}

func (r *networkAnalysisResolver) Isolated(ctx context.Context, obj *model.NetworkAnalysis) ([]*model.Actor, error) {
	return actorsByName(ctx, obj.Isolated)
}

func (r *networkComponentResolver) Actors(ctx context.Context, obj *model.NetworkComponent) ([]*model.Actor, error) {
	return actorsByName(ctx, obj.ActorIDs)
}

func (r *queryResolver) NetworkAnalysis(ctx context.Context, input model.NetworkInput) (*model.NetworkAnalysis, error) {
	return r.Store.Network(ctx, input)
}

func (r *Resolver) NetworkAnalysis() NetworkAnalysisResolver { return &networkAnalysisResolver{r} }

func (r *Resolver) NetworkComponent() NetworkComponentResolver { return &networkComponentResolver{r} }

type (
	networkAnalysisResolver  struct{ *Resolver }
	networkComponentResolver struct{ *Resolver }
)
