package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
	"snodo/relay"
)

// MaxPageSize is the most items a page may hold; DefaultPageSize is the size when none is asked.
const (
	MaxPageSize     = 100
	DefaultPageSize = 20
)

// Page is a validated request for a page: forward (first, after) or backward (last, before).
type Page struct {
	Size     int
	Backward bool
	Cursor   *relay.Cursor
}

// NewPage checks Relay pagination arguments: first and last are not mixed, sizes lie in 0..100,
// and a cursor must be one Snodo issued.
func NewPage(first *int, after *string, last *int, before *string) (Page, error) {
	switch {
	case first != nil && last != nil:
		return Page{}, model.Errorf(model.CodeInvalidPagination, "give first or last, not both")
	case first != nil && before != nil, last != nil && after != nil:
		return Page{}, model.Errorf(model.CodeInvalidPagination, "page forward with first and after, or backward with last and before")
	case after != nil && before != nil:
		return Page{}, model.Errorf(model.CodeInvalidPagination, "give after or before, not both")
	}
	p := Page{Size: DefaultPageSize, Backward: last != nil || before != nil}
	for _, n := range []*int{first, last} {
		if n == nil {
			continue
		}
		if *n < 0 || *n > MaxPageSize {
			return Page{}, model.Errorf(model.CodeInvalidPagination, "a page holds 0 to %d items, not %d", MaxPageSize, *n)
		}
		p.Size = *n
	}
	for _, s := range []*string{after, before} {
		if s == nil {
			continue
		}
		c, err := relay.ParseCursor(*s)
		if err != nil {
			return Page{}, model.Errorf(model.CodeInvalidCursor, "%s is not a cursor of this list", model.Quote(*s))
		}
		p.Cursor = &c
	}
	return p, nil
}

// order is how a list is sorted: a Cypher expression over the node n that is never null (a
// constant of the data layer, never user text), and its direction. The node's id breaks ties.
type order struct {
	expr string
	desc bool
}

// window returns the Cypher that keeps the page of rows, given the sort key bound as sortKey
// and the node as n, and the parameters it needs. It goes after a WITH that binds both.
func (p Page) window(o order) (where, orderBy string, params map[string]any) {
	desc := o.desc != p.Backward // paging backward reads the list in reverse
	dir, cmp := "ASC", ">"
	if desc {
		dir, cmp = "DESC", "<"
	}
	params = map[string]any{"pageLimit": p.Size + 1}
	where = "true"
	if p.Cursor != nil {
		where = fmt.Sprintf("(sortKey %[1]s $cursorSort OR (sortKey = $cursorSort AND n.id %[1]s $cursorKey))", cmp)
		params["cursorSort"], params["cursorKey"] = p.Cursor.Sort, p.Cursor.Key
	}
	return where, fmt.Sprintf("sortKey %[1]s, n.id %[1]s", dir), params
}

// row is one item of a page as the store reads it: the node and its sort key.
type row struct {
	node neo4j.Node
	sort any
	rel  *neo4j.Relationship
}

// connection builds a page from rows read in page order, one more than the page size when there
// are more: that extra row only says there is a next (or previous) page.
func connection[T any](p Page, rows []row, decode func(row) T) *model.Connection[T] {
	more := len(rows) > p.Size
	if more {
		rows = rows[:p.Size]
	}
	if p.Backward {
		for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
			rows[i], rows[j] = rows[j], rows[i]
		}
	}
	c := &model.Connection[T]{Edges: make([]model.Edge[T], len(rows))}
	for i, r := range rows {
		id, _ := r.node.Props["id"].(string)
		c.Edges[i] = model.Edge[T]{At: relay.Cursor{Sort: r.sort, Key: id}, Node: decode(r)}
	}
	if p.Backward {
		c.PageInfo.HasPreviousPage = more
		c.PageInfo.HasNextPage = p.Cursor != nil
	} else {
		c.PageInfo.HasNextPage = more
		c.PageInfo.HasPreviousPage = p.Cursor != nil
	}
	if n := len(c.Edges); n > 0 {
		start, end := c.Edges[0].Cursor(), c.Edges[n-1].Cursor()
		c.PageInfo.StartCursor, c.PageInfo.EndCursor = &start, &end
	}
	return c
}

// indexedOrders are the sort expressions that a range index of the label orders: a page in
// such an order reads the index in order (the predicate "expr IS NOT NULL" lets the planner
// use it, and the cursor's bound seeks into it) instead of sorting every node of the label.
// Orders not listed sort what the filter kept, for a documented reason: the order is an
// expression over a property (coalesce, epochMillis), which no index orders, or the list starts
// from the full-text index (a search), whose matches are few and come in score order. Every
// listed property is required, so the predicate keeps every node.
var indexedOrders = map[string]map[string]bool{
	"Service":     {"n.name": true},
	"Actor":       {"n.name": true},
	"Zone":        {"n.name": true},
	"Partnership": {"n.title": true},
	"Need":        {"n.code": true},
	"Route":       {"n.id": true},
}

// pageCypher is the statement of a page of the list, and its parameters.
func pageCypher(q query, p Page, o order) (string, map[string]any) {
	head, params := pageHead(q, p, o)
	// The page comes back as one record, a list of [n, sortKey] in page order: the driver's
	// cost is per record, and a page of 100 as 100 records cost twice the client CPU and half
	// as much again of the time (measured on the region's services).
	return head + " RETURN collect([n, sortKey]) AS page", params
}

