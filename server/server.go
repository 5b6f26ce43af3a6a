// Package server is Snodo's HTTP face: GraphQL over HTTP at /graphql, GraphiQL at /, health at
// /healthz and readiness at /readyz, behind CORS and a request-body limit.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"snodo/auth"
	"snodo/graph"
	"snodo/loaders"
	"snodo/model"
	"snodo/store"
)

// Options are the settings of the HTTP handler.
type Options struct {
	// CORSOrigins are the origins browsers may call the API from; none means same-origin only.
	CORSOrigins []string
	// MaxBodyBytes is the largest request body read; larger ones are refused with 413.
	MaxBodyBytes int64
	// Logger receives the errors that the API hides from callers.
	Logger *slog.Logger
	// Verifier checks bearer tokens; nil accepts none, so every request is anonymous.
	Verifier *auth.Verifier
}

// DefaultMaxBodyBytes is the default request-body limit: ample for any GraphQL document.
const DefaultMaxBodyBytes = 1 << 20

// New returns the HTTP handler of Snodo over the store.
func New(s *store.Store, opt Options) http.Handler {
	if opt.MaxBodyBytes <= 0 {
		opt.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	mux := http.NewServeMux()
	mux.Handle("/graphql", limitBody(opt.MaxBodyBytes, authenticate(opt.Verifier, loaders.Middleware(s, graphQL(s, opt.Logger)))))
	mux.Handle("GET /{$}", playground.Handler("Snodo", "/graphql"))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		migrated, err := s.Migrated(ctx)
		switch {
		case err != nil:
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "neo4j": "unreachable"})
		case !migrated:
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "neo4j": "reachable", "migrations": "pending"})
		default:
			writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "neo4j": "reachable", "migrations": "applied"})
		}
	})
	if len(opt.CORSOrigins) == 0 {
		return mux // rs/cors reads no origins as any origin; none means same-origin only
	}
	return cors.New(cors.Options{
		AllowedOrigins: opt.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Content-Type", "Accept", "Authorization"},
		MaxAge:         600,
	}).Handler(mux)
}

// graphQL serves GraphQL over HTTP: POST with a JSON body, and GET for queries.
func graphQL(s *store.Store, log *slog.Logger) http.Handler {
	h := handler.New(graph.NewSchema(&graph.Resolver{Store: s}))
	h.AddTransport(transport.GET{})
	h.AddTransport(transport.POST{})
	h.Use(extension.Introspection{})
	h.SetErrorPresenter(presenter(log))
	h.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in a resolver", "panic", v)
		return &model.Error{Code: model.CodeInternal, Message: "internal error"}
	})
	return specStatus(h)
}

// presenter puts each error's code in extensions.code and hides what callers need not see.
func presenter(log *slog.Logger) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		gqlErr := graphql.DefaultErrorPresenter(ctx, err)
		if gqlErr.Extensions == nil {
			gqlErr.Extensions = map[string]any{}
		}
		if _, ok := gqlErr.Extensions["code"]; ok && gqlErr.Err == nil {
			return gqlErr // gqlgen's own: GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED
		}
		var e *model.Error
		switch {
		case gqlErr.Err == nil && len(gqlErr.Path) == 0:
			// gqlgen's own request errors without a code, such as a body that is not JSON.
			gqlErr.Message = "the request is not a GraphQL request: " + firstLine(gqlErr.Message)
			gqlErr.Extensions["code"] = string(model.CodeBadRequest)
		case errors.As(err, &e):
			gqlErr.Message = e.Message
			gqlErr.Extensions["code"] = string(e.Code)
		case errors.Is(err, context.DeadlineExceeded):
			gqlErr.Message = "the request took too long"
			gqlErr.Extensions["code"] = string(model.CodeTimeout)
		case store.Unavailable(err):
			log.ErrorContext(ctx, "neo4j unavailable", "error", err)
			gqlErr.Message = "the database is unavailable; try again shortly"
			gqlErr.Extensions["code"] = string(model.CodeUnavailable)
		default:
			if _, ok := gqlErr.Extensions["code"]; !ok {
				log.ErrorContext(ctx, "internal error", "error", err, "path", gqlErr.Path.String())
				gqlErr.Message = "internal error"
				gqlErr.Extensions["code"] = string(model.CodeInternal)
			}
		}
		return gqlErr
	}
}

// specStatus follows the GraphQL-over-HTTP spec for application/json responses, which answer
// 200 to any well-formed request (gqlgen answers 422 to a request that fails validation).
func specStatus(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&statusWriter{ResponseWriter: w}, r)
	})
}

type statusWriter struct{ http.ResponseWriter }

func (w *statusWriter) WriteHeader(code int) {
	if code == http.StatusUnprocessableEntity && w.Header().Get("Content-Type") == "application/json" {
		code = http.StatusOK
	}
	w.ResponseWriter.WriteHeader(code)
}

// limitBody refuses a body over max bytes with 413, without reading more of it than max.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			tooLarge(w, max)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		body, err := readAll(r, max)
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				tooLarge(w, max)
				return
			}
			writeJSON(w, http.StatusBadRequest, errorBody("could not read the request body", model.CodeBadUserInput))
			return
		}
		r.Body = body
		next.ServeHTTP(w, r)
	})
}

func tooLarge(w http.ResponseWriter, max int64) {
	writeJSON(w, http.StatusRequestEntityTooLarge,
		errorBody("the request body is larger than the limit of "+itoa(max)+" bytes", "PAYLOAD_TOO_LARGE"))
}

func errorBody[C ~string](message string, code C) map[string]any {
	return map[string]any{"errors": []map[string]any{{"message": message, "extensions": map[string]any{"code": string(code)}}}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// firstLine keeps a message short: gqlgen's decoding errors repeat the whole body.
func firstLine(msg string) string {
	if i := strings.Index(msg, " body:"); i >= 0 {
		msg = msg[:i]
	}
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}
