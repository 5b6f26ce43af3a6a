package store

import (
	"context"
	"slices"
	"strconv"
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
	// column is the part's expression over the parent pid, a list of items, and its parameters;
	// node, when set, is the variable bound to the parent node itself (Source.node).
	column(ctx context.Context, s *Store, node string) (string, map[string]any)
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
	// base and via, for a source made by Via, are the key of the source it starts from and the
	// pattern of the field it follows: partsStatement reads its parts inside the items of that
	// field's part, when the statement has one (see carrier).
	base, via string
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
		params: src.params, key: src.key + "\x01" + rel.pattern, node: "parent", base: src.key, via: rel.pattern}
}

// parentKeyed ends how every Rel's pattern starts: the parent, by its key, "(:Label {id: pid})".
// parentEnd reads that start by hand, on the hot path of every statement; the regexp it
// replaced, ^\(:([A-Za-z]+) \{id: pid\}\), is in its test.
const parentKeyed = " {id: pid})"

// parentEnd is the label of the parent a pattern starts from and where that start ends; "" and
// 0 when the pattern starts otherwise.
func parentEnd(pattern string) (label string, end int) {
	if !strings.HasPrefix(pattern, "(:") {
		return "", 0
	}
	i := 2
	for i < len(pattern) && letter(pattern[i]) {
		i++
	}
	if i == 2 || !strings.HasPrefix(pattern[i:], parentKeyed) {
		return "", 0
	}
	return pattern[2:i], i + len(parentKeyed)
}

// fromNode is the pattern starting from the parent node bound as node, when one is.
func fromNode(pattern, node string) string {
	if node == "" {
		return pattern
	}
	if _, end := parentEnd(pattern); end > 0 {
		return "(" + node + ")" + pattern[end:]
	}
	return pattern
}

// whenPart is a part read only where its source's when holds; elsewhere its column is null and
// it takes nothing.
type whenPart struct{ Part }