// pageHead is the page's statement up to its rows: n and sortKey, in page order.
func pageHead(q query, p Page, o order) (string, map[string]any) {
	where, orderBy, params := p.window(o)
	if q.label != "" && indexedOrders[q.label][o.expr] {
		q.conds = append(append([]string(nil), q.conds...), o.expr+" IS NOT NULL")
		if p.Cursor != nil {
			// The bound of the cursor, as a range the index seeks to; the window keeps the
			// exact rows after (or before) the cursor.
			if o.desc != p.Backward {
				q.conds = append(q.conds, o.expr+" <= $cursorSort")
			} else {
				q.conds = append(q.conds, o.expr+" >= $cursorSort")
			}
		}
	}
	cypher := fmt.Sprintf("%s WITH n, %s AS sortKey WHERE %s WITH n, sortKey ORDER BY %s LIMIT $pageLimit",
		q.text(), o.expr, where, orderBy)
	return cypher, merge(q.params, params)
}

// list reads one page of the nodes n that match, counting them only when asked.
func list[T any](ctx context.Context, s *Store, q query, p Page, o order, decode func(neo4j.Node) T) (*model.Connection[T], error) {
	if c, ok, err := listAhead(ctx, s, q, p, o, decode); ok {
		if err != nil {
			return nil, err
		}
		c.Count = func(ctx context.Context) (int, error) { return s.count(ctx, q) }
		return c, nil
	}
	cypher, params := pageCypher(q, p, o)
	var records []*neo4j.Record
	var err error
	if len(q.refs) == 0 {
		// One statement, so one auto-commit transaction: a round-trip less than a managed one.
		records, err = readAutoCommit(ctx, s, cypher, params)
	} else {
		// The check of the filter's IDs and the page, in one transaction.
		records, err = read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
			if err := q.check(ctx, tx); err != nil {
				return nil, err
			}
			return run(ctx, tx, cypher, params)
		})
	}
	if err != nil {
		return nil, err
	}
	rows := rowsOf(records[0].Values[0].([]any), false, true, nil)
	c := connection(p, rows, func(r row) T { return decode(r.node) })
	c.Count = func(ctx context.Context) (int, error) { return s.count(ctx, q) }
	return c, nil
}

// count counts the nodes n that match.
func (s *Store) count(ctx context.Context, q query) (int, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		records, err := run(ctx, tx, q.text()+" RETURN count(n)", q.params)
		if err != nil {
			return 0, err
		}
		return int(records[0].Values[0].(int64)), nil
	})
}

func merge(maps ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// Kind is a node type as the data layer reads it by key: its label and how to read it.
type Kind[T any] struct {
	label  string
	key    func(T) string
	decode func(neo4j.Node) T
}

// The node types of the directory.
var (
	ZoneKind        = Kind[*model.Zone]{"Zone", func(z *model.Zone) string { return z.ID }, decodeZone}
	ActorKind       = Kind[*model.Actor]{"Actor", func(a *model.Actor) string { return a.ID }, decodeActor}
	ServiceKind     = Kind[*model.Service]{"Service", func(s *model.Service) string { return s.ID }, decodeService}
	NeedKind        = Kind[*model.Need]{"Need", func(n *model.Need) string { return n.ID }, decodeNeed}
	CategoryKind    = Kind[*model.ServiceCategory]{"ServiceCategory", func(c *model.ServiceCategory) string { return c.ID }, decodeCategory}
	PartnershipKind = Kind[*model.Partnership]{"Partnership", func(p *model.Partnership) string { return p.ID }, decodePartnership}
)

// Label is the node label of the kind, which is also its type name in the API.
func (k Kind[T]) Label() string { return k.label }

// Get reads the nodes of the kind by key; keys with no node are absent from the map. Case-level
// data (cases, referrals, interventions) is read through the rule of caseread.go: what the
// viewer may not see is absent too, and the read is audited.
func Get[T any](ctx context.Context, s *Store, k Kind[T], keys []string) (map[string]T, error) {
	if guard, ok := guardedKinds[k.label]; ok {
		m, err := guard(ctx, s, keys)
		out := make(map[string]T, len(m))
		for key, v := range m {
			out[key] = v.(T)
		}
		return out, err
	}
	if out, ok, err := getAhead(ctx, s, k, keys); ok {
		return out, err
	}
	// One statement, so one auto-commit transaction: a round-trip less than a managed one; and
	// one record, as partsStatement's.
	records, err := readAutoCommit(ctx, s, "UNWIND $ids AS id MATCH (n:"+k.label+" {id: id}) RETURN collect(n)", map[string]any{"ids": keys})
	if err != nil {
		return nil, err
	}
	nodes := records[0].Values[0].([]any)
	out := make(map[string]T, len(nodes))
	for _, n := range nodes {
		v := k.decode(n.(neo4j.Node))
		out[k.key(v)] = v
	}
	return out, nil
}

// filterErr turns the problems of a list's filter into one BAD_USER_INPUT error.
func filterErr(c model.Check) error {
	if len(c.InputErrors) == 0 {
		return nil
	}
	u := c.InputErrors[0]
	code := model.CodeBadUserInput
	if u.Code == model.UserErrorCodeNotFound {
		code = model.CodeInvalidID
	}
	return model.Errorf(code, "%s: %s", strings.Join(u.Field, "."), u.Message)
}
