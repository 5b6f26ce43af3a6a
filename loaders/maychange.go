package loaders

import (
	"context"

	"snodo/store"
)

type mayChangeOf struct{ label string }

// MayChange loads whether the viewer may change the node of the label with the key (the API's
// viewerCanEdit), batched: a page of records costs one statement per label.
func MayChange(ctx context.Context, label, key string) (bool, error) {
	return mayChangeLoader(ctx, label).load(ctx, key)
}

// mayChangeLoader is the loader of viewerCanEdit for the nodes of the label, which the read
// ahead primes (mayChangeSpec).
func mayChangeLoader(ctx context.Context, label string) *batcher[string, bool] {
	return loader(ctx, mayChangeOf{label}, func(s *store.Store) *batcher[string, bool] {
		return newBatcher(func(ctx context.Context, keys []string) (map[string]bool, error) {
			return s.MayChange(ctx, label, keys)
		})
	})
}
