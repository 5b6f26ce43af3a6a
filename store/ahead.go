package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// Ahead plans the parts a root field's nodes carry in their own statement: a lookup by key or
// a page reads the level of relationship fields asked below its nodes in the same round-trip,
// instead of a statement for the nodes and another for their fields. The loaders put one in
// the context of each root query field (loaders.Prefetch); Get and the paged lists ask it.
type Ahead interface {
	// Plan gives the parts to read with the nodes of the label coming from src, the only
	// properties of those nodes to read (nil for whole nodes: see Projection), and what to
	// call with the nodes once read (it primes the loaders); no parts and no properties when
	// nothing is planned. A plan is made once: later calls give none.
	Plan(ctx context.Context, label string, src Source) (parts []Part, props []string, deliver func(nodes []any))
}

type aheadKey struct{}

// WithAhead returns a context whose root reads carry what a plans.
func WithAhead(ctx context.Context, a Ahead) context.Context {
	return context.WithValue(ctx, aheadKey{}, a)
}

// ahead plans the parts that ride on the root read of the label's nodes from src.
func ahead(ctx context.Context, label string, src Source) ([]Part, []string, func([]any)) {
	a, ok := ctx.Value(aheadKey{}).(Ahead)
	if !ok || label == "" {
		return nil, nil, nil
	}
	return a.Plan(ctx, label, src)
}

// getAhead reads nodes by key with the parts planned below them, in one statement; ok is false
// when nothing rides on the read, and the caller reads the nodes alone.
func getAhead[T any](ctx context.Context, s *Store, k Kind[T], keys []string) (map[string]T, bool, error) {
	keys = distinct(keys) // a key asked twice is one row: its parts read it once
	self := &GetPart[T]{Kind: k, IDs: keys}
	parts, props, deliver := ahead(ctx, k.label, self.source())
	if len(parts) == 0 && props == nil {
		return nil, false, nil
	}
	self.Props = props
	if err := ReadParts(ctx, s, append([]Part{self}, parts...)); err != nil {
		return nil, true, err
	}
	nodes := make([]any, 0, len(self.Out))
	for _, key := range keys {
		if v, ok := self.Out[key]; ok {
			nodes = append(nodes, v)
		}
	}
	deliver(nodes)
	if self.Out == nil {
		self.Out = map[string]T{}
	}
	return self.Out, true, nil
}

// pageSource is the source of a page's nodes, one row each, carrying the node as root, its sort
// key as rootSort and its place in the page as rootAt (names the parts' columns do not use).
func pageSource(q query, p Page, o order) Source {
	head, params := pageHead(q, p, o)
	text := head + " WITH collect([n, sortKey]) AS page UNWIND range(0, size(page) - 1) AS rootAt" +
		" WITH page[rootAt][0] AS root, page[rootAt][1] AS rootSort, rootAt WITH root, rootSort, rootAt, root.id AS pid"
	return Source{text: text, params: params, key: fmt.Sprintf("page\x00%s\x00%v", text, params), node: "root"}
}

// pageRows is the part of a page source that reads its own nodes, in page order.
type pageRows struct {
	src   Source
	props []string // the properties of the nodes to read, nil for whole nodes
	rows  []pageRow
}

type pageRow struct {
	at  int64
	row row
}

func (p *pageRows) source() Source { return p.src }

func (p *pageRows) column(context.Context, *Store, string) (string, map[string]any) {
	return "[[" + projectionOf("root", p.props) + ", rootSort, rootAt]]", nil
}

func (p *pageRows) take(_ string, items []any) {
	item := items[0].([]any)
	p.rows = append(p.rows, pageRow{at: item[2].(int64), row: row{node: nodeOf(item[0], p.props), sort: item[1]}})
}

// inOrder is the page's rows in the order the page statement gave them.
func (p *pageRows) inOrder() []row {
	sort.Slice(p.rows, func(i, j int) bool { return p.rows[i].at < p.rows[j].at })
	out := make([]row, len(p.rows))
	for i, r := range p.rows {
		out[i] = r.row
	}
	return out
}

// listAhead reads a page with the parts planned below its nodes, in one statement; ok is false
// when nothing rides on the page, and the caller reads it alone.
func listAhead[T any](ctx context.Context, s *Store, q query, p Page, o order, decode func(neo4j.Node) T) (*model.Connection[T], bool, error) {
	if len(q.refs) > 0 {
		return nil, false, nil // the filter's IDs are checked in the page's transaction
	}
	self := &pageRows{src: pageSource(q, p, o)}
	parts, props, deliver := ahead(ctx, q.of, self.src)
	if len(parts) == 0 && props == nil {
		return nil, false, nil
	}
	self.props = props
	if err := ReadParts(ctx, s, append([]Part{self}, parts...)); err != nil {
		return nil, true, err
	}
	c := connection(p, self.inOrder(), func(r row) T { return decode(r.node) })
	nodes := make([]any, len(c.Edges))
	for i, e := range c.Edges {
		nodes[i] = e.Node
	}
	deliver(nodes)
	return c, true, nil
}

// distinct is the keys without repeats, in order.
func distinct(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
