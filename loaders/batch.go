package loaders

import (
	"context"
	"sync"
	"time"

	"snodo/store"
)

// wait is how long a loader gathers keys that nothing fetched ahead: the fallback for a field
// the prefetch does not know (see prefetch.go). A field the prefetch knows is in the cache
// before its resolvers run, and costs no wait at all.
const wait = 5 * time.Millisecond

// batcher is a per-request loader: a cache of what was read or primed, and a batch of keys
// waiting to be read together.
type batcher[K comparable, V any] struct {
	fetch func(ctx context.Context, keys []K) (map[K]V, error)
	// missed, when set, is told of each key asked that the cache does not hold, and reports
	// whether the request ran inline until then (Inline).
	missed func() bool
	mu     sync.Mutex
	cache  map[K]*entry[V]
	batch  []K
}

type entry[V any] struct {
	done chan struct{}
	v    V
	err  error
}

func newBatcher[K comparable, V any](fetch func(ctx context.Context, keys []K) (map[K]V, error)) *batcher[K, V] {
	return &batcher[K, V]{fetch: fetch, cache: map[K]*entry[V]{}}
}

var closed = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// prime records the value of a key read ahead, unless the key is cached already.
func (b *batcher[K, V]) prime(k K, v V) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.cache[k]; !ok {
		b.cache[k] = &entry[V]{done: closed, v: v}
	}
}

// peek returns the value of a key read already.
func (b *batcher[K, V]) peek(k K) (V, bool) {
	b.mu.Lock()
	e, ok := b.cache[k]
	b.mu.Unlock()
	if ok {
		select {
		case <-e.done:
			return e.v, e.err == nil
		default:
		}
	}
	var zero V
	return zero, false
}

// has reports whether the key is read, or being read.
func (b *batcher[K, V]) has(k K) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	_, ok := b.cache[k]
	return ok
}

// enqueue returns the entry of each key, adding the keys not cached to the batch; the first key
// of a new batch starts its timer. now is true when the batch is to be read at once, by the
// caller (flush): a key was missed while the request ran inline, so no sibling is there to
// join the batch, and waiting would only add to the request's time.
func (b *batcher[K, V]) enqueue(ctx context.Context, keys ...K) (out []*entry[V], now bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	out = make([]*entry[V], len(keys))
	for i, k := range keys {
		e, ok := b.cache[k]
		if !ok {
			if b.missed != nil && b.missed() {
				now = true
			}
			e = &entry[V]{done: make(chan struct{})}
			b.cache[k] = e
			if len(b.batch) == 0 && !now {
				time.AfterFunc(wait, func() { b.flush(ctx) }) // the request's context: its deadline bounds the read
			}
			b.batch = append(b.batch, k)
		}
		out[i] = e
	}
	return out, now
}

func (b *batcher[K, V]) flush(ctx context.Context) {
	b.mu.Lock()
	keys := b.batch
	b.batch = nil
	if len(keys) == 0 {
		b.mu.Unlock()
		return // read already, by a caller that could not wait (enqueue)
	}
	entries := make([]*entry[V], len(keys))
	for i, k := range keys {
		entries[i] = b.cache[k]
	}
	b.mu.Unlock()
	if f := ObserveBatch; f != nil {
		f(len(keys))
	}
	// A batch serves every field that asked, not only the first one: nothing a root field
	// plans for its own nodes (store.Ahead) rides on it.
	m, err := b.fetch(store.WithAhead(ctx, nil), keys)
	for i, k := range keys {
		entries[i].v, entries[i].err = m[k], err
		close(entries[i].done)
	}
}

// load returns the value of the key: from the cache, or read with the keys asked meanwhile.
func (b *batcher[K, V]) load(ctx context.Context, k K) (V, error) {
	entries, now := b.enqueue(ctx, k)
	if now {
		b.flush(ctx)
	}
	e := entries[0]
	select {
	case <-e.done:
		return e.v, e.err
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// loadAll returns the values of the keys, in order.
func (b *batcher[K, V]) loadAll(ctx context.Context, keys []K) ([]V, error) {
	entries, now := b.enqueue(ctx, keys...)
	if now {
		b.flush(ctx)
	}
	out := make([]V, len(keys))
	for i, e := range entries {
		select {
		case <-e.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if e.err != nil {
			return nil, e.err
		}
		out[i] = e.v
	}
	return out, nil
}
