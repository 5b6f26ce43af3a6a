package graph

import (
	"context"

	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// lookup reads nodes by global ID for node and nodes, one query per type asked for (not a
// loader: a top-level lookup has nothing to batch with, and a loader's wait would only add
// latency). IDs with no node, or of case-level data the viewer may not see, give nil.
func (r *Resolver) lookup(ctx context.Context, ids []string) ([]model.Node, error) {
	ctx = store.ReadVia(ctx, "node")
	keys := map[string][]string{} // by type
	for _, id := range ids {
		typ, key, err := relay.ParseGlobalID(id)
		if _, ok := lookups[typ]; err != nil || !ok {
			return nil, model.Errorf(model.CodeInvalidID, "%s is not an ID issued by Snodo", model.Quote(id))
		}
		keys[typ] = append(keys[typ], key)
	}
	found := map[string]model.Node{} // by global ID
	for typ, ks := range keys {
		if err := lookups[typ](ctx, r.Store, ks, found); err != nil {
			return nil, err
		}
	}
	out := make([]model.Node, len(ids))
	for i, id := range ids {
		out[i] = found[id] // a missing node stays a nil interface, which reads as null
	}
	return out, nil
}

// lookupFunc reads the nodes of one type by key and files them under their global IDs.
type lookupFunc func(ctx context.Context, s *store.Store, keys []string, into map[string]model.Node) error

// lookups are the types a global ID may name, and how to read them.
var lookups = map[string]lookupFunc{
	store.ZoneKind.Label():         collector(store.ZoneKind),
	store.ActorKind.Label():        collector(store.ActorKind),
	store.ServiceKind.Label():      collector(store.ServiceKind),
	store.NeedKind.Label():         collector(store.NeedKind),
	store.CategoryKind.Label():     collector(store.CategoryKind),
	store.PartnershipKind.Label():  collector(store.PartnershipKind),
	store.PathwayModelKind.Label(): collector(store.PathwayModelKind),
	store.StageKind.Label():        collector(store.StageKind),
	store.RouteKind.Label():        collector(store.RouteKind),
	// Case-level data: store.Get reads it through the store's one rule of who sees what of a
	// case, and audits the read; what the viewer may not see is null, as what does not exist.
	store.CaseKind.Label():         collector(store.CaseKind),
	store.ReferralKind.Label():     collector(store.ReferralKind),
	store.InterventionKind.Label(): collector(store.InterventionKind),
}

type globalNode interface {
	model.Node
	GlobalID() string
}

// collector reads the nodes of a kind.
func collector[T globalNode](k store.Kind[T]) lookupFunc {
	return func(ctx context.Context, s *store.Store, keys []string, into map[string]model.Node) error {
		got, err := store.Get(ctx, s, k, keys)
		for _, n := range got {
			into[n.GlobalID()] = n
		}
		return err
	}
}
