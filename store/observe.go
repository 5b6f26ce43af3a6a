package store

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// QueryObserver is told of every Cypher statement the store sends: the name of the store
// function that sent it (CreateZone, lockNode, Get: a name, never the text or the values), how
// long it took to answer in full, and its error.
type QueryObserver func(name string, took time.Duration, err error)

var queryObserver atomic.Pointer[QueryObserver]

// ObserveQueries sets the observer of the store's statements (nil for none), for the metrics.
func ObserveQueries(f QueryObserver) {
	if f == nil {
		queryObserver.Store(nil)
		return
	}
	queryObserver.Store(&f)
}

// queryWatch is what run notes of one statement for the metrics and the trace: its name, when
// it started and its span (a span per statement, under the request's, when it is traced).
type queryWatch struct {
	name  string
	start time.Time
	span  trace.Span
}

var tracer = otel.Tracer("snodo/store")

// watchQuery starts watching the statement run is about to send; it names it only when
// something will read the name.
func watchQuery(ctx context.Context) queryWatch {
	w := queryWatch{start: time.Now()}
	parent := trace.SpanFromContext(ctx)
	if queryObserver.Load() == nil && !parent.IsRecording() {
		return w
	}
	w.name = queryName()
	if parent.IsRecording() {
		_, w.span = tracer.Start(ctx, "cypher "+w.name, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(attribute.String("db.system.name", "neo4j"), attribute.String("db.query.summary", w.name)))
	}
	return w
}

// done records the statement's end: how long it took, how many records it gave, its error.
func (w queryWatch) done(records int, err error) {
	if f := queryObserver.Load(); f != nil {
		(*f)(w.name, time.Since(w.start), err)
	}
	if w.span != nil {
		w.span.SetAttributes(attribute.Int("db.response.returned_rows", records))
		if err != nil {
			w.span.SetStatus(codes.Error, "the statement failed") // no message: it may quote values
		}
		w.span.End()
	}
}

var queryNames sync.Map // program counter → name

// queryName names a statement by the function that called run: a closure by the function it
// lies in, a method without its receiver.
func queryName() string {
	var pcs [1]uintptr
	if runtime.Callers(4, pcs[:]) == 0 { // Callers, queryName, watchQuery, run, its caller
		return "unknown"
	}
	if name, ok := queryNames.Load(pcs[0]); ok {
		return name.(string)
	}
	frame, _ := runtime.CallersFrames(pcs[:]).Next()
	name := frame.Function
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.TrimPrefix(name, "store.")
	name = strings.TrimPrefix(name, "(*Store).")
	if i := strings.Index(name, ".func"); i > 0 {
		name = name[:i]
	}
	if i := strings.Index(name, "["); i > 0 { // a generic function
		name = name[:i]
	}
	queryNames.Store(pcs[0], name)
	return name
}
