// Package graph is the GraphQL layer of Snodo: the code gqlgen generates from the schema and the
// resolvers, one file per schema file. Resolvers stay thin: they read arguments, call the store
// or a loader, and shape the answer; the store owns the queries and the checks.
package graph

import (
	"context"
	"sort"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"snodo/disclosure"
	"snodo/loaders"
	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// Resolver is the root of the resolvers; it holds what they share.
type Resolver struct {
	Store *store.Store
	// StaleAfter is how long a service record may go unverified before the finder flags it.
	StaleAfter time.Duration
	// Disclosure publishes every aggregate about people; the defaults when nil.
	Disclosure *disclosure.Publisher
	// Events feeds the subscriptions; nil where none are served (GraphQL over HTTP).
	Events *store.Events
}

// DefaultStaleAfter is how long a service record may go unverified by default: a year.
const DefaultStaleAfter = 365 * 24 * time.Hour

// StaleAfterOr is the staleness a server is configured with, or the default: one rule for
// the API and the files that serve the same figures.
func StaleAfterOr(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultStaleAfter
	}
	return d
}

// NewSchema returns the executable schema over the resolver's store.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	r.StaleAfter = StaleAfterOr(r.StaleAfter)
	if r.Disclosure == nil {
		pub, err := disclosure.New(disclosure.Defaults, r.Store.Now, r.Store)
		if err != nil {
			panic(err) // the defaults are valid: a test holds them to it
		}
		r.Disclosure = pub
	}
	c := Config{Resolvers: r}
	c.Directives.HasRole = hasRole
	c.Directives.Aggregate = r.aggregate
	return NewExecutableSchema(c)
}

// ArgumentError reports whether err arose in reading an argument of the field being resolved
// in ctx, before its resolver ran: a value the schema's validation let through but its type
// refuses, such as an enum value in the wrong case (the validation of variables compares enum
// names regardless of case). Its path runs from the field into the argument.
func ArgumentError(ctx context.Context, err *gqlerror.Error) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Args != nil || fc.Field.Field == nil {
		return false
	}
	at := len(fc.Path())
	if len(err.Path) <= at {
		return false
	}
	name, ok := err.Path[at].(ast.PathName)
	return ok && fc.Field.Arguments.ForName(string(name)) != nil
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

// rankedPage pages a list ranked in memory: its cursors are positions, checked against the key
// of the item there so that a cursor of another list is refused.
func rankedPage[T any](items []T, p store.Page, key func(T) string) (*model.Connection[T], error) {
	start := 0
	if p.Cursor != nil {
		pos, ok := p.Cursor.Sort.(int64)
		if !ok || pos < 0 || int(pos) >= len(items) || key(items[pos]) != p.Cursor.Key {
			return nil, model.Errorf(model.CodeInvalidCursor, "the cursor is not one of this list, or the list changed: start again")
		}
		start = int(pos) + 1
	}
	end := min(start+p.Size, len(items))
	c := &model.Connection[T]{Edges: make([]model.Edge[T], 0, end-start)}
	for i := start; i < end; i++ {
		c.Edges = append(c.Edges, model.Edge[T]{At: relay.Cursor{Sort: int64(i), Key: key(items[i])}, Node: items[i]})
	}
	c.PageInfo.HasNextPage, c.PageInfo.HasPreviousPage = end < len(items), start > 0
	if n := len(c.Edges); n > 0 {
		start, end := c.Edges[0].Cursor(), c.Edges[n-1].Cursor()
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &start, &end
	}
	return c.WithTotal(len(items)), nil
}

// routeEnd loads the actor or service a route end's global ID names.
func routeEnd(ctx context.Context, gid string) (model.RouteEnd, error) {
	typ, key, err := relay.ParseGlobalID(gid)
	if err != nil {
		return nil, err
	}
	if typ == store.ServiceKind.Label() {
		s, err := loaders.Get(ctx, store.ServiceKind, key)
		if s == nil {
			return nil, err
		}
		return s, err
	}
	a, err := loaders.Get(ctx, store.ActorKind, key)
	if a == nil {
		return nil, err
	}
	return a, err
}

// keyOfType reads a global ID that must name an object of the type.
func keyOfType(typ, id string) (string, error) {
	t, key, err := relay.ParseGlobalID(id)
	if err != nil || t != typ {
		return "", model.Errorf(model.CodeInvalidID, "%q is not the ID of a %s", id, typ)
	}
	return key, nil
}

func casePayload(c *model.Case, err error) (*model.CasePayload, error) {
	errs, err := userErrors(err)
	return &model.CasePayload{Case: c, UserErrors: errs}, err
}

func referralPayload(r *model.Referral, err error) (*model.ReferralPayload, error) {
	errs, err := userErrors(err)
	return &model.ReferralPayload{Referral: r, UserErrors: errs}, err
}

func interventionPayload(i *model.Intervention, err error) (*model.InterventionPayload, error) {
	errs, err := userErrors(err)
	return &model.InterventionPayload{Intervention: i, UserErrors: errs}, err
}

// actorsByName loads actors by key, sorted by name.
func actorsByName(ctx context.Context, keys []string) ([]*model.Actor, error) {
	actors, err := loaders.GetAll(ctx, store.ActorKind, keys)
	sort.Slice(actors, func(i, j int) bool { return actors[i].Name < actors[j].Name })
	return actors, err
}
