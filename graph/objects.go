package graph

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// The generated code calls these where gqlgen's would allocate, for every object of a
// response, what only some objects use (cmd/generate rewrites it).

// object is an object of the response: its fields, as collected, and their values, once every
// field has been resolved. It writes itself as gqlgen's FieldSet does, without the map of
// written names and the copy of each field that FieldSet's writing allocates.
type object struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

// objectOut is the response's value for an object whose fields are all resolved (out holds
// them, in the order of fields).
func objectOut(fields []graphql.CollectedField, out *graphql.FieldSet) graphql.Marshaler {
	return &object{fields: fields, values: out.Values}
}

// MarshalGQL writes the object's fields in order, each alias once: graphql.CollectFields
// merges the fields of one alias, and the check below keeps FieldSet's guarantee if it did not.
func (o *object) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, "{")
	for i := range o.fields {
		alias := o.fields[i].Alias
		if written(o.fields[:i], alias) {
			continue
		}
		if i > 0 {
			_, _ = io.WriteString(w, ",")
		}
		// An alias is a GraphQL name, [_A-Za-z][_0-9A-Za-z]*: nothing in it needs escaping.
		_, _ = io.WriteString(w, `"`)
		_, _ = io.WriteString(w, alias)
		_, _ = io.WriteString(w, `":`)
		o.values[i].MarshalGQL(w)
	}
	_, _ = io.WriteString(w, "}")
}

// written says whether a field before this one has the alias.
func written(before []graphql.CollectedField, alias string) bool {
	for i := range before {
		if before[i].Alias == alias {
			return true
		}
	}
	return false
}

// deferredGroup gives an object's set of deferred fields and their views by label, made when
// its first deferred field is met: most objects have none.
func deferredGroup(set *graphql.FieldSet, views map[string]*graphql.FieldSetView) (*graphql.FieldSet, map[string]*graphql.FieldSetView) {
	if set == nil {
		set, views = graphql.NewFieldSet(nil), map[string]*graphql.FieldSetView{}
	}
	return set, views
}

// deferredPath is the path of the object being marshalled, for the group of its deferred
// fields, or nil when it has none: graphql's ProcessDeferredGroup does nothing with a group
// without deferred fields, and working the path out allocates it, for every object.
func deferredPath(ctx context.Context, defers map[string]*graphql.FieldSetView) ast.Path {
	if len(defers) == 0 {
		return nil
	}
	return graphql.GetPath(ctx)
}
