package loaders

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"snodo/store"
)

// readBy reports whether the current goroutine's stack holds a call of the function named.
func readBy(name string) bool {
	pc := make([]uintptr, 64)
	frames := runtime.CallersFrames(pc[:runtime.Callers(1, pc)])
	for {
		f, more := frames.Next()
		if strings.Contains(f.Function, name) {
			return true
		}
		if !more {
			return false
		}
	}
}

// A key a loader is asked while the request runs inline is read at once, by the call that
// asked it (nothing else is there to join its batch), and the request runs concurrently from
// then on: the keys asked next share a batch, which waits for them.
func TestAMissWhileInlineIsReadAtOnceAndTurnsTheRequestConcurrent(t *testing.T) {
	l := New(nil)
	ctx := WithLoaders(context.Background(), l)
	var mu sync.Mutex
	var batches [][]string
	var atOnce []bool
	b := loader(ctx, "test", func(*store.Store) *batcher[string, int] {
		return newBatcher(func(_ context.Context, keys []string) (map[string]int, error) {
			mu.Lock()
			defer mu.Unlock()
			batches = append(batches, slices.Sorted(slices.Values(keys)))
			atOnce = append(atOnce, readBy("(*batcher[...]).load"))
			out := map[string]int{}
			for _, k := range keys {
				out[k] = len(k)
			}
			return out, nil
		})
	})
	if Inline(ctx) {
		t.Fatal("a request nothing was read ahead for runs inline")
	}
	l.readAhead(true)
	if !Inline(ctx) {
		t.Fatal("a request read ahead whole does not run inline")
	}
	if v, err := b.load(ctx, "a"); v != 1 || err != nil {
		t.Fatalf("load a: %v, %v", v, err)
	}
	if Inline(ctx) {
		t.Fatal("the request still runs inline after a loader missed a key")
	}
	var wg sync.WaitGroup
	for _, k := range []string{"bb", "ccc"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if v, err := b.load(ctx, k); v != len(k) || err != nil {
				t.Errorf("load %s: %v, %v", k, v, err)
			}
		}()
	}
	wg.Wait()
	want := [][]string{{"a"}, {"bb", "ccc"}}
	if !slices.EqualFunc(batches, want, slices.Equal) || !slices.Equal(atOnce, []bool{true, false}) {
		t.Errorf("batches %v, read by the asking call %v; want %v, the first at once and the others by their batch's timer", batches, atOnce, want)
	}
	// A root field whose read ahead left a field to its loader keeps the request concurrent.
	l.readAhead(true)
	if Inline(ctx) {
		t.Error("the request runs inline again after a miss")
	}
	l2 := New(nil)
	l2.readAhead(false)
	l2.readAhead(true)
	if Inline(WithLoaders(context.Background(), l2)) {
		t.Error("a request with a root field not read ahead whole runs inline")
	}
}
