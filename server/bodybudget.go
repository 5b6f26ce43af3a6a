package server

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"sync"

	"snodo/model"
)

// DefaultMaxBodyBytesInFlight is the default budget of request-body bytes held in memory at
// once, shared by every request in flight: 32 bodies of the largest size, or thousands of
// ordinary GraphQL documents.
const DefaultMaxBodyBytesInFlight = 32 << 20

// bodyBudget bounds the bytes of request bodies held in memory at once. A request reserves
// what it reads before it reads it (its Content-Length at once, or each growth of its buffer),
// and gives it back when its answer is written; one that finds the budget spent is refused with
// 503 and Retry-After, so that many slow clients sending large bodies cannot grow the heap
// without bound.
type bodyBudget struct {
	mu    sync.Mutex
	limit int64 // negative: no limit
	used  int64
	peak  int64
	m     *Metrics
}

func newBodyBudget(limit int64, m *Metrics) *bodyBudget {
	if limit == 0 {
		limit = DefaultMaxBodyBytesInFlight
	}
	return &bodyBudget{limit: limit, m: m}
}

func (b *bodyBudget) take(n int64) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.limit >= 0 && b.used+n > b.limit {
		return false
	}
	b.used += n
	b.peak = max(b.peak, b.used)
	if b.m != nil {
		b.m.bodyBytes.Set(float64(b.used))
	}
	return true
}

func (b *bodyBudget) give(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.used -= n
	if b.m != nil {
		b.m.bodyBytes.Set(float64(b.used))
	}
}

// errBudgetSpent is a body refused because the budget of bodies in flight is spent.
var errBudgetSpent = errors.New("the server holds as many request bodies as it may")

// read reads the whole body, already limited in size (http.MaxBytesReader), into memory within
// the budget; the caller calls release once it no longer needs the body.
func (b *bodyBudget) read(r *http.Request) (body io.ReadCloser, release func(), err error) {
	var reserved int64
	release = func() { b.give(reserved); reserved = 0 }
	reserve := func(n int64) bool {
		if !b.take(n) {
			return false
		}
		reserved += n
		return true
	}
	if r.ContentLength > 0 {
		if !reserve(r.ContentLength) {
			b.refused()
			return nil, release, errBudgetSpent
		}
		buf := make([]byte, r.ContentLength)
		if _, err := io.ReadFull(r.Body, buf); err != nil {
			return nil, release, err
		}
		return io.NopCloser(bytes.NewReader(buf)), release, nil
	}
	// No length given: reserve each growth of the buffer before it grows.
	var buf bytes.Buffer
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Body.Read(chunk)
		if n > 0 {
			if need := int64(buf.Len() + n); need > int64(buf.Cap()) {
				grow := max(need, 2*int64(buf.Cap())) - int64(buf.Cap())
				if !reserve(grow) {
					b.refused()
					return nil, release, errBudgetSpent
				}
				buf.Grow(int(grow))
			}
			buf.Write(chunk[:n])
		}
		if errors.Is(err, io.EOF) {
			return io.NopCloser(&buf), release, nil
		}
		if err != nil {
			return nil, release, err
		}
	}
}

func (b *bodyBudget) refused() {
	if b.m != nil {
		b.m.bodyRefused.Inc()
	}
}

func bodyBudgetSpent(w http.ResponseWriter) {
	w.Header().Set("Retry-After", RetryAfterSeconds)
	w.Header().Set("Connection", "close") // the rest of the body is not read
	writeJSON(w, http.StatusServiceUnavailable, errorBody("the server is busy receiving other requests; try again shortly", model.CodeUnavailable))
}
