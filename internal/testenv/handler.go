package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"snodo/auth"
	"snodo/loaders"
	"snodo/server"
	"snodo/store"
)

// HandlerWith is Snodo's HTTP handler over the environment's store with the options given,
// accepting the tests' tokens: for tests that need other settings (disclosure parameters, say).
func (e *Env) HandlerWith(opt server.Options) http.Handler {
	opt.Verifier = Verifier()
	return server.New(e.Store, opt)
}

// DoOn sends a GraphQL request as the viewer through the handler given, as DoAs does through
// the default one.
func DoOn(tb testing.TB, h http.Handler, v auth.Viewer, query string, vars map[string]any) Response {
	tb.Helper()
	token := ""
	if v.Role != auth.Anonymous && v.Role != "" {
		token = Token(v)
	}
	return send(tb, h, token, query, vars)
}

// send posts a GraphQL request with the bearer token given, or none, to the handler, as a
// client would, and decodes the answer.
func send(tb testing.TB, h http.Handler, token, query string, vars map[string]any) Response {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, counter := store.WithQueryCounter(context.Background())
	ctx, runs := loaders.WithExecutions(ctx)
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r Response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		tb.Fatalf("the answer is not JSON (status %d): %s", rec.Code, rec.Body.String())
	}
	r.Status, r.Queries = rec.Code, counter.Load()
	r.Inline, r.Concurrent = runs.Inline.Load(), runs.Concurrent.Load()
	return r
}
