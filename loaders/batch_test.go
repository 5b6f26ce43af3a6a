package loaders

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
)

// A primed key is answered from the cache, with no fetch and no wait; keys asked together are
// fetched in one batch; a key asked twice is fetched once.
func TestBatcher(t *testing.T) {
	var fetches atomic.Int32
	var got [][]string
	var mu sync.Mutex
	b := newBatcher(func(_ context.Context, keys []string) (map[string]int, error) {
		fetches.Add(1)
		mu.Lock()
		got = append(got, keys)
		mu.Unlock()
		out := map[string]int{}
		for _, k := range keys {
			out[k] = len(k)
		}
		return out, nil
	})
	ctx := context.Background()
	b.prime("primed", 42)
	if v, err := b.load(ctx, "primed"); v != 42 || err != nil || fetches.Load() != 0 {
		t.Fatalf("primed key: %d, %v, %d fetches; want 42 from the cache", v, err, fetches.Load())
	}
	b.prime("primed", 7)
	if v, _ := b.peek("primed"); v != 42 {
		t.Errorf("a second prime replaced the value: %d", v)
	}
	var wg sync.WaitGroup
	for _, k := range []string{"a", "bb", "ccc", "a"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := b.load(ctx, k); v != len(k) || err != nil {
				t.Errorf("%s: %d, %v", k, v, err)
			}
		}()
	}
	wg.Wait()
	if fetches.Load() != 1 || len(got[0]) != 3 {
		t.Errorf("%d fetches of %v; want one of the three keys", fetches.Load(), got)
	}
	vs, err := b.loadAll(ctx, []string{"a", "dddd"})
	if err != nil || vs[0] != 1 || vs[1] != 4 || fetches.Load() != 2 {
		t.Errorf("loadAll: %v, %v after %d fetches; want [1 4] with one more fetch", vs, err, fetches.Load())
	}
}