func (p whenPart) column(ctx context.Context, s *Store, node string) (string, map[string]any) {
	text, params := p.Part.column(ctx, s, node)
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

func (p *RelatedPart[T]) column(ctx context.Context, s *Store, node string) (string, map[string]any) {
	return relatedColumn(ctx, s, *p.Rel, nil, p.Props, node, nil)
}

// carries reports whether the part's related nodes are those of the field of the pattern: a
// whole list, each node of which a source Via that field can be read inside.
func (p *RelatedPart[T]) carries(pattern string) bool {
	return p.Rel.pattern == pattern && !p.Rel.withRel
}

func (p *RelatedPart[T]) key(node any) string { return nodeKey(node, p.Props) }

func (p *RelatedPart[T]) carrying(ctx context.Context, s *Store, node string, kids nested) (string, map[string]any) {
	return relatedColumn(ctx, s, *p.Rel, nil, p.Props, node, &kids)
}

func (p *RelatedPart[T]) take(pid string, items []any) {
	if len(items) == 0 {
		return
	}
	if p.Out == nil {
		p.Out = map[string][]T{}
	}
	rows := rowsOf(items, p.Rel.withRel, p.Rel.withRel, p.Props)
	out := slices.Grow(p.Out[pid], len(rows))
	for _, r := range rows {
		out = append(out, p.Rel.decode(pid, r.node, r.rel))
	}
	p.Out[pid] = out
}

// PagePart reads the same page of a relationship field for many parents, as RelatedPages.
type PagePart[T any] struct {
	Rel  *Rel[T]
	From Source
	Page Page
	rows map[string][]row
}

func (p *PagePart[T]) source() Source { return p.From }

func (p *PagePart[T]) column(ctx context.Context, s *Store, node string) (string, map[string]any) {
	return relatedColumn(ctx, s, *p.Rel, &p.Page, nil, node, nil)
}

func (p *PagePart[T]) take(pid string, items []any) {
	if len(items) == 0 {
		return
	}
	if p.rows == nil {
		p.rows = map[string][]row{}
	}
	p.rows[pid] = rowsOf(items, p.Rel.withRel, true, nil)
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

func (p *CountPart[T]) column(ctx context.Context, s *Store, node string) (string, map[string]any) {
	guard, gparams := p.Rel.guardOf(ctx, s)
	return "[COUNT { MATCH " + fromNode(p.Rel.pattern, node) + " WHERE " + guard + " WITH DISTINCT n RETURN n }]", gparams
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

func (p *GetPart[T]) column(context.Context, *Store, string) (string, map[string]any) {
	return "COLLECT { MATCH (n:" + p.Kind.label + " {id: pid}) RETURN " + projectionOf("n", p.Props) + " }", nil
}

func (p *GetPart[T]) take(pid string, items []any) {
	if len(items) == 0 {
		return
	}
	if p.Out == nil {
		p.Out = map[string]T{}
	}
	p.Out[pid] = p.Kind.decode(nodeOf(items[0], p.Props))
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
	// kids[g][i] is the group whose columns each item of part i of group g carries (a carrier:
	// the group's source is Via that part's field), -1 when it carries none.
	kids [][]int
}

// A carrier is a part whose items are the parents of a source Via its field. partsStatement
// reads that source's parts inside the carrier's items, instead of in a branch of the statement
// of their own that would find the carrier's parents and related nodes again: a page of
// services with its providers' zones read the page four times, and the nested fields of one
// service came back as five rows of four branches.
type carrier interface {
	Part
	// carries reports whether the part reads the field of the pattern, whole.
	carries(pattern string) bool
	// carrying is the part's column with each item [node, columns], the node bound as
	// kids.node for the columns.
	carrying(ctx context.Context, s *Store, node string, kids nested) (string, map[string]any)
	// key is the key of the node of an item.
	key(node any) string
}

// nested are the columns a carrier's items carry: a list expression over kids.node.
type nested struct{ node, columns string }

// readsPid reports whether a column reads the parent's key, the variable pid (the word, as
// regexp's \bpid\b, by hand: a regexp was a third of building a statement's columns). Such a
// column needs its source's own rows, which bind pid, and is not read inside a carrier.
func readsPid(text string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], "pid")
		if j < 0 {
			return false
		}
		j += i
		if (j == 0 || !wordByte(text[j-1])) && (j+3 == len(text) || !wordByte(text[j+3])) {
			return true
		}
		i = j + 3
	}
}

