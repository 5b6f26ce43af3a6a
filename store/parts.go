package store

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// A Part is one read of a combined statement: the loaders gather every relationship field and
// every node by key that one level of a request needs and read them all in one round-trip
// (ReadParts), each part answering rows of (pid, items) for its parents.
type Part interface {
	// cypher is the part's statement, returning the columns part, pid and items, and its
	// parameters; tag names the part in the part column.
	cypher(ctx context.Context, s *Store, tag int) (string, map[string]any)
	// take reads the items of one parent.
	take(pid string, items []any)
}

// Source is where a part's parents come from: keys given, or the nodes related to another
// source's through a relationship field, so that a field two levels down is read in the same
// statement as the level above it.
type Source struct {
	text   string // binds pid, the parent's key
	params map[string]any
}

// Keys is the source of the parents with the keys.
func Keys(ids []string) Source {
	return Source{"UNWIND $ids AS pid", map[string]any{"ids": ids}}
}

// Via is the source of the nodes related to the source's parents through rel (which has no
// guard: the loaders read ahead only fields without one).
func Via[T any](src Source, rel *Rel[T]) Source {
	return Source{src.text + " MATCH " + rel.pattern + " WITH DISTINCT n.id AS pid", src.params}
}

// RelatedPart reads a relationship field of many parents: every related node of each, as Related.
type RelatedPart[T any] struct {
	Rel  *Rel[T]
	From Source
	Out  map[string][]T
}

func (p *RelatedPart[T]) cypher(ctx context.Context, s *Store, tag int) (string, map[string]any) {
	return relatedCypher(ctx, s, *p.Rel, p.From, nil, tag)
}

func (p *RelatedPart[T]) take(pid string, items []any) {
	if p.Out == nil {
		p.Out = map[string][]T{}
	}
	for _, r := range rowsOf(items, p.Rel.withRel) {
		p.Out[pid] = append(p.Out[pid], p.Rel.decode(pid, r.node, r.rel))
	}
}

// PagePart reads the same page of a relationship field for many parents, as RelatedPages.
type PagePart[T any] struct {
	Rel  *Rel[T]
	From Source
	Page Page
	rows map[string][]row
}

func (p *PagePart[T]) cypher(ctx context.Context, s *Store, tag int) (string, map[string]any) {
	return relatedCypher(ctx, s, *p.Rel, p.From, &p.Page, tag)
}

func (p *PagePart[T]) take(pid string, items []any) {
	if p.rows == nil {
		p.rows = map[string][]row{}
	}
	p.rows[pid] = rowsOf(items, p.Rel.withRel)
}

// Of is the page of the parent; a parent with no related node has an empty page.
func (p *PagePart[T]) Of(pid string) *model.Connection[T] {
	return connection(p.Page, p.rows[pid], func(r row) T { return p.Rel.decode(pid, r.node, r.rel) })
}

// CountPart counts the related nodes of many parents, as RelatedCounts.
type CountPart[T any] struct {
	Rel  *Rel[T]
	From Source
	Out  map[string]int
}

func (p *CountPart[T]) cypher(ctx context.Context, s *Store, tag int) (string, map[string]any) {
	guard, gparams := p.Rel.guardOf(ctx, s)
	return fmt.Sprintf("%s OPTIONAL MATCH %s WHERE %s RETURN %d AS part, pid, [count(DISTINCT n)] AS items",
		p.From.text, p.Rel.pattern, guard, tag), merge(gparams, p.From.params)
}

func (p *CountPart[T]) take(pid string, items []any) {
	if p.Out == nil {
		p.Out = map[string]int{}
	}
	p.Out[pid] = int(items[0].(int64))
}

// GetPart reads nodes of a kind by key, as Get; only for kinds with no guard (Guarded).
type GetPart[T any] struct {
	Kind Kind[T]
	IDs  []string
	Out  map[string]T
}

func (p *GetPart[T]) cypher(_ context.Context, _ *Store, tag int) (string, map[string]any) {
	return fmt.Sprintf("UNWIND $ids AS pid MATCH (n:%s {id: pid}) RETURN %d AS part, pid, [n] AS items", p.Kind.label, tag),
		map[string]any{"ids": p.IDs}
}

