package graph

import (
	"context"
	"runtime"
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

// chunk is the fewest items a list gives a goroutine of its own while it runs inline: a long
// list is split between the processors, one goroutine each, so that a request alone on the
// server still uses every core, at a goroutine per processor rather than one per item.
const chunk = 16

// marshalSlice marshals the n items of a list as graphql.MarshalSliceConcurrently does, with
// the same field context for each item and the same handling of panics. While the request may
// run inline, the items run inline, in one run per processor for a long list (chunk), and
// each in a goroutine of its own from the first item that may not run inline.
func marshalSlice(ctx context.Context, n int, workerLimit int64, omitPanicHandler bool, item func(context.Context, int) graphql.Marshaler) graphql.Array {
	if n < 2 || !loaders.Inline(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, n, workerLimit, omitPanicHandler, item)
	}
	ret := make(graphql.Array, n)
	var failed atomic.Bool
	var wg sync.WaitGroup
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
	// span runs the items from..to-1: inline, and concurrently from the first one that may not
	// run inline (an item before it asked its loaders for a key they did not hold).
	span := func(from, to int) {
		i := from
		for ; i < to && (i == from || loaders.Inline(ctx)); i++ {
			run(i)
		}
		for ; i < to; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				run(i)
			}(i)
		}
	}
	runs := 1
	if n >= 2*chunk {
		runs = min(runtime.GOMAXPROCS(0), n/chunk)
	}
	for r := 1; r < runs; r++ {
		wg.Add(1)
		go func(from, to int) {
			defer wg.Done()
			span(from, to)
		}(r*n/runs, (r+1)*n/runs)
	}
	span(0, n/runs)
	wg.Wait()
	if failed.Load() {
		return nil
	}
	return ret
}
