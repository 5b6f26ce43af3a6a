// Package server is Snodo's HTTP face: GraphQL over HTTP at /graphql, GraphiQL at /graphiql
// (only while introspection is on), health at
// /healthz and readiness at /readyz, behind CORS and a request-body limit. GraphQL requests are
// also held to the limits of limits.go (depth, cost, aliases, batches, introspection, a
// deadline) and the per-client rate limit of ratelimit.go.
package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator/core"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/graph"
	"snodo/hsds"
	"snodo/loaders"
	"snodo/model"
	"snodo/store"
	"snodo/web"
)

// Options are the settings of the HTTP handler.
type Options struct {
	// CORSOrigins are the origins browsers may call the API from; none means same-origin only.
	CORSOrigins []string
	// MaxBodyBytes is the largest request body read; larger ones are refused with 413.
	MaxBodyBytes int64
	// MaxBodyBytesInFlight bounds the bytes of request bodies held at once by all requests;
	// past it a request is refused with 503 and Retry-After. 0 means
	// DefaultMaxBodyBytesInFlight, a negative value no bound.
	MaxBodyBytesInFlight int64
	// Logger receives the errors that the API hides from callers.
	Logger *slog.Logger
	// Verifier checks bearer tokens; nil accepts none, so every request is anonymous.
	Verifier *auth.Verifier
	// StaleAfter is how long a service record may go unverified before the finder flags it;
	// zero means a year.
	StaleAfter time.Duration
	// Disclosure publishes the aggregates about people; nil means the default parameters.
	Disclosure *disclosure.Publisher

	// The limits below refuse an operation before any resolver runs, each with its code. For
	// each, 0 means its default and a negative value means no limit (Limit converts a setting
	// in which 0 means no limit).

	// MaxDepth is the deepest nesting of fields an operation may have (DefaultMaxDepth).
	MaxDepth int
	// MaxComplexity is the highest cost an operation may have (DefaultMaxComplexity): each
	// field costs 1, and a connection multiplies the cost of its items by its page size.
	MaxComplexity int
	// MaxAliases is the most aliases an operation may use (DefaultMaxAliases).
	MaxAliases int
	// RequestTimeout bounds each GraphQL request, its Neo4j transactions included
	// (DefaultRequestTimeout).
	RequestTimeout time.Duration
	// RatePerSecond is how many GraphQL requests per second each client may send
	// (DefaultRatePerSecond); RateBurst is how many at once (twice the rate by default).
	RatePerSecond float64
	RateBurst     int
	// AuthFailuresPerMin is how many failed authentications per minute each client address may
	// make, in bursts of as many, before 429 (DefaultAuthFailuresPerMin).
	AuthFailuresPerMin float64
	// TrustForwardedFor names clients by the last address of X-Forwarded-For, for a server
	// behind a proxy that sets it; otherwise by the peer's address.
	TrustForwardedFor bool
	// AccessLog receives one line per request (msg "request"); nil writes none.
	AccessLog *slog.Logger
	// Metrics records the requests, operations and refusals; nil records none.
	Metrics *Metrics
	// Traced makes a span of each request (otelhttp), carrying the trace context a client
	// sends, when SetupTracing has a tracer provider exporting them. Without it no request
	// pays for spans that go nowhere (3% of a small query's CPU).
	Traced bool
	// DisableIntrospection refuses introspection (__schema, __type), as in production: then
	// validation errors suggest no names and GraphiQL is not served.
	DisableIntrospection bool

	// The web application (webapp.go, devsignin.go).

	// App is the built web app served at /; nil serves none.
	App fs.FS
	// DevSignIn, in development only, mints the demo identities' tokens for the app.
	DevSignIn *DevSignIn
	// OIDC is the identity provider the app signs in with in production.
	OIDC OIDC
	// MapTiles is the URL template of the map's tiles (config.CheckMapTiles); "" for no map.
	MapTiles string
	// SubscriptionPoll is how often the outbox is read for subscribers (DefaultSubscriptionPoll).
	SubscriptionPoll time.Duration
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
	opt.Logger = slog.New(WithRequestID(opt.Logger.Handler()))
	if opt.AccessLog != nil {
		opt.AccessLog = slog.New(WithRequestID(opt.AccessLog.Handler()))
	}
	if opt.Disclosure == nil {
		pub, err := disclosure.New(disclosure.Defaults, s.Now, s)
		if err != nil {
			panic(err) // the defaults are valid: a test holds them to it
		}
		opt.Disclosure = pub
	}
	mux := http.NewServeMux()
	opt.RequestTimeout = orDefault(opt.RequestTimeout, DefaultRequestTimeout)
	limiter := newRateLimiter(orDefault(opt.RatePerSecond, DefaultRatePerSecond), opt.RateBurst, opt.TrustForwardedFor)
	// The rate limit runs after authentication, so that a client cannot pass as many clients
	// by sending made-up tokens.
	perMin := orDefault(opt.AuthFailuresPerMin, DefaultAuthFailuresPerMin)
	failures := newRateLimiter(perMin/60, int(math.Ceil(perMin)), opt.TrustForwardedFor)
	mux.Handle("/graphql", outage(s, limitBody(opt.MaxBodyBytes, newBodyBudget(opt.MaxBodyBytesInFlight, opt.Metrics), authenticate(opt.Verifier, failures, idempotencyKeys(limiter.middleware(
		withTimeout(opt.RequestTimeout, loaders.Middleware(s, graphQL(s, opt)))))))))
	// The coverage matrix as a CSV file, for the web app (server/coverageexport.go): the
	// `coverage` field's store call, viewer and roles.
	mux.Handle(CoverageExportPath, outage(s, authenticate(opt.Verifier, failures, limiter.middleware(
		withTimeout(opt.RequestTimeout, coverageExport(s, graph.StaleAfterOr(opt.StaleAfter), opt.Logger))))))
	// The HSDS API (hsds/): public, read-only, open to any origin; rate-limited and bounded in
	// time like GraphQL.
	// The web app's imports, for administrators (server/imports.go).
	mux.Handle("/import/", authenticate(opt.Verifier, failures, limiter.middleware(withTimeout(importTimeout, imports(s, opt.MaxBodyBytes)))))
	// A zone's report as a file, for the roles that read the indicators (server/reports.go).
	mux.Handle("GET /reports/", outage(s, authenticate(opt.Verifier, failures, limiter.middleware(withTimeout(opt.RequestTimeout, reports(s, opt.Disclosure, opt.Logger))))))
	mux.Handle(hsds.Prefix+"/", hsds.Handler(s, opt.Logger, func(h http.Handler) http.Handler {
		return limiter.middleware(withTimeout(opt.RequestTimeout, h))
	}))
	// Subscriptions over WebSocket: authenticated by their connection_init, not per request.
	mux.Handle("GET /graphql/ws", subscriptions(s, opt))
	if opt.App != nil {
		mountWebApp(mux, opt.App, opt)
		if !opt.DisableIntrospection {
			// GraphiQL reads the schema by introspection: it is served only when that is on. It
			// is built with the app (web/graphiql.html), so it loads without a CDN.
			mux.Handle("GET /graphiql", web.GraphiQL(opt.App))
		}
	}
	if opt.DevSignIn != nil {
		mountDevSignIn(mux, *opt.DevSignIn)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "alive"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
		defer cancel()
		migrated, err := s.Migrated(ctx)
		switch {
		case err != nil || !s.Available():
			w.Header().Set("Retry-After", RetryAfterSeconds)
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "neo4j": "unreachable"})
		case !migrated:
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "neo4j": "reachable", "migrations": "pending"})
		default:
			writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "neo4j": "reachable", "migrations": "applied"})
		}
	})
	if len(opt.CORSOrigins) == 0 {
		// rs/cors reads no origins as any origin; none means same-origin only
		return opt.traced(observe(opt.AccessLog, opt.Metrics, opt.TrustForwardedFor, mux))
	}
	withCORS := cors.New(cors.Options{
		AllowedOrigins: opt.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Content-Type", "Accept", "Authorization", IdempotencyHeader, RequestIDHeader, "traceparent", "tracestate"},
		ExposedHeaders: []string{RequestIDHeader, "Retry-After"},
		MaxAge:         600,
	}).Handler(mux)
	return opt.traced(observe(opt.AccessLog, opt.Metrics, opt.TrustForwardedFor, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, hsds.Prefix+"/") {
			mux.ServeHTTP(w, r) // any origin, preflight included: the HSDS handler answers it
			return
		}
		withCORS.ServeHTTP(w, r)
	})))
}

