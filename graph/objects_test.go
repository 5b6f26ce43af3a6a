package graph

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// An object writes its fields in order, as gqlgen's FieldSet does, each alias once.
func TestObjectWritesEachAliasOnceInOrder(t *testing.T) {
	fields := []graphql.CollectedField{
		{Field: &ast.Field{Alias: "name"}},
		{Field: &ast.Field{Alias: "first"}},
		{Field: &ast.Field{Alias: "name"}},
		{Field: &ast.Field{Alias: "count"}},
	}
	out := graphql.NewFieldSet(fields)
	out.Values = []graphql.Marshaler{graphql.MarshalString("Sportello"), graphql.MarshalBoolean(true), graphql.MarshalString("again"), graphql.MarshalInt(3)}
	var mine, theirs bytes.Buffer
	objectOut(fields, out).MarshalGQL(&mine)
	out.MarshalGQL(&theirs)
	if mine.String() != `{"name":"Sportello","first":true,"count":3}` || mine.String() != theirs.String() {
		t.Errorf("object: %s; gqlgen's FieldSet: %s", mine.String(), theirs.String())
	}
}
