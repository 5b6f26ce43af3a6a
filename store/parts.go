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
// (ReadParts). A part is a column over its parents: a Cypher expression over one parent, bound
// as pid, giving that parent's items. Parts whose parents come from the same source share one
// row per parent, so a level of three fields of a hundred services is a hundred rows of three
// columns, not three hundred rows: the rows and their per-parent grouping were most of the cost.
type Part interface {
	// source is where the part's parents come from.
	source() Source
	// column is the part's expression over the parent pid, a list of items, and its parameters.
	column(ctx context.Context, s *Store) (string, map[string]any)
	// take reads the items of one parent.
	take(pid string, items []any)
}

// Source is where a part's parents come from: keys given, or the nodes related to another
// source's through a relationship field, so that a field two levels down is read in the same
// statement as the level above it.
type Source struct {
	text   string // binds pid, the parent's key, one row per distinct parent
	params map[string]any
	key    string // the same key, the same parents: their parts share rows
	// node, when set, is the variable the text binds to the parent node itself, which the
	// parts' patterns start from instead of finding the parent again by its key (a seek of
	// the key's index per part and parent: half of Neo4j's time on a page of 100 services).
	node string
	// when, when set, is a boolean the text binds: the parts planned on the source read only
	// where it holds (whenPart), and the sources through it have no parents where it does not.
	when string
}

// Keys is the source of the parents with the keys.
func Keys(ids []string) Source {
	return Source{text: "UNWIND $ids AS pid", params: map[string]any{"ids": ids}, key: "keys\x00" + strings.Join(ids, "\x00")}
}

// Via is the source of the nodes related to the source's parents through rel (which has no
// guard: the loaders read ahead only fields without one).
func Via[T any](src Source, rel *Rel[T]) Source {
	text := src.text
	if src.when != "" {
		text += " WITH * WHERE " + src.when
	}
	return Source{text: text + " MATCH " + fromNode(rel.pattern, src.node) + " WITH DISTINCT n AS parent WITH parent, parent.id AS pid",
		params: src.params, key: src.key + "\x01" + rel.pattern, node: "parent"}
}

// parentPattern is how every Rel's pattern starts: the parent, by its key.
var parentPattern = regexp.MustCompile(`^\(:([A-Za-z]+) \{id: pid\}\)`)

// parentLabel is the label of the parent a pattern starts from, "" when it starts otherwise.
func parentLabel(pattern string) string {
	if m := parentPattern.FindStringSubmatch(pattern); m != nil {
		return m[1]
	}
	return ""
}

// fromNode is the pattern starting from the parent node bound as node, when one is.
func fromNode(pattern, node string) string {
	if node == "" || parentLabel(pattern) == "" {
		return pattern
	}
	return "(" + node + ")" + pattern[len(parentPattern.FindString(pattern)):]
}

// whenPart is a part read only where its source's when holds; elsewhere its column is null and
// it takes nothing.
type whenPart struct{ Part }

func (p whenPart) column(ctx context.Context, s *Store) (string, map[string]any) {
	text, params := p.Part.column(ctx, s)
	if when := p.source().when; when != "" {
		text = "CASE WHEN " + when + " THEN " + text + " END"
	}
	return text, params
}

// RelatedPart reads a relationship field of many parents: every related node of each, as Related.
type RelatedPart[T any] struct {
	Rel  *Rel[T]
	From Source
	// Props, when set, are the only properties of the related nodes read (see Projection);
	// whole nodes are read otherwise.
	Props []string
	Out   map[string][]T
}

func (p *RelatedPart[T]) source() Source { return p.From }

func (p *RelatedPart[T]) column(ctx context.Context, s *Store) (string, map[string]any) {
	return relatedColumn(ctx, s, *p.Rel, nil, p.Props, p.From.node)
}

func (p *RelatedPart[T]) take(pid string, items []any) {
	if len(items) == 0 {
		return
	}
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

func (p *PagePart[T]) source() Source { return p.From }

func (p *PagePart[T]) column(ctx context.Context, s *Store) (string, map[string]any) {
	return relatedColumn(ctx, s, *p.Rel, &p.Page, nil, p.From.node)
}

func (p *PagePart[T]) take(pid string, items []any) {
	if len(items) == 0 {
		return
	}
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

func (p *CountPart[T]) source() Source { return p.From }

func (p *CountPart[T]) column(ctx context.Context, s *Store) (string, map[string]any) {
	guard, gparams := p.Rel.guardOf(ctx, s)
	return fmt.Sprintf("[COUNT { MATCH %s WHERE %s WITH DISTINCT n RETURN n }]", fromNode(p.Rel.pattern, p.From.node), guard), gparams
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
	// Props, when set, are the only properties read (see Projection); whole nodes otherwise.
	Props []string
	Out   map[string]T
}

func (p *GetPart[T]) source() Source { return Keys(p.IDs) }

func (p *GetPart[T]) column(context.Context, *Store) (string, map[string]any) {
	return "COLLECT { MATCH (n:" + p.Kind.label + " {id: pid}) RETURN " + projectionOf("n", p.Props) + " }", nil
}

func (p *GetPart[T]) take(pid string, items []any) {
	if len(items) == 0 {
		return
	}
	if p.Out == nil {
		p.Out = map[string]T{}
	}
	p.Out[pid] = p.Kind.decode(asNode(items[0]))
}

// Guarded reports whether nodes of the kind are read through the rule of caseread.go, so that
// they cannot be read as a part.
func (k Kind[T]) Guarded() bool { _, ok := guardedKinds[k.label]; return ok }

// Guarded reports whether the relationship field has a guard for the viewer.
func (rel Rel[T]) Guarded() bool { return rel.guard != nil }

// ReadParts reads every part in one statement, an auto-commit transaction of its own.
func ReadParts(ctx context.Context, s *Store, parts []Part) error {
	if len(parts) == 0 {
		return nil
	}
	st := partsStatement(ctx, s, parts)
	records, err := readAutoCommit(ctx, s, st.cypher, st.params)
	if err != nil {
		return err
	}
	st.deliver(records)
	return nil
}

// readPartsTx reads the parts as ReadParts does, in a managed transaction (retried on a
// transient failure): for the loaders' own batches, which nothing else retries.
func readPartsTx(ctx context.Context, s *Store, parts ...Part) error {
	st := partsStatement(ctx, s, parts)
	records, err := read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*neo4j.Record, error) {
		return run(ctx, tx, st.cypher, st.params)
	})
	if err != nil {
		return err
	}
	st.deliver(records)
	return nil
}

