package server

import (
	"slices"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"snodo/graph"
	"snodo/model"
)

// The export follows the field's @hasRole: the roles it names, none when it has none.
func TestFieldRolesReadsHasRole(t *testing.T) {
	schema := gqlparser.MustLoadSchema(&ast.Source{Name: "t.graphqls", Input: `
directive @hasRole(roles: [Role!]!) on FIELD_DEFINITION
enum Role { ADMIN COORDINATOR RESEARCHER }
type Query {
  open: Int
  guarded: Int @hasRole(roles: [ADMIN, RESEARCHER])
}`})
	if got := fieldRoles(schema, "Query", "open"); got != nil {
		t.Errorf("a field without @hasRole: %v, want nil (anyone)", got)
	}
	if got := fieldRoles(schema, "Query", "guarded"); !slices.Equal(got, []model.Role{model.RoleAdmin, model.RoleResearcher}) {
		t.Errorf("roles %v", got)
	}
	// Snodo's own schema: networkAnalysis names its roles.
	real := graph.NewSchema(&graph.Resolver{}).Schema()
	if got := fieldRoles(real, "Query", "networkAnalysis"); !slices.Contains(got, model.RoleCoordinator) || slices.Contains(got, model.RoleCaseManager) {
		t.Errorf("networkAnalysis roles %v", got)
	}
}
