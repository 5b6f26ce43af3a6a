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
	v := auth.From(ctx)
	if !slices.Contains(roles, model.Role(v.Role)) {
		if v.Role == auth.Anonymous {
			return nil, model.Errorf(model.CodeUnauthenticated, "sign in: this needs a token with one of the roles %v", roles)
		}
		return nil, model.Errorf(model.CodeForbidden, "a %s may not do this", v.Role)
	}
	if fc := graphql.GetFieldContext(ctx); fc != nil && fc.Object == "Mutation" {
		ctx = auth.WithOperation(ctx, auth.Operation{Field: fc.Field.Name, Target: argumentTarget(fc.Args)})
	}
	return next(ctx)
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