// partsRead is the statement of some parts, and who takes each row's columns.
type partsRead struct {
	cypher string
	params map[string]any
	groups [][]Part // by the part column of a row: the parts of its items, in order
}

// partsStatement builds one statement for the parts: a branch per source, each row a parent
// and a list of one column per part of that source; the branches joined by UNION ALL inside a
// CALL, every parameter renamed apart.
func partsStatement(ctx context.Context, s *Store, parts []Part) partsRead {
	var st partsRead
	var sources []Source
	index := map[string]int{}
	for _, p := range parts {
		src := p.source()
		g, ok := index[src.key]
		if !ok {
			g = len(sources)
			index[src.key] = g
			sources = append(sources, src)
			st.groups = append(st.groups, nil)
		}
		st.groups[g] = append(st.groups[g], p)
	}
	st.params = map[string]any{}
	branches := make([]string, len(sources))
	n := 0
	for g, src := range sources {
		cols := make([]string, len(st.groups[g]))
		for i, p := range st.groups[g] {
			text, ps := p.column(ctx, s)
			cols[i] = renameParams(text, ps, fmt.Sprintf("p%d_", n), st.params)
			n++
		}
		branches[g] = fmt.Sprintf("%s RETURN %d AS part, pid, [%s] AS items",
			renameParams(src.text, src.params, fmt.Sprintf("s%d_", g), st.params), g, strings.Join(cols, ", "))
	}
	st.cypher = branches[0]
	if len(branches) > 1 {
		st.cypher = "CALL { " + strings.Join(branches, " UNION ALL ") + " } RETURN part, pid, items"
	}
	return st
}

// deliver gives each part its column of every row.
func (st partsRead) deliver(records []*neo4j.Record) {
	for _, rec := range records {
		group := st.groups[int(rec.Values[0].(int64))]
		pid := rec.Values[1].(string)
		for i, items := range rec.Values[2].([]any) {
			if items != nil { // nil: a whenPart not read for this row
				group[i].take(pid, items.([]any))
			}
		}
	}
}

// renameParams prefixes the parameters of text that ps holds, adding them to into.
func renameParams(text string, ps map[string]any, prefix string, into map[string]any) string {
	if len(ps) == 0 {
		return text
	}
	for k, v := range ps {
		into[prefix+k] = v
	}
	return paramRef.ReplaceAllStringFunc(text, func(ref string) string {
		if _, ok := ps[ref[1:]]; ok {
			return "$" + prefix + ref[1:]
		}
		return ref
	})
}

var paramRef = regexp.MustCompile(`\$[A-Za-z_][A-Za-z0-9_]*`)

// relatedColumn is the column of a relationship field over the parent pid: its related nodes
// (and relationships), each with its sort key, in order; one page of them when p is set.
func relatedColumn[T any](ctx context.Context, s *Store, rel Rel[T], p *Page, props []string, node string) (string, map[string]any) {
	where, orderBy, params := "true", "sortKey, n.id", map[string]any{}
	limit := ""
	if p != nil {
		where, orderBy, params = p.window(rel.order)
		limit = " LIMIT $pageLimit"
	}
	// A page's items carry their sort key, for their cursors; a whole list's are its nodes alone.
	item := "[" + projectionOf("n", props) + ", sortKey]"
	switch {
	case rel.withRel:
		item = "[n, sortKey, r]"
	case p == nil:
		item = projectionOf("n", props)
	}
	rv := relVar(rel.withRel)
	guard, gparams := rel.guardOf(ctx, s)
	column := fmt.Sprintf("COLLECT { MATCH %s WHERE %s WITH DISTINCT n%s WITH n%s, %s AS sortKey WHERE %s "+
		"WITH n%s, sortKey ORDER BY %s%s RETURN %s }",
		fromNode(rel.pattern, node), guard, rv, rv, rel.order.expr, where, rv, orderBy, limit, item)
	return column, merge(params, gparams)
}

// rowsOf reads the items of relatedColumn.
func rowsOf(items []any, withRel bool) []row {
	out := make([]row, len(items))
	for i, v := range items {
		item, ok := v.([]any)
		if !ok {
			out[i] = row{node: asNode(v)} // a node of a whole list, without its sort key
			continue
		}
		out[i] = row{node: asNode(item[0]), sort: item[1]}
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

// asNode is a node as read: whole, or a map projection of it, whose properties are the node's.
func asNode(v any) neo4j.Node {
	if m, ok := v.(map[string]any); ok {
		return neo4j.Node{Props: m}
	}
	return v.(neo4j.Node)
}
