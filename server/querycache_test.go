package server_test

import (
	"testing"

	"snodo/server"
)

// The parsed-query cache keeps a document by its text, but the limits run on every operation:
// the same document, cached by a cheap first request, is refused when its variables make it too
// costly, and a depth bomb is refused however often it comes.
func TestCachedDocumentsAreStillLimited(t *testing.T) {
	_, h := limitsHandler(t, server.Options{})
	const q = `query($n: Int, $m: Int) { zones(first: $n) { edges { node { children(first: $m) { edges { node { actors(first: 100) { totalCount } } } } } } } }`
	for i := 0; i < 2; i++ {
		cheap := postCounted(h, gqlBody(t, q, map[string]any{"n": 1, "m": 1}), "")
		if m := cheap.json(t); m["errors"] != nil {
			t.Fatalf("the cheap request, time %d: %s", i+1, cheap.body)
		}
		refused(t, postCounted(h, gqlBody(t, q, map[string]any{"n": 100, "m": 100}), ""), "QUERY_TOO_COMPLEX")
	}
	bomb := `{ zones { edges { node { ` + nested("parents", 30) + ` } } } }`
	for i := 0; i < 3; i++ {
		refused(t, postCounted(h, gqlBody(t, bomb, nil), ""), "QUERY_TOO_DEEP")
	}
}
