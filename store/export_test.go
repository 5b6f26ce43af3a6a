package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// WithPlanLog returns a context under which every statement the store runs is also EXPLAINed,
// and a function giving each statement's text and plan so far.
func WithPlanLog(ctx context.Context) (context.Context, func() []StatementPlan) {
	pl := &planLog{explain: true}
	return context.WithValue(ctx, planKey{}, pl), func() []StatementPlan {
		pl.mu.Lock()
		defer pl.mu.Unlock()
		out := make([]StatementPlan, len(pl.plans))
		for i, p := range pl.plans {
			out[i] = StatementPlan{p.cypher, p.plan}
		}
		return out
	}
}

// StatementPlan is a statement and its plan.
type StatementPlan struct {
	Cypher string
	Plan   neo4j.Plan
}
