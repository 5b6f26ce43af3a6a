// Package graph is the GraphQL layer of Snodo: the code gqlgen generates from the schema and the
// resolvers, one file per schema file. Resolvers stay thin: they read arguments, call the store
// or a loader, and shape the answer; the store owns the queries and the checks.
package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"

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
	// PrivacyThreshold withholds aggregate counts from 1 to the threshold less one.
	PrivacyThreshold int
}

// DefaultPrivacyThreshold is the default privacy threshold of aggregates.
const DefaultPrivacyThreshold = 5

// DefaultStaleAfter is how long a service record may go unverified by default: a year.
const DefaultStaleAfter = 365 * 24 * time.Hour

// NewSchema returns the executable schema over the resolver's store.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	if r.StaleAfter <= 0 {
		r.StaleAfter = DefaultStaleAfter
	}
	if r.PrivacyThreshold <= 0 {
		r.PrivacyThreshold = DefaultPrivacyThreshold
	}
	c := Config{Resolvers: r}
	c.Directives.HasRole = hasRole
	return NewExecutableSchema(c)
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

// lookup reads nodes by global ID, one query per type asked for (not a loader: a top-level
// lookup has nothing to batch with, and a loader's wait would only add latency). IDs with no
// node give nil.
func (r *Resolver) lookup(ctx context.Context, ids []string) ([]model.Node, error) {
	keys := map[string][]string{} // by type
	for _, id := range ids {
		typ, key, err := relay.ParseGlobalID(id)
		if err != nil || !nodeTypes[typ] {
			return nil, model.Errorf(model.CodeInvalidID, "%q is not an ID issued by Snodo", id)
		}
		keys[typ] = append(keys[typ], key)
	}
	found := map[string]model.Node{} // by global ID
	for typ, ks := range keys {
		var err error
		switch typ {
		case store.ZoneKind.Label():
			err = collect(ctx, r.Store, store.ZoneKind, ks, found)
		case store.ActorKind.Label():
			err = collect(ctx, r.Store, store.ActorKind, ks, found)
		case store.ServiceKind.Label():
			err = collect(ctx, r.Store, store.ServiceKind, ks, found)
		case store.NeedKind.Label():
			err = collect(ctx, r.Store, store.NeedKind, ks, found)
		case store.CategoryKind.Label():
			err = collect(ctx, r.Store, store.CategoryKind, ks, found)
		case store.PartnershipKind.Label():
			err = collect(ctx, r.Store, store.PartnershipKind, ks, found)
		case store.PathwayModelKind.Label():
			err = collect(ctx, r.Store, store.PathwayModelKind, ks, found)
		case store.StageKind.Label():
			err = collect(ctx, r.Store, store.StageKind, ks, found)
		case store.RouteKind.Label():
			err = collect(ctx, r.Store, store.RouteKind, ks, found)
		case store.CaseKind.Label():
			err = collectCaseData(ctx, r.Store, store.CaseKind, ks, found, func(c *model.Case) string { return c.ID })
		case store.ReferralKind.Label():
			err = collectCaseData(ctx, r.Store, store.ReferralKind, ks, found, func(x *model.Referral) string { return x.CaseID })
		case store.InterventionKind.Label():
			err = collectCaseData(ctx, r.Store, store.InterventionKind, ks, found, func(i *model.Intervention) string { return i.CaseID })
		}
		if err != nil {
			return nil, err
		}
	}
	out := make([]model.Node, len(ids))
	for i, id := range ids {
		out[i] = found[id] // a missing node stays a nil interface, which reads as null
	}
	return out, nil
}

// nodeTypes are the types a global ID may name.
var nodeTypes = map[string]bool{
	store.ZoneKind.Label(): true, store.ActorKind.Label(): true, store.ServiceKind.Label(): true,
	store.NeedKind.Label(): true, store.CategoryKind.Label(): true, store.PartnershipKind.Label(): true,
	store.PathwayModelKind.Label(): true, store.StageKind.Label(): true, store.RouteKind.Label(): true,
	store.CaseKind.Label(): true, store.ReferralKind.Label(): true, store.InterventionKind.Label(): true,
}

// collectCaseData is collect for case-level data: each object's case must be one the viewer
// may see (else FORBIDDEN), and the read is audited.
func collectCaseData[T interface {
	model.Node
	GlobalID() string
}](ctx context.Context, s *store.Store, k store.Kind[T], keys []string, into map[string]model.Node, caseOf func(T) string) error {
	got, err := store.Get(ctx, s, k, keys)
	if err != nil {
		return err
	}
	var read []string
	for _, n := range got {
		if _, err := s.VisibleCase(ctx, caseOf(n)); err != nil {
			return err
		}
		into[n.GlobalID()] = n
		read = append(read, n.GlobalID())
	}
	return s.AuditRead(ctx, "node", read)
}

// collect reads the nodes of one kind and files them under their global IDs.
func collect[T interface {
	model.Node
	GlobalID() string
}](ctx context.Context, s *store.Store, k store.Kind[T], keys []string, into map[string]model.Node) error {
	got, err := store.Get(ctx, s, k, keys)
	for _, n := range got {
		into[n.GlobalID()] = n
	}
	return err
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
		c.Edges = append(c.Edges, model.Edge[T]{Cursor: relay.Cursor{Sort: int64(i), Key: key(items[i])}.Encode(), Node: items[i]})
	}
	c.PageInfo.HasNextPage, c.PageInfo.HasPreviousPage = end < len(items), start > 0
	if n := len(c.Edges); n > 0 {
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &c.Edges[0].Cursor, &c.Edges[n-1].Cursor
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