// partsStatement builds one statement for the parts: a branch per source, each row a parent
// and a list of one column per part of that source; the branches joined by UNION ALL inside a
// CALL, whose rows the statement returns as one record; every parameter renamed apart. A
// source Via a field that another source's part reads whole has no branch: its columns ride in
// that part's items (carrier).
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
			st.kids = append(st.kids, nil)
		}
		st.groups[g] = append(st.groups[g], p)
		st.kids[g] = append(st.kids[g], -1)
	}
	st.params = map[string]any{}
	n := 0
	column := func(text string, ps map[string]any) string {
		text = renameParams(text, ps, "p"+strconv.Itoa(n)+"_", st.params)
		n++
		return text
	}
	// Each group's own columns, over the node its source binds, or over the variable of its
	// items when a carrier carries it.
	cols := make([][]partColumn, len(sources))
	folded := make([]bool, len(sources))
	for g, src := range sources {
		pg, ok := index[src.base]
		if ok && src.via != "" && src.when == "" && sources[pg].when == "" {
			for i, p := range st.groups[pg] {
				if c, ok := p.(carrier); ok && st.kids[pg][i] < 0 && c.carries(src.via) {
					node := "via" + strconv.Itoa(g)
					texts, reads := columnsOf(ctx, s, st.groups[g], node)
					if !reads {
						st.kids[pg][i], folded[g], cols[g] = g, true, texts
					}
					break
				}
			}
		}
	}
	for g, src := range sources {
		if !folded[g] {
			cols[g], _ = columnsOf(ctx, s, st.groups[g], src.node)
		}
	}
	// A group's columns, with each carrier's kids inside its items, depth first.
	var render func(g int, node string) string
	render = func(g int, node string) string {
		out := make([]string, len(st.groups[g]))
		for i, p := range st.groups[g] {
			k := st.kids[g][i]
			if k < 0 {
				out[i] = column(cols[g][i].text, cols[g][i].params)
				continue
			}
			kid := "via" + strconv.Itoa(k)
			text, ps := p.(carrier).carrying(ctx, s, node, nested{node: kid, columns: render(k, kid)})
			out[i] = column(text, ps)
		}
		return "[" + strings.Join(out, ", ") + "]"
	}
	var branches []string
	for g, src := range sources {
		if folded[g] {
			continue
		}
		branches = append(branches, renameParams(src.text, src.params, "s"+strconv.Itoa(g)+"_", st.params)+
			" RETURN "+strconv.Itoa(g)+" AS part, pid, "+render(g, src.node)+" AS items")
	}
	// The rows come back as one record, a list of [part, pid, items]: the driver reads each
	// record as a message of its own, with a goroutine and a context per read while the server
	// sends its connection.recv_timeout_seconds hint, and Neo4j sends each with its own framing.
	// For a page of 100 services that was a fifth of Snodo's CPU and a sixth of Neo4j's.
	st.cypher = "CALL () { " + strings.Join(branches, " UNION ALL ") + " } RETURN collect([part, pid, items]) AS rows"
	return st
}

// partColumn is a part's column as it gave it, before its parameters are renamed.
type partColumn struct {
	text   string
	params map[string]any
}

// columnsOf are the columns of the parts over node; reads reports that one of them reads the
// parent's key.
func columnsOf(ctx context.Context, s *Store, parts []Part, node string) (cols []partColumn, reads bool) {
	cols = make([]partColumn, len(parts))
	for i, p := range parts {
		text, ps := p.column(ctx, s, node)
		cols[i] = partColumn{text, ps}
		reads = reads || readsPid(text)
	}
	return cols, reads
}

// deliver gives each part its column of every row of the statement's one record, and each
// carried part its column of every distinct node of its carrier.
func (st partsRead) deliver(records []*neo4j.Record) {
	seen := make([]map[string]bool, len(st.groups))
	for _, r := range records[0].Values[0].([]any) {
		row := r.([]any)
		st.give(int(row[0].(int64)), row[1].(string), row[2].([]any), seen)
	}
}

// give gives the parts of group g the columns of the parent pid.
func (st partsRead) give(g int, pid string, columns []any, seen []map[string]bool) {
	for i, items := range columns {
		if items == nil { // a whenPart not read for this row
			continue
		}
		list := items.([]any)
		if k := st.kids[g][i]; k >= 0 {
			carrier := st.groups[g][i].(carrier)
			// Each item is [node, columns of group k over it]; a node two parents share
			// carries the same columns twice, and gives them once.
			nodes := make([]any, len(list))
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			for j, item := range list {
				pair := item.([]any)
				nodes[j] = pair[0]
				if id := carrier.key(pair[0]); !seen[k][id] {
					seen[k][id] = true
					st.give(k, id, pair[1].([]any), seen)
				}
			}
			list = nodes
		}
		st.groups[g][i].take(pid, list)
	}
}

