package server

import (
	"context"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"snodo/graph"
)

// FuzzLimitsWalker: any document, valid or not, is measured by the limits without a panic:
// refused before parsing when it is too large, and otherwise, when it validates, given a
// depth, alias count and cost that are never negative.
func FuzzLimitsWalker(f *testing.F) {
	schema := graph.NewSchema(&graph.Resolver{}).Schema()
	l := &limits{maxDepth: DefaultMaxDepth, maxComplexity: DefaultMaxComplexity, maxAliases: DefaultMaxAliases, introspection: true}
	for _, s := range []string{
		`{ zones(first: 5) { edges { node { id name parents { id } } } } }`,
		`query($n: Int) { zones(first: $n) { totalCount } }`,
		`fragment F on Zone { parents { ...F } } { zones(first: 1) { edges { node { ...F } } } }`,
		`{ a: zones(first: 100) { edges { node { b: parents { id } } } } c: __schema { types { name } } }`,
		`{ zones(last: 2147483647) { edges { node { id } } } }`,
		`{ services(first: 50) { edges { node { id name } } } }`,
		`{`, `}`, ``, `query { ... on Query { zones(first: 1) { totalCount } } }`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		if l.MutateOperationParameters(context.Background(), &graphql.RawParams{Query: doc}) != nil {
			return
		}
		q, errs := gqlparser.LoadQueryWithRules(schema, doc, rules.NewDefaultRules())
		if len(errs) > 0 || len(q.Operations) == 0 {
			return
		}
		oc := &graphql.OperationContext{Doc: q, Operation: q.Operations[0], Variables: map[string]any{"n": 3}}
		_ = l.MutateOperationContext(context.Background(), oc)
		stats, _ := oc.Stats.GetExtension(limitsExtension).(*LimitStats)
		if stats == nil || stats.Depth < 0 || stats.Aliases < 0 || stats.Complexity < 0 {
			t.Fatalf("%q measured %+v", doc, stats)
		}
	})
}
