package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// exchange is what Snodo notes of one request for its access log line and its metrics: never
// a value from the request (no variables, no case data), only names, codes and times.
type exchange struct {
	id     string
	mu     sync.Mutex
	op     string // the GraphQL operation's name, or "" for an anonymous one
	opType string // query, mutation, subscription
	codes  []string
	client string
}

type exchangeKey struct{}

func exchangeOf(ctx context.Context) *exchange {
	x, _ := ctx.Value(exchangeKey{}).(*exchange)
	return x
}

// RequestID is the id of the request the context serves, or "".
func RequestID(ctx context.Context) string {
	if x := exchangeOf(ctx); x != nil {
		return x.id
	}
	return ""
}

// maxRequestID is the longest X-Request-Id taken from a client; a longer or odd one is
// replaced by a new id.
const maxRequestID = 128

func requestIDFrom(r *http.Request) string {
	id := r.Header.Get(RequestIDHeader)
	if id == "" || len(id) > maxRequestID {
		return newRequestID()
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return newRequestID()
		}
	}
	return id
}

func newRequestID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// observe wraps the whole handler: it gives each request an id (the client's X-Request-Id, or
// a new one), returns it in X-Request-Id, puts it on every log line of the request
// (WithRequestID), and when the request ends records the request's metrics and writes one
// access log line (msg "request") to log, unless it is nil.
func observe(log *slog.Logger, m *metrics, trustForwarded bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		x := &exchange{id: requestIDFrom(r), client: clientAddress(r, trustForwarded)}
		w.Header().Set(RequestIDHeader, x.id)
		trace.SpanFromContext(r.Context()).SetAttributes(attribute.String("snodo.request_id", x.id))
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		ctx := context.WithValue(r.Context(), exchangeKey{}, x)
		r = r.WithContext(ctx)
		next.ServeHTTP(rec, r)
		took := time.Since(start)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		span := trace.SpanFromContext(ctx)
		span.SetName(route)
		span.SetAttributes(attribute.String("http.route", route))
		x.mu.Lock()
		op, opType, codes := x.op, x.opType, x.codes
		x.mu.Unlock()
		m.request(route, rec.status, took)
		if log == nil {
			return
		}
		attrs := []slog.Attr{
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", rec.status),
			slog.Float64("durationMs", float64(took.Microseconds())/1000),
			slog.Int64("bytes", rec.bytes),
			slog.String("client", x.client),
		}
		if opType != "" {
			attrs = append(attrs, slog.String("operation", op), slog.String("operationType", opType))
		}
		if len(codes) > 0 {
			attrs = append(attrs, slog.Any("errorCodes", codes))
		}
		log.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
	})
}

// maxOperationName bounds the operation name logged and counted: a client names it.
const maxOperationName = 80

// noteOperation is a gqlgen response hook that notes the operation's name, type and error
// codes for the access log and the metrics.
func noteOperation(m *metrics) graphql.ResponseMiddleware {
	return func(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
		resp := next(ctx)
		x := exchangeOf(ctx)
		if x == nil || !graphql.HasOperationContext(ctx) {
			return resp
		}
		oc := graphql.GetOperationContext(ctx)
		name, typ := oc.OperationName, "unknown"
		if oc.Operation != nil {
			typ = string(oc.Operation.Operation)
			if name == "" {
				name = oc.Operation.Name
			}
		}
		if !printable(name) {
			name = "invalid"
		}
		if len(name) > maxOperationName {
			name = name[:maxOperationName]
		}
		var codes []string
		if resp != nil {
			for _, e := range resp.Errors {
				code, _ := e.Extensions["code"].(string)
				if code == "" {
					code = "UNKNOWN"
				}
				codes = append(codes, code)
			}
		}
		x.mu.Lock()
		x.op, x.opType, x.codes = name, typ, codes
		x.mu.Unlock()
		m.operation(name, typ, codes)
		return resp
	}
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// recorder notes the status and size of an answer.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.wrote = true
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes a flush on, for the GraphiQL and streaming answers.
func (r *recorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// WithRequestID returns a log handler that adds the request's id (requestId) to every line
// logged with a context of a request, wherever in Snodo it is logged.
func WithRequestID(h slog.Handler) slog.Handler {
	if _, ok := h.(requestIDHandler); ok {
		return h
	}
	return requestIDHandler{h}
}

type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r.AddAttrs(slog.String("requestId", id))
	}
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		r.AddAttrs(slog.String("traceId", sc.TraceID().String()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}
