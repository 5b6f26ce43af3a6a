package store

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// health is what the store knows of the database's availability, kept by Watch. While the
// database is down, every transaction fails at once with SERVICE_UNAVAILABLE instead of
// waiting out the request's deadline in the driver's retries, and the transactions under way
// when it went down are ended with the same error. Without Watch the database counts as up.
type health struct {
	down     atomic.Bool
	mu       sync.Mutex
	inflight map[*context.CancelCauseFunc]struct{}
	kick     chan struct{} // a transaction saw a connection fail: probe now
}

// ErrDatabaseDown is the cause of the errors of transactions refused or ended while the
// database is unreachable.
var ErrDatabaseDown = errors.New("the database is unreachable")

// UnavailableMessage is what a client is told while the database is unreachable.
const UnavailableMessage = "the database is unavailable; try again shortly"

func unavailable(cause error) error {
	return &model.Error{Code: model.CodeUnavailable, Message: UnavailableMessage, Err: cause}
}

// The probe's pace: how often Watch asks the database, and how long it waits for an answer.
const (
	probeEvery   = 500 * time.Millisecond
	probeTimeout = time.Second
)

// Available reports whether the database answered the last probes (always true without Watch).
func (s *Store) Available() bool { return !s.health.down.Load() }

// Watch probes the database until ctx ends: a connection refused, or two probes in a row
// unanswered within a second, mark it down; the first answer marks it up again. Transitions
// are logged.
func (s *Store) Watch(ctx context.Context, log *slog.Logger) {
	h := &s.health
	h.mu.Lock()
	if h.kick == nil {
		h.kick = make(chan struct{}, 1)
	}
	kick := h.kick
	h.mu.Unlock()
	failures := 0
	tick := time.NewTicker(probeEvery)
	defer tick.Stop()
	for {
		err := s.probe(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			failures = 0
			if h.down.Swap(false) {
				log.Info("neo4j reachable again")
			}
		default:
			failures++
			if (Unavailable(err) || failures >= 2) && !h.down.Load() {
				log.Error("neo4j unreachable: answering SERVICE_UNAVAILABLE until it answers", "error", err)
				h.markDown()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-kick:
		}
	}
}

// probe asks the database for one trivial answer, past the gate of enter.
func (s *Store) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	session := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = session.Close(context.Background()) }()
	_, err := neo4j.ExecuteRead(ctx, session, func(tx neo4j.ManagedTransaction) (any, error) {
		r, err := tx.Run(ctx, "RETURN 1", nil)
		if err != nil {
			return nil, err
		}
		return r.Consume(ctx)
	})
	return err
}

// markDown records the database as down and ends the transactions under way.
func (h *health) markDown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.down.Store(true)
	for cancel := range h.inflight {
		(*cancel)(ErrDatabaseDown)
	}
}

// enter admits a transaction: while the database is down it is refused with
// SERVICE_UNAVAILABLE; otherwise it runs under a context that ends if the database goes down,
// and leave must be called with its error, which it returns as the caller should see it.
func (h *health) enter(ctx context.Context) (context.Context, func(error) error, error) {
	if h.down.Load() {
		return ctx, nil, unavailable(ErrDatabaseDown)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	h.mu.Lock()
	if h.inflight == nil {
		h.inflight = map[*context.CancelCauseFunc]struct{}{}
	}
	h.inflight[&cancel] = struct{}{}
	h.mu.Unlock()
	leave := func(err error) error {
		h.mu.Lock()
		delete(h.inflight, &cancel)
		h.mu.Unlock()
		downed := errors.Is(context.Cause(ctx), ErrDatabaseDown)
		cancel(nil)
		if err == nil {
			return nil
		}
		if Unavailable(err) {
			h.probeNow()
		}
		if downed && model.ErrorCode(err) != model.CodeOutcomeUnknown {
			return unavailable(err)
		}
		return err
	}
	return ctx, leave, nil
}

func (h *health) probeNow() {
	h.mu.Lock()
	kick := h.kick
	h.mu.Unlock()
	if kick != nil {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
}
