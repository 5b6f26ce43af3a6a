package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"snodo/internal/testenv"
	"snodo/server"
)

// TestTraces: with a tracer provider, a request makes a span named by its route with the
// request id, under it a span for the GraphQL operation with its name and type, and under that a
// span per Cypher statement named by the store function that sent it, all in the trace the
// client's traceparent names; no span holds a value of the request.
func TestTraces(t *testing.T) {
	e := testenv.Open(t)
	spans := tracetest.NewInMemoryExporter()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans)))
	otel.SetTextMapPropagator(propagation.TraceContext{}) // as SetupTracing does
	h := e.HandlerWith(server.Options{Logger: quiet, Traced: true})
	const secret = "Traced-Secret-Name-77"
	req := gqlRequest(context.Background(), testenv.Admin, `mutation Tracked($n: String!) { createZone(input: {name: $n, kind: CUSTOM}) { zone { id } } }`,
		map[string]any{"n": secret}, map[string]string{"X-Request-Id": "trace-req-1", "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "errors") {
		t.Fatalf("%d %s", rec.Code, rec.Body.String())
	}
	byName := map[string]tracetest.SpanStub{}
	for _, s := range spans.GetSpans() {
		byName[s.Name] = s
		if s.SpanContext.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" {
			t.Errorf("span %s is in trace %s, not the client's", s.Name, s.SpanContext.TraceID())
		}
		for _, a := range s.Attributes {
			if strings.Contains(a.Value.Emit(), secret) {
				t.Errorf("span %s holds the request's value in %s", s.Name, a.Key)
			}
		}
	}
	httpSpan, ok := byName["/graphql"]
	op, ok2 := byName["graphql mutation Tracked"]
	cypher, ok3 := byName["cypher CreateZone"]
	if !ok || !ok2 || !ok3 {
		names := []string{}
		for n := range byName {
			names = append(names, n)
		}
		t.Fatalf("spans: %v", names)
	}
	if op.Parent.SpanID() != httpSpan.SpanContext.SpanID() {
		t.Errorf("the operation's span is not under the request's")
	}
	if cypher.Parent.TraceID() != op.SpanContext.TraceID() {
		t.Errorf("the statement's span is not in the operation's trace")
	}
	found := false
	for _, a := range httpSpan.Attributes {
		if a.Key == "snodo.request_id" && a.Value.AsString() == "trace-req-1" {
			found = true
		}
	}
	if !found {
		t.Errorf("the request's span has no request id: %v", httpSpan.Attributes)
	}
}

// TestUntracedMakesNoSpans: a server not told to trace (Options.Traced, which SetupTracing
// gives when it exports) makes no span of a request, even with a tracer provider installed and
// a client's traceparent, and answers as a traced one does.
func TestUntracedMakesNoSpans(t *testing.T) {
	e := testenv.Open(t)
	spans := tracetest.NewInMemoryExporter()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans)))
	otel.SetTextMapPropagator(propagation.TraceContext{})
	for _, traced := range []bool{false, true} {
		spans.Reset()
		h := e.HandlerWith(server.Options{Logger: quiet, Traced: traced})
		req := gqlRequest(context.Background(), testenv.Admin, `query Zones { zones(first: 1) { edges { node { id } } } }`, nil,
			map[string]string{"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "errors") {
			t.Fatalf("traced %v: %d %s", traced, rec.Code, rec.Body.String())
		}
		if n := len(spans.GetSpans()); traced != (n > 0) {
			t.Errorf("traced %v: %d spans", traced, n)
		}
	}
}
