package loaders

import (
	"context"

	"snodo/store"
)

type mayChangeOf struct{ label string }

// MayChange loads whether the viewer may change the node of the label with the key (the API's
// viewerCanEdit), batched: a page of records costs one statement per label.
func MayChange(ctx context.Context, label, key string) (bool, error) {
	return loader(ctx, mayChangeOf{label}, func(s *store.Store) *batcher[string, bool] {
		return newBatcher(func(ctx context.Context, keys []string) (map[string]bool, error) {
			return s.MayChange(ctx, label, keys)
		})
	}).load(ctx, key)
}
