package loaders

import (
	"context"
	"slices"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"snodo/store"
)

// rootAhead is the store.Ahead of one root query field: when the field's resolver reads its
// nodes (a lookup by key, a page), the relationship fields asked of those nodes are planned
// from the nodes' source, as fields derived from a read are (walk.derive), and read in the same
// statement. The walk that follows the resolver then finds them in the loaders.
type rootAhead struct {
	w     walk
	field graphql.CollectedField
	used  atomic.Bool
}

func (a *rootAhead) Plan(ctx context.Context, label string, src store.Source) ([]store.Part, []string, func([]any)) {
	if a.used.Swap(true) {
		return nil, nil, nil // only the field's first read of its nodes carries the fields below them
	}
	typ, sel := a.w.nodeSelection(a.field)
	if !slices.Contains(a.w.satisfies(label), typ) {
		typ, sel = a.w.holding(typ, sel, label)
	}
	if len(sel) == 0 || !slices.Contains(a.w.satisfies(label), typ) {
		return nil, nil, nil // the read is not of the nodes the field answers with
	}
	ft := &fetch{typ: label, sel: sel, source: &src}
	a.w.derive(ctx, ft, 1)
	parts := ft.allParts(nil)
	if f := ObserveBatch; f != nil && len(parts) > 0 {
		f(len(parts) + 1)
	}
	// The nodes themselves go to the field's resolver and to nothing cached: what this field
	// asks of them is all they need.
	proj := store.NewProjection(label)
	ask(a.w.schema, proj, label, sel)
	return parts, proj.Props(), func(nodes []any) { ft.deliverDerived(nodes) }
}

// nodeSelection is the type of the nodes a root field answers with and the selection set asked
// of them: the field's own, or its edges' nodes' when it is a connection.
func (w walk) nodeSelection(f graphql.CollectedField) (string, ast.SelectionSet) {
	typ := f.Definition.Type.Name()
	edges := w.fieldType(typ, "edges")
	node := w.fieldType(edges, "node")
	if node == "" {
		return typ, f.Selections
	}
	var sel ast.SelectionSet
	for _, e := range graphql.CollectFields(w.oc, f.Selections, []string{typ}) {
		if e.Name != "edges" {
			continue
		}
		for _, n := range graphql.CollectFields(w.oc, e.Selections, []string{edges}) {
			if n.Name == "node" {
				sel = append(sel, n.Selections...)
			}
		}
	}
	return node, sel
}

// holding is, when the nodes of typ hold a node of the label in a field (a service match's
// service), that field's type and the selection set asked of it, every alias of it together;
// typ and nothing otherwise.
func (w walk) holding(typ string, sel ast.SelectionSet, label string) (string, ast.SelectionSet) {
	held := w.satisfies(label)
	var inner ast.SelectionSet
	name := ""
	for _, f := range graphql.CollectFields(w.oc, sel, w.satisfies(typ)) {
		if f.Definition == nil || f.Definition.Type.Elem != nil || !slices.Contains(held, f.Definition.Type.Name()) {
			continue
		}
		if name != "" && f.Name != name {
			return typ, nil // two fields hold such nodes: which node is which is not known here
		}
		name = f.Name
		inner = append(inner, f.Selections...)
	}
	if name == "" {
		return typ, nil
	}
	return label, inner
}

// fieldType is the named type of a field of an object type, "" when it has no such field.
func (w walk) fieldType(typ, field string) string {
	d := w.schema.Types[typ]
	if d == nil || d.Kind != ast.Object {
		return ""
	}
	if f := d.Fields.ForName(field); f != nil {
		return f.Type.Name()
	}
	return ""
}
