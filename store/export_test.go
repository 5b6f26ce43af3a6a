package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// WithPlanLog returns a context under which every statement the store runs is also EXPLAINed,
// and a function giving each statement's text and plan so far.
func WithPlanLog(ctx context.Context) (context.Context, func() []StatementPlan) {
	ctx, kept := withLog(ctx, true)
	return ctx, func() []StatementPlan {
		var out []StatementPlan
		for _, p := range kept() {
			out = append(out, StatementPlan{p.cypher, p.plan})
		}
		return out
	}
}

// StatementPlan is a statement and its plan.
type StatementPlan struct {
	Cypher string
	Plan   neo4j.Plan
}
