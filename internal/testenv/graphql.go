package testenv

import (
	"net/http"
	"testing"
	"time"

	"snodo/auth"
	"snodo/server"
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
	// Inline and Concurrent count how its fields with resolvers, and its lists of objects, ran:
	// inline, or each in a goroutine (loaders.Inline).
	Inline, Concurrent int64
}

// Code is the extensions.code of the first error, or "" when there is none.
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// The key and issuer of the tests' tokens.
const (
	Secret = "snodo-test-secret-0123456789abcdef"
	Issuer = "snodo-test"
)

// Admin is the viewer of Do: an administrator, who may do anything.
var Admin = auth.Viewer{Subject: "test-admin", Role: auth.Admin}

// Verifier verifies the tests' tokens.
func Verifier() *auth.Verifier {
	v, err := auth.NewVerifier(auth.Config{HMACSecret: Secret, Issuer: Issuer})
	if err != nil {
		panic(err)
	}
	return v
}

// Token mints a test token for the viewer, valid for an hour.
func Token(v auth.Viewer) string {
	t, err := auth.Mint(Secret, Issuer, v, time.Hour)
	if err != nil {
		panic(err)
	}
	return t
}

// Handler is Snodo's HTTP handler over the environment's store, accepting the tests' tokens.
func (e *Env) Handler() http.Handler {
	return server.New(e.Store, server.Options{Verifier: Verifier()})
}

// Do sends a GraphQL request as an administrator through the HTTP handler, as a client would,
// and decodes the answer.
func (e *Env) Do(tb testing.TB, query string, vars map[string]any) Response {
	tb.Helper()
	return e.DoWithToken(tb, Token(Admin), query, vars)
}

// DoAs is Do as the viewer; an anonymous viewer sends no token.
func (e *Env) DoAs(tb testing.TB, v auth.Viewer, query string, vars map[string]any) Response {
	tb.Helper()
	if v.Role == auth.Anonymous || v.Role == "" {
		return e.DoWithToken(tb, "", query, vars)
	}
	return e.DoWithToken(tb, Token(v), query, vars)
}

// DoWithToken is Do with the bearer token given, or none.
func (e *Env) DoWithToken(tb testing.TB, token, query string, vars map[string]any) Response {
	tb.Helper()
	return send(tb, e.Handler(), token, query, vars)
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
