package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// Needs lists needs by the filter, by code, which walks the taxonomy depth first.
func (s *Store) Needs(ctx context.Context, f *model.NeedFilter, p Page) (*model.NeedConnection, error) {
	q := newQuery("Need")
	if f != nil {
		var c model.Check
		q.search(&c, "need_search", f.Search)
		if f.TopLevel != nil {
			q.where("EXISTS { (n)-[:BROADER]->() } <> $topLevel", "topLevel", *f.TopLevel)
		}
		if f.Within != nil {
			key := keyOf(&c, "Need", *f.Within, "filter", "within")
			q.where("EXISTS { MATCH (n)-[:BROADER]->+(:Need {id: $within}) }", "within", key)
			q.mustExist("Need", key, "filter.within")
		}
		if err := filterErr(c); err != nil {
			return nil, err
		}
	}
	return list(ctx, s, q, p, order{expr: "n.code"}, decodeNeed)
}

// NeedTree returns the top-level need areas, by code.
func (s *Store) NeedTree(ctx context.Context) ([]*model.Need, error) {
	return roots(ctx, s, NeedKind)
}

// ServiceCategories returns the top-level categories of the service catalogue, by code.
func (s *Store) ServiceCategories(ctx context.Context) ([]*model.ServiceCategory, error) {
	return roots(ctx, s, CategoryKind)
}

// roots reads the nodes of a taxonomy that have nothing broader, by code.
func roots[T any](ctx context.Context, s *Store, k Kind[T]) ([]T, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]T, error) {
		records, err := run(ctx, tx, "MATCH (n:"+k.label+") WHERE NOT (n)-[:BROADER]->() RETURN n ORDER BY n.code", nil)
		if err != nil {
			return nil, err
		}
		out := make([]T, len(records))
		for i, r := range records {
			out[i] = k.decode(r.Values[0].(neo4j.Node))
		}
		return out, nil
	})
}
