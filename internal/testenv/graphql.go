package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"snodo/server"
	"snodo/store"
)

// Response is a GraphQL response as a client reads it.
type Response struct {
	Status int
	Data   map[string]any
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	}
	// Queries is how many Cypher queries the request sent.
	Queries int64
}

// Code is the extensions.code of the first error, or "" when there is none.
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// Handler is Snodo's HTTP handler over the environment's store.
func (e *Env) Handler() http.Handler { return server.New(e.Store, server.Options{}) }

// Do sends a GraphQL request through the HTTP handler, as a client would, and decodes the answer.
func (e *Env) Do(tb testing.TB, query string, vars map[string]any) Response {
	tb.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	ctx, counter := store.WithQueryCounter(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.Handler().ServeHTTP(rec, req)
	var r Response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		tb.Fatalf("the answer is not JSON (status %d): %s", rec.Code, rec.Body.String())
	}
	r.Status, r.Queries = rec.Code, counter.Load()
	return r
}

// MustDo is Do for a request that must succeed: any error fails the test.
func (e *Env) MustDo(tb testing.TB, query string, vars map[string]any) map[string]any {
	tb.Helper()
	r := e.Do(tb, query, vars)
	if len(r.Errors) > 0 || r.Status != http.StatusOK {
		tb.Fatalf("status %d, errors %+v", r.Status, r.Errors)
	}
	return r.Data
}

// Get walks a decoded JSON value along a path of keys and indexes: Get(d, "zones", "edges", 0).
func Get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}
