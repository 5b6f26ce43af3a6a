package graph_test

import (
	"context"
	"slices"
	"testing"

	"snodo/auth"
	"snodo/graph"
	"snodo/model"
)

// The HTTP endpoints that serve a field's figures (GET /reports/ serves Query.indicators') take
// its roles from the schema's @hasRole and check them as the directive does.
func TestFieldRolesReadTheSchema(t *testing.T) {
	roles := graph.FieldRoles("Query", "indicators")
	if !slices.Equal(roles, []model.Role{model.RoleAdmin, model.RoleCoordinator, model.RoleResearcher}) {
		t.Fatalf("Query.indicators' roles: %v", roles)
	}
	for _, c := range []struct {
		role auth.Role
		code model.Code
	}{
		{auth.Researcher, ""}, {auth.Coordinator, ""}, {auth.Admin, ""},
		{auth.CaseManager, model.CodeForbidden}, {auth.ServiceOperator, model.CodeForbidden}, {auth.Anonymous, model.CodeUnauthenticated},
	} {
		err := graph.CheckRole(auth.WithViewer(context.Background(), auth.Viewer{Subject: "x", Role: c.role}), roles)
		if (c.code == "" && err != nil) || (c.code != "" && model.ErrorCode(err) != c.code) {
			t.Errorf("%s: %v, want %q", c.role, err, c.code)
		}
	}
	// A field without @hasRole, or none at all, gives no roles: CheckRole then refuses everyone.
	for _, f := range [][2]string{{"Query", "zones"}, {"Query", "noSuchField"}, {"NoSuchType", "x"}} {
		if r := graph.FieldRoles(f[0], f[1]); r != nil {
			t.Errorf("%s.%s: %v", f[0], f[1], r)
		}
	}
	if err := graph.CheckRole(auth.WithViewer(context.Background(), auth.Viewer{Subject: "a", Role: auth.Admin}), nil); model.ErrorCode(err) != model.CodeForbidden {
		t.Errorf("no roles: %v", err)
	}
}
