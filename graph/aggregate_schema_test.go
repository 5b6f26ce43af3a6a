package graph_test

import (
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"snodo/graph"
)

// Every aggregate leaves Snodo through the disclosure layer: the test derives from the schema
// itself every query field a researcher may ask, and every one that reaches a derived figure,
// and requires @aggregate of each, so a new research field cannot skip the layer.
func TestEveryAggregateGoesThroughTheDisclosureLayer(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	reaches := map[string]bool{}
	var reachesFigure func(name string, seen map[string]bool) bool
	reachesFigure = func(name string, seen map[string]bool) bool {
		if name == "Figure" {
			return true
		}
		if v, ok := reaches[name]; ok {
			return v
		}
		def := schema.Types[name]
		if def == nil || seen[name] || (def.Kind != ast.Object && def.Kind != ast.Interface) {
			return false
		}
		seen[name] = true
		for _, f := range def.Fields {
			if reachesFigure(f.Type.Name(), seen) {
				reaches[name] = true
				return true
			}
		}
		return false
	}
	checked := 0
	for _, f := range schema.Query.Fields {
		role := f.Directives.ForName("hasRole")
		forResearchers := false
		if role != nil {
			for _, r := range role.Arguments.ForName("roles").Value.Children {
				forResearchers = forResearchers || r.Value.Raw == "RESEARCHER"
			}
		}
		aggregate := f.Directives.ForName("aggregate") != nil
		if (forResearchers || reachesFigure(f.Type.Name(), map[string]bool{})) && !aggregate {
			t.Errorf("Query.%s publishes an aggregate without @aggregate", f.Name)
		}
		if aggregate {
			checked++
			if len(f.Directives) < 2 || f.Directives[0].Name != "aggregate" || f.Directives[1].Name != "hasRole" {
				t.Errorf("Query.%s: write @aggregate before @hasRole, so that the role is checked first", f.Name)
			}
		}
	}
	if checked < 5 {
		t.Errorf("only %d aggregate fields found", checked)
	}
}