// graphQL serves GraphQL over HTTP: POST with a JSON body, and GET for queries.
func graphQL(s *store.Store, opt Options) http.Handler {
	log := opt.Logger
	schema := graph.NewSchema(&graph.Resolver{Store: s, StaleAfter: opt.StaleAfter, Disclosure: opt.Disclosure})
	h := handler.New(schema)
	// Parsed and validated documents are kept, by query text: a cached document still goes
	// through every operation extension (the limits below) on each request.
	h.SetQueryCache(lru.New[*ast.QueryDocument](queryCacheSize))
	h.AroundFields(loaders.Prefetch(schema.Schema()))
	h.AddTransport(direct{transport.GET{}})
	h.AddTransport(direct{transport.POST{}})
	if opt.DisableIntrospection {
		// Introspection off means off: no "Did you mean ...?" in validation errors either, which
		// would otherwise spell out the schema's fields, arguments, types and enum values.
		h.SetDisableSuggestion(true)
		h.SetValidationRulesFn(rulesWithoutSuggestions)
	} else {
		h.Use(extension.Introspection{})
	}
	h.Use(extension.AutomaticPersistedQuery{Cache: newAPQCache()})
	h.Use(&limits{
		maxDepth:      orDefault(opt.MaxDepth, DefaultMaxDepth),
		maxComplexity: orDefault(opt.MaxComplexity, DefaultMaxComplexity),
		maxAliases:    orDefault(opt.MaxAliases, DefaultMaxAliases),
		introspection: !opt.DisableIntrospection,
	})
	h.AroundOperations(timeoutGuard)
	h.AroundOperations(idempotentMutations)
	h.AroundResponses(markUnavailable)
	h.AroundResponses(noteOperation(opt.Metrics))
	h.Use(operationSpans{})
	h.SetErrorPresenter(presenter(log))
	h.SetRecoverFunc(func(ctx context.Context, v any) error {
		log.ErrorContext(ctx, "panic in a resolver", "panic", v, "stack", string(debug.Stack()))
		return &model.Error{Code: model.CodeInternal, Message: "internal error"}
	})
	return specStatus(h)
}