// renameParams prefixes the parameters of text that ps holds, adding them to into. A parameter
// is a $ and a name, [A-Za-z_][A-Za-z0-9_]*; it is found by hand, on the hot path of every
// statement (the regexp it replaced is in its test).
func renameParams(text string, ps map[string]any, prefix string, into map[string]any) string {
	if len(ps) == 0 {
		return text
	}
	for k, v := range ps {
		into[prefix+k] = v
	}
	var b strings.Builder
	done := 0 // text[:done] is in b
	for i := 0; i < len(text); i++ {
		if text[i] != '$' || i+1 == len(text) || !(text[i+1] == '_' || letter(text[i+1])) {
			continue
		}
		j := i + 2
		for j < len(text) && wordByte(text[j]) {
			j++
		}
		if _, ok := ps[text[i+1:j]]; ok {
			if b.Len() == 0 {
				b.Grow(len(text) + 4*len(prefix))
			}
			b.WriteString(text[done : i+1])
			b.WriteString(prefix)
			done = i + 1
		}
		i = j - 1
	}
	if done == 0 {
		return text
	}
	b.WriteString(text[done:])
	return b.String()
}

// letter reports whether c is an ASCII letter, and wordByte whether it is a letter, a digit or
// _: the bytes of Cypher's names as the statement text's scanners read them.
func letter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func wordByte(c byte) bool { return c == '_' || '0' <= c && c <= '9' || letter(c) }

// relatedColumn is the column of a relationship field over the parent pid: its related nodes
// (and relationships), each with its sort key, in order; one page of them when p is set.
func relatedColumn[T any](ctx context.Context, s *Store, rel Rel[T], p *Page, props []string, node string, kids *nested) (string, map[string]any) {
	where, orderBy, params := "true", "sortKey, n.id", map[string]any{}
	limit := ""
	if p != nil {
		where, orderBy, params = p.window(rel.order)
		limit = " LIMIT $pageLimit"
	}
	// A page's items carry their sort key, for their cursors; a whole list's are its nodes alone,
	// or, when it carries the parts of a source through it, each node with their columns.
	item := "[" + projectionOf("n", props) + ", sortKey]"
	switch {
	case rel.withRel:
		item = "[n, sortKey, r]"
	case kids != nil:
		item = "WITH n AS " + kids.node + " RETURN [" + projectionOf(kids.node, props) + ", " + kids.columns + "]"
	case p == nil:
		item = projectionOf("n", props)
	}
	if kids == nil {
		item = "RETURN " + item
	}
	rv := relVar(rel.withRel)
	guard, gparams := rel.guardOf(ctx, s)
	column := "COLLECT { MATCH " + fromNode(rel.pattern, node) + " WHERE " + guard + " WITH DISTINCT n" + rv +
		" WITH n" + rv + ", " + rel.order.expr + " AS sortKey WHERE " + where +
		" WITH n" + rv + ", sortKey ORDER BY " + orderBy + limit + " " + item + " }"
	return column, merge(params, gparams)
}

// rowsOf reads the items of relatedColumn: each [n, sortKey, r] for a field with its
// relationship, [node, sortKey] for a page (sorted), the node alone otherwise; a node is whole,
// or the properties props in order (projectionOf).
func rowsOf(items []any, withRel, sorted bool, props []string) []row {
	out := make([]row, len(items))
	for i, v := range items {
		if !sorted && !withRel {
			out[i] = row{node: nodeOf(v, props)} // a node of a whole list, without its sort key
			continue
		}
		item := v.([]any)
		out[i] = row{node: nodeOf(item[0], props), sort: item[1]}
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

// nodeOf is a node as read: whole when props is empty, else the list of the properties props in
// order (projectionOf), absent ones null, which are left out.
func nodeOf(v any, props []string) neo4j.Node {
	if len(props) == 0 {
		return v.(neo4j.Node)
	}
	values := v.([]any)
	m := make(map[string]any, len(props))
	for i, k := range props {
		if values[i] != nil {
			m[k] = values[i]
		}
	}
	return neo4j.Node{Props: m}
}

// nodeKey is the key of a node as nodeOf reads it, without reading the rest.
func nodeKey(v any, props []string) string {
	if len(props) == 0 {
		id, _ := v.(neo4j.Node).Props["id"].(string)
		return id
	}
	id, _ := v.([]any)[slices.Index(props, "id")].(string)
	return id
}
