package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"snodo/disclosure"
)

// Metrics are Snodo's Prometheus metrics, served by Handler on their own address
// (SNODO_METRICS_ADDR), away from the API. A nil *Metrics records nothing.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.HistogramVec
	operations  *prometheus.CounterVec
	queries     *prometheus.HistogramVec
	batches     prometheus.Histogram
	refusals    *prometheus.CounterVec
	rateLimited *prometheus.CounterVec
	budget      *prometheus.CounterVec
	bodyBytes   prometheus.Gauge
	bodyRefused prometheus.Counter
}

type metrics = Metrics

// NewMetrics makes the metrics, with the Go runtime's and the process's.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "snodo_http_request_duration_seconds", Help: "HTTP requests by route and status, and how long they took.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "status"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snodo_graphql_operations_total", Help: "GraphQL operations by name, type and error code (OK for none; one count per error otherwise).",
		}, []string{"operation", "type", "code"}),
		queries: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "snodo_cypher_duration_seconds", Help: "Cypher statements by the store function that sent them, and how long they took.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"query", "outcome"}),
		batches: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "snodo_loader_batch_size", Help: "How many keys each loader batch fetched at once.",
			Buckets: []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000},
		}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snodo_limit_refusals_total", Help: "Operations refused by a limit, by the limit's code.",
		}, []string{"limit"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snodo_rate_limited_total", Help: "Requests refused 429 by a rate limit, by route.",
		}, []string{"route"}),
		budget: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "snodo_disclosure_budget_spent_total", Help: "Aggregate queries recorded against the disclosure budget, by role.",
		}, []string{"role"}),
		bodyBytes: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "snodo_request_body_bytes_in_flight", Help: "Bytes of request bodies reserved by the requests in flight.",
		}),
		bodyRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "snodo_request_body_budget_refusals_total", Help: "Requests refused 503 because the request-body budget was spent.",
		}),
	}
	m.reg.MustRegister(m.requests, m.operations, m.queries, m.batches, m.refusals, m.rateLimited, m.budget, m.bodyBytes, m.bodyRefused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	return mux
}

// Registry is where the metrics are registered, for other collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

func (m *Metrics) request(route string, status int, took time.Duration) {
	if m == nil {
		return
	}
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Observe(took.Seconds())
	switch status {
	case http.StatusTooManyRequests:
		m.rateLimited.WithLabelValues(route).Inc()
	case http.StatusRequestEntityTooLarge:
		m.refusals.WithLabelValues("PAYLOAD_TOO_LARGE").Inc()
	}
}

// limitCodes are the codes of the refusals by a limit.
var limitCodes = map[string]bool{
	CodeQueryTooDeep: true, CodeQueryTooComplex: true, CodeQueryTooLarge: true, CodeTooManyAliases: true,
	CodeIntrospectionDisabled: true, CodeBatchNotSupported: true, "PAYLOAD_TOO_LARGE": true, "TIMEOUT": true,
	string(disclosure.CodeBudgetExceeded): true,
}

func (m *Metrics) operation(name, typ string, codes []string) {
	if m == nil {
		return
	}
	if name == "" {
		name = "anonymous"
	}
	if len(codes) == 0 {
		m.operations.WithLabelValues(name, typ, "OK").Inc()
	}
	for _, c := range codes {
		m.operations.WithLabelValues(name, typ, c).Inc()
		if limitCodes[c] {
			m.refusals.WithLabelValues(c).Inc()
		}
	}
}

// Query records one Cypher statement (store.ObserveQueries).
func (m *Metrics) Query(name string, took time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.queries.WithLabelValues(name, outcome).Observe(took.Seconds())
}

// Batch records the size of one loader batch (loaders.ObserveBatch).
func (m *Metrics) Batch(size int) {
	if m == nil {
		return
	}
	m.batches.Observe(float64(size))
}

// Ledger counts the aggregate queries recorded by the ledger it wraps: the disclosure budget
// spent.
func (m *Metrics) Ledger(l disclosure.Ledger) disclosure.Ledger {
	if m == nil {
		return l
	}
	return countingLedger{l, m}
}

type countingLedger struct {
	disclosure.Ledger
	m *Metrics
}

func (c countingLedger) RecordAggregateQuery(ctx context.Context, q disclosure.Query) (int, error) {
	n, err := c.Ledger.RecordAggregateQuery(ctx, q)
	if err == nil {
		c.m.budget.WithLabelValues(q.Role).Inc()
	}
	return n, err
}
