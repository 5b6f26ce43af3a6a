package graph

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"

	"snodo/loaders"
)

// The generated code calls these two where gqlgen's calls its own (cmd/generate rewrites it):
// a field with a resolver, and the items of a list of objects, run inline when the request's
// reads are all in its loaders (loaders.Inline), and each in a goroutine of its own otherwise,
// as gqlgen runs them.

// concurrently runs field i of the field set out: now, or with the set's other fields when the
// set is dispatched (graphql.FieldSet.Concurrently).
func concurrently(ctx context.Context, out *graphql.FieldSet, i int, f func(context.Context) graphql.Marshaler) {
	if loaders.Inline(ctx) {
		out.Values[i] = f(ctx)
		return
	}
	out.Concurrently(i, f)
}

// marshalSlice marshals the n items of a list as graphql.MarshalSliceConcurrently does, with
// the same field context for each item and the same handling of panics, but inline while the
// request may run inline: the items from the first one that may not run concurrently.
func marshalSlice(ctx context.Context, n int, workerLimit int64, omitPanicHandler bool, item func(context.Context, int) graphql.Marshaler) graphql.Array {
	if n < 2 || !loaders.Inline(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, n, workerLimit, omitPanicHandler, item)
	}
	ret := make(graphql.Array, n)
	var failed atomic.Bool
	run := func(i int) {
		child := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if !omitPanicHandler {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(child, graphql.Recover(child, r))
					failed.Store(true)
				}
			}()
		}
		ret[i] = item(child, i)
	}
	i := 0
	for ; i < n && (i == 0 || loaders.Inline(ctx)); i++ {
		run(i)
	}
	// The rest, concurrently, from the first item that may not run inline (an item before it
	// asked its loaders for a key they did not hold).
	var wg sync.WaitGroup
	for ; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			run(i)
		}(i)
	}
	wg.Wait()
	if failed.Load() {
		return nil
	}
	return ret
}
