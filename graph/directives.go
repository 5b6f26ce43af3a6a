package graph

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/99designs/gqlgen/graphql"

	"snodo/auth"
	"snodo/model"
)

// hasRole enforces @hasRole: the one place where the API checks roles. A mutation that passes
// is audited: the store records it in the same transaction as its writes.
func hasRole(ctx context.Context, _ any, next graphql.Resolver, roles []model.Role) (any, error) {
	if err := CheckRole(ctx, roles); err != nil {
		return nil, err
	}
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Object == "Mutation" {
		ctx = auth.WithOperation(ctx, auth.Operation{Field: fc.Field.Name, Target: argumentTarget(fc.Args)})
	}
	return next(ctx)
}

// CheckRole refuses the viewer of ctx unless its role is one of roles: UNAUTHENTICATED for an
// anonymous visitor, FORBIDDEN for another role. @hasRole calls it, and so do the HTTP
// endpoints that serve what a field serves (FieldRoles).
func CheckRole(ctx context.Context, roles []model.Role) error {
	v := auth.From(ctx)
	if slices.Contains(roles, model.Role(v.Role)) {
		return nil
	}
	if v.Role == auth.Anonymous {
		return model.Errorf(model.CodeUnauthenticated, "sign in: this needs a token with one of the roles %v", roles)
	}
	return model.Errorf(model.CodeForbidden, "a %s may not do this", v.Role)
}

// FieldRoles are the roles the schema's @hasRole lets read a field (e.g. Query.indicators),
// so that an HTTP endpoint serving the same figures is held to the same rule, written once in
// the schema. A field without @hasRole gives nil: open to anyone through the API, and refused to
// everyone by CheckRole, so an endpoint that means "anyone" says so by not calling it.
func FieldRoles(object, field string) []model.Role {
	def := NewExecutableSchema(Config{}).Schema().Types[object]
	if def == nil || def.Fields.ForName(field) == nil {
		return nil
	}
	d := def.Fields.ForName(field).Directives.ForName("hasRole")
	if d == nil || d.Arguments.ForName("roles") == nil {
		return nil
	}
	var roles []model.Role
	for _, c := range d.Arguments.ForName("roles").Value.Children {
		roles = append(roles, model.Role(c.Value.Raw))
	}
	return roles
}

// argumentTarget finds the object a mutation's input names: its id, or the ID of the service,
// partnership, case, referral, intervention or zone it acts on.
func argumentTarget(args map[string]any) string {
	raw, err := json.Marshal(args["input"])
	if err != nil {
		return ""
	}
	var in map[string]any
	_ = json.Unmarshal(raw, &in)
	for _, k := range []string{"id", "serviceId", "partnershipId", "caseId", "referralId", "interventionId", "zoneId"} {
		if s, ok := in[k].(string); ok {
			return s
		}
	}
	return ""
}

// aggregate enforces @aggregate: the field publishes an aggregate about people, which the
// disclosure layer records and counts against a researcher's daily budget before it runs.
func (r *Resolver) aggregate(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
	name := ""
	if fc := graphql.GetFieldContext(ctx); fc != nil {
		name = fc.Field.Name
	}
	if err := r.Disclosure.Spend(ctx, name); err != nil {
		return nil, err
	}
	return next(ctx)
}
