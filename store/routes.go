package store

import (
	"context"

	"snodo/model"
)

// Routes lists the designed routes in the order of their IDs (the uniqueness index of Route),
// filtered by the partnership that governs them and by an actor at either end (itself or one
// of its services).
func (s *Store) Routes(ctx context.Context, f *model.RouteFilter, p Page) (*model.Connection[*model.Route], error) {
	q := newQuery("Route")
	if f != nil {
		var c model.Check
		if f.Partnership != nil {
			key := keyOf(&c, "Partnership", *f.Partnership, "filter", "partnership")
			q.where("EXISTS { MATCH (n)-[:GOVERNED_BY]->(:Partnership {id: $partnership}) }", "partnership", key)
			q.mustExist("Partnership", key, "filter.partnership")
		}
		if f.Actor != nil {
			key := keyOf(&c, "Actor", *f.Actor, "filter", "actor")
			q.where("EXISTS { MATCH (n)-[:FROM|TO]->(end) WHERE end.id = $actor OR EXISTS { (end)<-[:PROVIDES]-(:Actor {id: $actor}) } }", "actor", key)
			q.mustExist("Actor", key, "filter.actor")
		}
		if err := filterErr(c); err != nil {
			return nil, err
		}
	}
	return list(ctx, s, q, p, order{expr: "n.id"}, decodeRoute)
}
