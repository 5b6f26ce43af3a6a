// Package model holds Snodo's domain types, which the GraphQL layer binds to directly, and its
// one error type. Enums, inputs and payloads are generated from the schema into models_gen.go.
package model

import (
	"context"
	"time"

	"snodo/relay"
)

// Node is any object with a global ID.
type Node interface {
	IsNode()
}

// Meta is what every stored node records about its own history.
type Meta struct {
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version rises by one with every change; writers send the version they read.
	Version int
}

// PageInfo says where a page stands in its list.
type PageInfo struct {
	HasNextPage     bool
	HasPreviousPage bool
	StartCursor     *string
	EndCursor       *string
}

// Edge is an item of a page with its place in the list, which is encoded as its cursor only
// when the cursor is asked (a page of 100 services encoded 100 cursors that no one read).
type Edge[T any] struct {
	At   relay.Cursor
	Node T
}

// Cursor is the edge's cursor.
func (e Edge[T]) Cursor() string { return e.At.Encode() }

// Connection is a page of a list, Relay style. The total is counted only when asked for.
type Connection[T any] struct {
	Edges    []Edge[T]
	PageInfo PageInfo
	// Count counts the whole list; nil when the page already knows it.
	Count func(ctx context.Context) (int, error)
	total int
}

// TotalCount counts the items of the whole list, across every page.
func (c *Connection[T]) TotalCount(ctx context.Context) (int, error) {
	if c.Count == nil {
		return c.total, nil
	}
	return c.Count(ctx)
}

// WithTotal sets a total already known, so TotalCount needs no query.
func (c *Connection[T]) WithTotal(n int) *Connection[T] {
	c.total, c.Count = n, nil
	return c
}

// The connections of the schema.
type (
	ZoneConnection        = Connection[*Zone]
	ActorConnection       = Connection[*Actor]
	ServiceConnection     = Connection[*Service]
	NeedConnection        = Connection[*Need]
	PartnershipConnection = Connection[*Partnership]
	MembershipConnection  = Connection[*Membership]
	ZoneEdge              = Edge[*Zone]
	ActorEdge             = Edge[*Actor]
	ServiceEdge           = Edge[*Service]
	NeedEdge              = Edge[*Need]
	PartnershipEdge       = Edge[*Partnership]
	MembershipEdge        = Edge[*Membership]
)
