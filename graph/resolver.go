// Package graph is the GraphQL layer of Snodo: the code gqlgen generates from the schema and the
// resolvers, one file per schema file. Resolvers stay thin: they read arguments, call the store
// or a loader, and shape the answer; the store owns the queries and the checks.
package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"snodo/loaders"
	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// Resolver is the root of the resolvers; it holds what they share.
type Resolver struct {
	Store *store.Store
}

// NewSchema returns the executable schema over the store.
func NewSchema(s *store.Store) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: &Resolver{Store: s}})
}

// userErrors splits a write's error into the input errors its payload carries and any other
// error, which ends the field.
func userErrors(err error) ([]*model.UserError, error) {
	out := []*model.UserError{}
	if err == nil {
		return out, nil
	}
	u, ok := model.AsInputErrors(err)
	if !ok {
		return nil, err
	}
	for i := range u {
		out = append(out, &u[i])
	}
	return out, nil
}

// node turns a loaded pointer into a Node, nil staying nil.
func node[T interface {
	comparable
	model.Node
}](v T, err error) (model.Node, error) {
	var zero T
	if err != nil || v == zero {
		return nil, err
	}
	return v, nil
}

// page loads one page of a relationship field through its loader.
func page[T any](ctx context.Context, rel *store.Rel[T], parent string, first *int, after *string, last *int, before *string) (*model.Connection[T], error) {
	p, err := store.NewPage(first, after, last, before)
	if err != nil {
		return nil, err
	}
	return loaders.Page(ctx, rel, parent, p)
}

// deleted shapes the payload of a delete.
func deleted(label, key string, err error) (*model.DeletePayload, error) {
	errs, err := userErrors(err)
	if err != nil || len(errs) > 0 {
		return &model.DeletePayload{UserErrors: errs}, err
	}
	id := relay.GlobalID(label, key)
	return &model.DeletePayload{DeletedID: &id, UserErrors: errs}, nil
}

func partnershipPayload(p *model.Partnership, err error) (*model.PartnershipPayload, error) {
	errs, err := userErrors(err)
	return &model.PartnershipPayload{Partnership: p, UserErrors: errs}, err
}