// rulesWithoutSuggestions are gqlparser's validation rules with each rule that suggests names
// replaced by its variant that does not (gqlgen's SetDisableSuggestion swaps FieldsOnCorrectType
// and ScalarLeafs; these are the others).
func rulesWithoutSuggestions() *rules.Rules {
	r := rules.NewDefaultRules()
	for _, swap := range []struct {
		name string
		rule core.Rule
	}{
		{rules.KnownArgumentNamesRule.Name, rules.KnownArgumentNamesRuleWithoutSuggestions},
		{rules.KnownTypeNamesRule.Name, rules.KnownTypeNamesRuleWithoutSuggestions},
		{rules.ValuesOfCorrectTypeRule.Name, rules.ValuesOfCorrectTypeRuleWithoutSuggestions},
		{rules.FieldsOnCorrectTypeRule.Name, rules.FieldsOnCorrectTypeRuleWithoutSuggestions},
		{rules.ScalarLeafsRule.Name, rules.ScalarLeafsRuleWithoutSuggestions},
	} {
		r.RemoveRule(swap.name)
		r.AddRule(swap.rule.Name, swap.rule.RuleFunc)
	}
	return r
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
			if e.Code == model.CodeOutcomeUnknown {
				log.WarnContext(ctx, "write outcome unknown", "error", err, "path", gqlErr.Path.String())
			}
			gqlErr.Message = e.Message
			gqlErr.Extensions["code"] = string(e.Code)
		case graph.ArgumentError(ctx, gqlErr):
			gqlErr.Message = "argument " + strings.TrimPrefix(gqlErr.Path.String(), graphql.GetFieldContext(ctx).Path().String()+".") +
				": " + gqlErr.Message
			gqlErr.Extensions["code"] = string(model.CodeBadUserInput)
		case errors.Is(err, context.DeadlineExceeded), errors.Is(ctx.Err(), context.DeadlineExceeded), neo4jTimeout(err):
			gqlErr.Message = timeoutMessage
			gqlErr.Extensions["code"] = string(model.CodeTimeout)
		case errors.Is(err, context.Canceled), errors.Is(ctx.Err(), context.Canceled):
			// The client hung up: nothing went wrong here, and no one reads the answer.
			log.DebugContext(ctx, "request canceled by its client", "path", gqlErr.Path.String())
			gqlErr.Message = "the request was canceled"
			gqlErr.Extensions["code"] = string(model.CodeCanceled)
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

// limitBody refuses a body over max bytes with 413, without reading more of it than max, and a
// batch of operations with 400; it holds the body within the budget of bodies in flight
// (bodybudget.go).
func limitBody(max int64, bodies *bodyBudget, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			tooLarge(w, max)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		body, release, err := bodies.read(r)
		defer release()
		if err != nil {
			var mbe *http.MaxBytesError
			if errors.Is(err, errBudgetSpent) {
				bodyBudgetSpent(w)
				return
			}
			if errors.As(err, &mbe) {
				tooLarge(w, max)
				return
			}
			writeJSON(w, http.StatusBadRequest, errorBody("could not read the request body", model.CodeBadUserInput))
			return
		}
		// gqlgen reads one operation per request: a JSON array, a batch, gets a plain refusal.
		peek := bufio.NewReaderSize(body, 512)
		if ok, n := batch(peek); ok {
			batchRefused(w, n)
			return
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{peek, body}
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

// queryCacheSize is how many parsed and validated documents the server keeps.
const queryCacheSize = 1000
