package server

import (
	"context"
	"net/http"

	"github.com/99designs/gqlgen/graphql"

	"snodo/model"
	"snodo/store"
)

// RetryAfterSeconds is what Retry-After tells a client refused while the database is down or
// while the server is full.
const RetryAfterSeconds = "2"

// outage answers 503 SERVICE_UNAVAILABLE with Retry-After at once while the store knows the
// database to be down (store.Watch), and turns the answer of a request whose transactions met
// the outage (an error coded SERVICE_UNAVAILABLE) into a 503 with Retry-After as well, so that
// a client tells an outage from a slow query by the status alone.
func outage(s *store.Store, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.Available() {
			unavailableResponse(w)
			return
		}
		flag := new(bool)
		ctx := context.WithValue(r.Context(), outageKey{}, flag)
		next.ServeHTTP(&outageWriter{ResponseWriter: w, flag: flag}, r.WithContext(ctx))
	})
}

func unavailableResponse(w http.ResponseWriter) {
	w.Header().Set("Retry-After", RetryAfterSeconds)
	writeJSON(w, http.StatusServiceUnavailable, errorBody(store.UnavailableMessage, model.CodeUnavailable))
}

type outageKey struct{}

// markUnavailable is a gqlgen response hook: an answer with an error coded SERVICE_UNAVAILABLE
// marks its request for outage to answer 503.
func markUnavailable(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	resp := next(ctx)
	if resp == nil {
		return nil
	}
	for _, e := range resp.Errors {
		if code, _ := e.Extensions["code"].(string); code == string(model.CodeUnavailable) {
			if flag, ok := ctx.Value(outageKey{}).(*bool); ok {
				*flag = true
			}
			break
		}
	}
	return resp
}

// outageWriter writes 503 and Retry-After in place of the status of a request marked by
// markUnavailable.
type outageWriter struct {
	http.ResponseWriter
	flag  *bool
	wrote bool
}

func (w *outageWriter) WriteHeader(code int) {
	if w.wrote {
		return
	}
	w.wrote = true
	if *w.flag && code < 500 {
		w.Header().Set("Retry-After", RetryAfterSeconds)
		code = http.StatusServiceUnavailable
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *outageWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *outageWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
