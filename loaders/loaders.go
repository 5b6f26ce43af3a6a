// Package loaders batches the reads of one GraphQL request: every node fetched by key and every
// relationship field goes through a per-request dataloader, so that a page of 100 items with
// nested fields costs a few Cypher round-trips, not hundreds.
package loaders

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"

	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// Loaders are the dataloaders of one request, made on first use.
type Loaders struct {
	store *store.Store
	mu    sync.Mutex
	m     map[any]any
	mode  atomic.Int32 // how the request's fields run (inline.go)
	count *Executions  // counts how they ran, for the tests; nil otherwise
}

type ctxKey struct{}

// New returns the loaders of one request.
func New(s *store.Store) *Loaders { return &Loaders{store: s, m: map[any]any{}} }

// Middleware gives each request its own loaders, so nothing is cached across requests, and
// its own log of case reads, so that each case read is audited once per request.
func Middleware(s *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l := New(s)
		l.count, _ = r.Context().Value(executionsKey{}).(*Executions)
		next.ServeHTTP(w, r.WithContext(WithLoaders(store.WithReadLog(r.Context()), l)))
	})
}

// WithLoaders returns a context carrying the loaders.
func WithLoaders(ctx context.Context, l *Loaders) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

func from(ctx context.Context) *Loaders {
	l, ok := ctx.Value(ctxKey{}).(*Loaders)
	if !ok {
		panic("loaders: no loaders in the context; wrap the handler with loaders.Middleware")
	}
	return l
}

// ObserveBatch, when set (before serving), is told the size of every batch, for the metrics: the
// keys a loader fetched at once, or the parts of one read-ahead statement (prefetch.go).
var ObserveBatch func(size int)

// loader returns the request's loader under key, making it with mk on first use.
func loader[K comparable, V any](ctx context.Context, key any, mk func(*store.Store) *batcher[K, V]) *batcher[K, V] {
	l := from(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	if v, ok := l.m[key]; ok {
		return v.(*batcher[K, V])
	}
	v := mk(l.store)
	v.missed = l.missed
	l.m[key] = v
	return v
}

// getLoader is the loader of the nodes of a kind by key.
func getLoader[T any](ctx context.Context, k store.Kind[T]) *batcher[string, T] {
	return loader(ctx, k.Label(), func(s *store.Store) *batcher[string, T] {
		return newBatcher(func(ctx context.Context, keys []string) (map[string]T, error) { return store.Get(ctx, s, k, keys) })
	})
}

// listLoader is the loader of a relationship field, every related node.
func listLoader[T any](ctx context.Context, rel *store.Rel[T]) *batcher[string, []T] {
	return loader(ctx, rel, func(s *store.Store) *batcher[string, []T] {
		return newBatcher(func(ctx context.Context, keys []string) (map[string][]T, error) {
			return store.Related(ctx, s, *rel, keys)
		})
	})
}

// pageLoader is the loader of pages of a relationship field.
func pageLoader[T any](ctx context.Context, rel *store.Rel[T]) *batcher[pageKey, *model.Connection[T]] {
	return loader(ctx, pagesOf{rel}, func(s *store.Store) *batcher[pageKey, *model.Connection[T]] {
		return newBatcher(func(ctx context.Context, keys []pageKey) (map[pageKey]*model.Connection[T], error) {
			out := map[pageKey]*model.Connection[T]{}
			groups := map[pageKey][]string{} // parents by the page asked, parent left blank
			for _, k := range keys {
				g := k
				g.parent = ""
				groups[g] = append(groups[g], k.parent)
			}
			for g, parents := range groups {
				conns, err := store.RelatedPages(ctx, s, *rel, parents, g.page())
				if err != nil {
					return nil, err
				}
				for pid, c := range conns {
					g.parent = pid
					out[g] = c
				}
			}
			return out, nil
		})
	})
}

// countLoader is the loader of the counts of a relationship field.
func countLoader[T any](ctx context.Context, rel *store.Rel[T]) *batcher[string, int] {
	return loader(ctx, countsOf{rel}, func(s *store.Store) *batcher[string, int] {
		return newBatcher(func(ctx context.Context, keys []string) (map[string]int, error) {
			return store.RelatedCounts(ctx, s, *rel, keys)
		})
	})
}

// Get loads the node of the kind with the key; nil when there is none.
func Get[T any](ctx context.Context, k store.Kind[T], key string) (T, error) {
	return getLoader(ctx, k).load(ctx, key)
}

// GetAll loads the nodes of the kind with the keys, leaving out keys with no node.
func GetAll[T comparable](ctx context.Context, k store.Kind[T], keys []string) ([]T, error) {
	var zero T
	all, err := getLoader(ctx, k).loadAll(ctx, keys)
	out := make([]T, 0, len(all))
	for _, v := range all {
		if v != zero {
			out = append(out, v)
		}
	}
	return out, err
}

// List loads every node related to the parent through rel.
func List[T any](ctx context.Context, rel *store.Rel[T], parent string) ([]T, error) {
	return listLoader(ctx, rel).load(ctx, parent)
}

// One loads the node related to the parent through rel; nil when there is none.
func One[T any](ctx context.Context, rel *store.Rel[T], parent string) (T, error) {
	var zero T
	list, err := List(ctx, rel, parent)
	if err != nil || len(list) == 0 {
		return zero, err
	}
	return list[0], nil
}

// pageKey is a parent and the page asked of it; parents asked the same page share a query.
type pageKey struct {
	parent   string
	size     int
	backward bool
	cursor   string
}

type countsOf struct{ rel any }
type pagesOf struct{ rel any }

// Page loads one page of the nodes related to the parent through rel; its total is counted,
// batched too, only when asked for.
func Page[T any](ctx context.Context, rel *store.Rel[T], parent string, p store.Page) (*model.Connection[T], error) {
	c, err := pageLoader(ctx, rel).load(ctx, keyOf(parent, p))
	if err != nil {
		return nil, err
	}
	// A copy: the cached page is shared by every field that asks the same page of the parent.
	out := *c
	out.Count = func(ctx context.Context) (int, error) { return countLoader(ctx, rel).load(ctx, parent) }
	return &out, nil
}

func keyOf(parent string, p store.Page) pageKey {
	k := pageKey{parent: parent, size: p.Size, backward: p.Backward}
	if p.Cursor != nil {
		k.cursor = p.Cursor.Encode()
	}
	return k
}

// page returns the page the key asks for; its cursor came from a valid Page, so it parses.
func (k pageKey) page() store.Page {
	p := store.Page{Size: k.size, Backward: k.backward}
	if k.cursor != "" {
		c, _ := relay.ParseCursor(k.cursor)
		p.Cursor = &c
	}
	return p
}