func (p *GetPart[T]) take(pid string, items []any) {
	if p.Out == nil {
		p.Out = map[string]T{}
	}
	p.Out[pid] = p.Kind.decode(items[0].(neo4j.Node))
}

// Guarded reports whether nodes of the kind are read through the rule of caseread.go, so that
// they cannot be read as a part.
func (k Kind[T]) Guarded() bool { _, ok := guardedKinds[k.label]; return ok }

// Guarded reports whether the relationship field has a guard for the viewer.
func (rel Rel[T]) Guarded() bool { return rel.guard != nil }

// ReadParts reads every part in one statement of one read transaction: the parts' statements
// joined by UNION ALL inside a CALL, each part's parameters renamed apart.
func ReadParts(ctx context.Context, s *Store, parts []Part) error {
	if len(parts) == 0 {
		return nil
	}
	texts := make([]string, len(parts))
	params := map[string]any{}
	for i, p := range parts {
		text, ps := p.cypher(ctx, s, i)
		if len(parts) > 1 {
			text = paramRef.ReplaceAllStringFunc(text, func(ref string) string {
				if _, ok := ps[ref[1:]]; ok {
					return fmt.Sprintf("$p%d_%s", i, ref[1:])
				}
				return ref
			})
			for k, v := range ps {
				params[fmt.Sprintf("p%d_%s", i, k)] = v
			}
		} else {
			params = ps
		}
		texts[i] = text
	}
	cypher := texts[0]
	if len(parts) > 1 {
		cypher = "CALL { " + strings.Join(texts, " UNION ALL ") + " } RETURN part, pid, items"
	}
	records, err := readAutoCommit(ctx, s, cypher, params)
	if err != nil {
		return err
	}
	for _, rec := range records {
		parts[int(rec.Values[0].(int64))].take(rec.Values[1].(string), rec.Values[2].([]any))
	}
	return nil
}

var paramRef = regexp.MustCompile(`\$[A-Za-z_][A-Za-z0-9_]*`)

// relatedCypher is the statement of relatedPages, answering the columns part, pid and items.
func relatedCypher[T any](ctx context.Context, s *Store, rel Rel[T], src Source, p *Page, tag int) (string, map[string]any) {
	where, orderBy, params := "true", "sortKey, n.id", map[string]any{}
	limit := ""
	if p != nil {
		where, orderBy, params = p.window(rel.order)
		limit = "[..$pageLimit]"
	}
	item := "[n, sortKey]"
	if rel.withRel {
		item = "[n, sortKey, r]"
	}
	rv := relVar(rel.withRel)
	guard, gparams := rel.guardOf(ctx, s)
	cypher := fmt.Sprintf("%s MATCH %s WHERE %s WITH DISTINCT pid, n%s WITH pid, n%s, %s AS sortKey WHERE %s "+
		"WITH pid, n%s, sortKey ORDER BY %s RETURN %d AS part, pid, collect(%s)%s AS items",
		src.text, rel.pattern, guard, rv, rv, rel.order.expr, where, rv, orderBy, tag, item, limit)
	return cypher, merge(params, gparams, src.params)
}

// rowsOf reads the items of relatedCypher.
func rowsOf(items []any, withRel bool) []row {
	out := make([]row, len(items))
	for i, v := range items {
		item := v.([]any)
		out[i] = row{node: item[0].(neo4j.Node), sort: item[1]}
		if withRel {
			rr := item[2].(neo4j.Relationship)
			out[i].rel = &rr
		}
	}
	return out
}

// EndNodes are the related nodes a page part read, as nodes of the kind k: a membership's
// partnership (or actor) is read with the membership, so its loader need not read it again.
func EndNodes[T, K any](p *PagePart[T], k Kind[K]) map[string]K {
	out := map[string]K{}
	for _, rows := range p.rows {
		for _, r := range rows {
			v := k.decode(r.node)
			out[k.key(v)] = v
		}
	}
	return out
}
