package loaders

import (
	"context"
	"sync/atomic"
)

// How the fields of a request run (Loaders.mode). gqlgen runs each field that has a resolver,
// and each item of a list of objects, in a goroutine of its own, so that the fields of sibling
// parents ask their loaders together and share a batch. When every relationship field of the
// request was read ahead (Prefetch), no resolver waits for a batch, and a goroutine per field
// is only cost: about a fifth of the CPU of a page of 100 services with their provider, needs
// and zones. Then the fields run inline, one after the other (graph/inline.go).
const (
	modeUnset      int32 = iota // no root field has been read ahead yet: concurrently
	modeInline                  // everything asked was read ahead: inline
	modeConcurrent              // a read is left to a loader: concurrently, for the rest of the request
)

// Inline reports whether the request's fields may run inline, one after the other in the
// goroutine that marshals their parent, rather than each in a goroutine of its own: true once
// a root field was read ahead whole (Prefetch), until a loader is asked a key it does not hold.
// That key is read at once, and the rest of the request runs concurrently again, so that the
// siblings still to run share their batches: a wrong guess costs one round-trip, not one per
// parent.
func Inline(ctx context.Context) bool {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		return false
	}
	inline := l.mode.Load() == modeInline
	if c := l.count; c != nil {
		if inline {
			c.Inline.Add(1)
		} else {
			c.Concurrent.Add(1)
		}
	}
	return inline
}

// readAhead records what a root field's read ahead found: whether it read every relationship
// field asked below the field (whole), or left some to their loaders.
func (l *Loaders) readAhead(whole bool) {
	if whole {
		l.mode.CompareAndSwap(modeUnset, modeInline)
	} else {
		l.mode.Store(modeConcurrent)
	}
}

// missed records that a loader was asked a key it does not hold, reporting whether the request
// was running inline until then.
func (l *Loaders) missed() bool { return l.mode.CompareAndSwap(modeInline, modeConcurrent) }

// Executions counts, for the tests, how the fields of the requests made in a context ran: each
// answer of Inline, that is, each field with a resolver and each list of objects marshalled.
type Executions struct{ Inline, Concurrent atomic.Int64 }

type executionsKey struct{}

// WithExecutions returns a context whose requests count how their fields ran
// (Middleware reads it).
func WithExecutions(ctx context.Context) (context.Context, *Executions) {
	c := new(Executions)
	return context.WithValue(ctx, executionsKey{}, c), c
}
