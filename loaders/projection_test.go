package loaders

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"snodo/store"
)

func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	files, _ := filepath.Glob("../schema/*.graphqls")
	files = append(files, "../schema.graphqls")
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: string(b)})
	}
	s, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// A relationship field's related nodes are read with the properties every field of that
// relationship in the operation asks (aliases and fragments together), and whole when one of
// them asks a field that is not only properties.
func TestProjectionsAreTheUnionOfTheOperation(t *testing.T) {
	schema := loadSchema(t)
	cases := map[string]struct {
		query string
		rel   any
		want  []string
	}{
		"one selection": {`{ services(first: 3) { edges { node { provider { name } } } } }`,
			&store.ServiceProvider, []string{"id", "name"}},
		"aliases and a fragment add up": {`{ a: services(first: 3) { edges { node { provider { name } } } }
			b: services(first: 3) { edges { node { provider { ...act } } } } }
			fragment act on Actor { kind description }`,
			&store.ServiceProvider, []string{"description", "id", "kind", "name"}},
		"a relationship field below needs only the key": {`{ services(first: 3) { edges { node { needs { code broader { code } } } } } }`,
			&store.ServiceNeeds, []string{"code", "id"}},
		"a field that is not only properties: the whole node": {`{ a: services(first: 3) { edges { node { zones { name } } } }
			b: services(first: 3) { edges { node { zones { updatedAt } } } } }`,
			&store.ServiceZones, nil},
		"a fragment on another type asks nothing of these nodes": {`{ node(id: "x") { ... on Service { zones { name ... on Node { id } } } ... on Actor { zones { kind } } } }`,
			&store.ServiceZones, []string{"id", "name"}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			doc, errs := gqlparser.LoadQueryWithRules(schema, c.query, rules.NewDefaultRules())
			if errs != nil {
				t.Fatal(errs)
			}
			got := projectionsOf(schema, doc.Operations[0])[c.rel].Props()
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("props %v, want %v", got, c.want)
			}
		})
	}
}
