package loaders

import (
	"slices"

	"github.com/vektah/gqlparser/v2/ast"

	"snodo/store"
)

// projections are, for one request, the properties of related nodes that the relationship fields
// read ahead need, by the field's Rel: the union of what every field of that Rel in the whole
// operation asks of the related nodes, so that a node cached for one field serves every other
// field of the same Rel (aliases, fragments). A Rel none of whose selections can be projected
// is read whole, as is everything the resolvers read themselves.
type projections map[any]*store.Projection

// projectionsOf works out the projections of the operation's fields.
func projectionsOf(schema *ast.Schema, op *ast.OperationDefinition) projections {
	out := projections{}
	if op == nil {
		return out
	}
	var visit func(sel ast.SelectionSet, seen map[string]bool)
	visit = func(sel ast.SelectionSet, seen map[string]bool) {
		for _, f := range fieldsOf(sel, seen) {
			if f.ObjectDefinition != nil && f.Definition != nil {
				if sp, ok := fields[f.ObjectDefinition.Name+"."+f.Name].(projectable); ok {
					child := f.Definition.Type.Name()
					p := out[sp.relKey()]
					if p == nil {
						p = store.NewProjection(child)
						out[sp.relKey()] = p
					}
					ask(schema, p, child, f.SelectionSet)
				}
			}
			visit(f.SelectionSet, seen)
		}
	}
	visit(op.SelectionSet, map[string]bool{})
	return out
}

// ask adds to p what the selection asks of nodes of the type typ.
func ask(schema *ast.Schema, p *store.Projection, typ string, sel ast.SelectionSet) {
	types := satisfies(schema, typ)
	for _, f := range fieldsOf(sel, map[string]bool{}) {
		if f.ObjectDefinition == nil {
			p.Whole = true
			continue
		}
		if !slices.Contains(types, f.ObjectDefinition.Name) {
			continue // a field of another type (a fragment on it): never asked of these nodes
		}
		_, related := fields[typ+"."+f.Name]
		p.Ask(f.Name, related)
	}
}

// fieldsOf flattens a selection set's fields through its fragments, whatever their type
// conditions and directives (a superset of what any request asks).
func fieldsOf(sel ast.SelectionSet, seen map[string]bool) []*ast.Field {
	var out []*ast.Field
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			out = append(out, s)
		case *ast.InlineFragment:
			out = append(out, fieldsOf(s.SelectionSet, seen)...)
		case *ast.FragmentSpread:
			if s.Definition != nil && !seen[s.Name] {
				seen[s.Name] = true
				out = append(out, fieldsOf(s.Definition.SelectionSet, seen)...)
				delete(seen, s.Name)
			}
		}
	}
	return out
}

// projectable is a field spec whose related nodes may be projected.
type projectable interface{ relKey() any }

func (s listSpec[T]) relKey() any { return s.rel }

// props are the properties to read of the nodes related through rel, nil for whole nodes.
func (w walk) props(rel any) []string {
	if w.proj == nil {
		return nil
	}
	if *w.proj == nil {
		*w.proj = projectionsOf(w.schema, w.oc.Operation)
	}
	return (*w.proj)[rel].Props()
}
