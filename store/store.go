// Package store is Snodo's data layer: it owns every Cypher query and runs them through the Neo4j
// driver's managed transactions, reads with ExecuteRead and writes with ExecuteWrite, so that a
// routing URI spreads reads over a cluster without code changes.
package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// Store runs Snodo's queries on one Neo4j database.
type Store struct {
	driver   neo4j.DriverWithContext
	database string
	// now is the clock of writes; tests may replace it.
	now func() time.Time
	// recipientAccess is how long a recipient still sees a case after its referral closes.
	recipientAccess time.Duration
	// health is the database's availability as Watch sees it (health.go).
	health health
}

// New returns a store over the driver's database ("" for the server's default database).
func New(driver neo4j.DriverWithContext, database string) *Store {
	return &Store{driver: driver, database: database, now: timeNow, recipientAccess: DefaultRecipientAccessAfterClose}
}

// Connect opens a driver to uri and waits up to wait for the server to answer.
func Connect(ctx context.Context, uri, user, password string, wait time.Duration) (neo4j.DriverWithContext, error) {
	driver, err := neo4j.NewDriverWithContext(uri, neo4j.BasicAuth(user, password, ""))
	if err != nil {
		return nil, fmt.Errorf("neo4j driver for %s: %w", uri, err)
	}
	deadline := time.Now().Add(wait)
	for {
		attempt, cancel := context.WithTimeout(ctx, max(time.Until(deadline), time.Second))
		err = driver.VerifyConnectivity(attempt)
		cancel()
		if err == nil {
			return driver, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			_ = driver.Close(context.Background())
			return nil, fmt.Errorf("neo4j at %s did not answer within %s: %w", uri, wait, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// Ping checks that the database answers a query.
func (s *Store) Ping(ctx context.Context) error {
	_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		_, err := run(ctx, tx, "RETURN 1", nil)
		return true, err
	})
	return err
}

// session opens a session for one unit of work. Sessions are not safe for concurrent use and
// gqlgen resolves sibling fields concurrently, so each store call has its own; the shared
// bookmark manager keeps them causally consistent, so a read sees the writes before it.
func (s *Store) session(ctx context.Context, mode neo4j.AccessMode) neo4j.SessionWithContext {
	return s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName:    s.database,
		AccessMode:      mode,
		BookmarkManager: s.driver.ExecuteQueryBookmarkManager(),
	})
}

// read runs work in a managed read transaction. A deadline on ctx also bounds the transaction
// on the server (its tx timeout), so that Neo4j stops work that no one waits for.
func read[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	var config []func(*neo4j.TransactionConfig)
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if left <= 0 {
			var zero T
			return zero, context.DeadlineExceeded
		}
		config = append(config, neo4j.WithTxTimeout(left))
	}
	ctx, leave, err := s.health.enter(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	session := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = session.Close(context.Background()) }()
	v, err := neo4j.ExecuteRead(ctx, session, work, config...)
	return v, leave(err)
}

// readAutoCommit runs one read statement as a transaction of its own (auto-commit): one
// round-trip, where a managed transaction costs a commit more. It is for the statements of one
// request's levels (ReadParts), which a failure does not retry: their loaders read again. The
// shared bookmark manager keeps it causally consistent with the writes before it, as read.
// A request's statements stay one auto-commit transaction each rather than sharing one read
// transaction: a shared one costs a BEGIN and a COMMIT that auto-commit does not, and measured
// no faster (the region's page of 100 services and its level of fields: 6.3 ms p50 as two
// auto-commits, 6.6 ms in one explicit transaction, 6.4 ms in one managed transaction, with a
// little more client CPU for either transaction), while the bookmarks already give a request
// the causal consistency a shared transaction would.
func readAutoCommit(ctx context.Context, s *Store, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	var config []func(*neo4j.TransactionConfig)
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, context.DeadlineExceeded
		}
		config = append(config, neo4j.WithTxTimeout(left))
	}
	if c, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
	ctx, leave, err := s.health.enter(ctx)
	if err != nil {
		return nil, err
	}
	session := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = session.Close(context.Background()) }()
	if pl, ok := ctx.Value(planKey{}).(*planLog); ok {
		if err := pl.note(ctx, func(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error) {
			return session.Run(ctx, cypher, params)
		}, cypher, params); err != nil {
			return nil, leave(err)
		}
	}
	w := watchQuery(ctx)
	result, err := session.Run(ctx, cypher, driverParams(params), config...)
	if err != nil {
		w.done(0, err)
		return nil, leave(err)
	}
	records, err := collect(ctx, result)
	w.done(len(records), err)
	return records, leave(err)
}

// write runs work in a managed write transaction: all of it is committed, or none of it. A
// change made through the API is audited in the same transaction. A deadline on ctx also bounds
// the transaction on the server, as in read, and everything up to the commit; the commit itself
// is not cut short by it (see commitGuard), so a write that committed is answered as written.
// A write whose commit was sent but not answered fails with OUTCOME_UNKNOWN (see outcome).
func write[T any](ctx context.Context, s *Store, work func(tx neo4j.ManagedTransaction) (T, error)) (T, error) {
	var config []func(*neo4j.TransactionConfig)
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if left <= 0 {
			var zero T
			return zero, context.DeadlineExceeded
		}
		config = append(config, neo4j.WithTxTimeout(left))
	}
	ctx, leave, err := s.health.enter(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	guard := newCommitGuard(ctx)
	defer guard.stop()
	session := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { _ = session.Close(context.Background()) }()
	idem, _ := ctx.Value(idempotencyKey{}).(*idempotency)
	var keyID string
	if idem != nil {
		keyID = idem.next()
	}
	v, err := neo4j.ExecuteWrite(guard, session, func(tx neo4j.ManagedTransaction) (T, error) {
		guard.working()
		now := s.now()
		if idem != nil { // a retry gets the first result and writes nothing (idempotency.go)
			if v, done, err := claimKey[T](ctx, tx, keyID, idem.hash, now); err != nil || done {
				if err == nil {
					err = guard.committing()
				}
				return v, err
			}
		}
		v, err := work(tx)
		if err == nil {
			err = audit(ctx, tx, model.AuditActionChange, v)
		}
		if err == nil && idem != nil {
			err = keepResult(ctx, tx, idem, keyID, now, v)
		}
		if err == nil {
			err = guard.committing()
		}
		return v, err
	}, config...)
	return v, leave(outcome(err, guard.committed()))
}

// commitGuard is the context the driver runs a write transaction with: it ends with the
// request's context until the work is done and the driver goes on to commit; from then on only
// commitTimeout bounds it. The driver commits with the context it was given, and a deadline
// that passed while the commit was under way would leave a write made but answered TIMEOUT.
type commitGuard struct {
	context.Context
	cancel context.CancelFunc
	parent context.Context
	mu     sync.Mutex
	commit bool      // the last attempt's work is done and its commit was sent
	ended  bool      // the request's context ended before the commit
	by     time.Time // the deadline of the commit
	timer  *time.Timer
	done   chan struct{}
}

// commitTimeout bounds a commit once the work of its transaction is done.
const commitTimeout = 30 * time.Second

func newCommitGuard(parent context.Context) *commitGuard {
	ctx, cancel := context.WithCancel(context.WithoutCancel(parent))
	g := &commitGuard{Context: ctx, cancel: cancel, parent: parent, done: make(chan struct{})}
	go func() {
		select {
		case <-parent.Done():
			g.mu.Lock()
			if !g.commit {
				g.ended = true
				cancel()
			}
			g.mu.Unlock()
		case <-g.done:
		}
	}()
	return g
}

// Err is the request's error once the guard ended with it, so that the driver reports a
// deadline as a deadline.
func (g *commitGuard) Err() error {
	if err := g.Context.Err(); err != nil {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.ended {
			return g.parent.Err()
		}
		return err
	}
	return nil
}

// Deadline is the request's until the commit, then the commit's own: the driver reads and
// writes a connection under the deadline of its context.
func (g *commitGuard) Deadline() (time.Time, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.commit {
		return g.by, true
	}
	return g.parent.Deadline()
}

// working marks the start of an attempt: a retry runs the work again, uncommitted, and ends
// with the request again.
func (g *commitGuard) working() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.commit = false
	if g.parent.Err() != nil {
		g.ended = true
		g.cancel()
	}
}

// committing marks the work done: from now on the request's end no longer ends the
// transaction. It fails when the request ended first, so that the work is rolled back.
func (g *commitGuard) committing() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.ended {
		return g.parent.Err()
	}
	g.commit = true
	if g.timer != nil {
		g.timer.Stop()
	}
	g.by = time.Now().Add(commitTimeout)
	g.timer = time.AfterFunc(commitTimeout, g.cancel)
	return nil
}

func (g *commitGuard) committed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.commit
}

func (g *commitGuard) stop() {
	close(g.done)
	g.mu.Lock()
	if g.timer != nil {
		g.timer.Stop()
	}
	g.mu.Unlock()
	g.cancel()
}

// outcome turns the error of a write whose commit was sent into OUTCOME_UNKNOWN, unless Neo4j
// answered the commit with a refusal: a connection that failed, or a commit that was not
// answered in time, leaves the write possibly made, and a client that retried blindly could
// make it twice.
func outcome(err error, commitSent bool) error {
	var refused *neo4j.Neo4jError
	if err == nil || !commitSent || errors.As(err, &refused) {
		return err
	}
	return &model.Error{Code: model.CodeOutcomeUnknown, Message: OutcomeUnknownMessage, Err: err}
}

// OutcomeUnknownMessage is what a client is told when its write may or may not have been made.
const OutcomeUnknownMessage = "the write may have been made: the connection to the database failed after the change was sent " +
	"and before it was confirmed; read the data again before you retry, or retry with the same Idempotency-Key"

// run sends one query and collects its records, counting the round-trip for the request.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if c, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
	w := watchQuery(ctx)
	if pl, ok := ctx.Value(planKey{}).(*planLog); ok {
		if err := pl.note(ctx, tx.Run, cypher, params); err != nil {
			return nil, err
		}
	}
	result, err := tx.Run(ctx, cypher, driverParams(params))
	if err != nil {
		w.done(0, err)
		return nil, err
	}
	records, err := collect(ctx, result)
	w.done(len(records), err)
	return records, err
}

// collect reads a result's records as its Collect does, without the room for 1,024 records
// that Collect makes first: 8 KB a statement, where most return one record or a few.
func collect(ctx context.Context, result neo4j.ResultWithContext) ([]*neo4j.Record, error) {
	var records []*neo4j.Record
	for result.Next(ctx) {
		records = append(records, result.Record())
	}
	if err := result.Err(); err != nil {
		return nil, err
	}
	return records, nil
}

// planLog keeps every statement run under a context that carries it, as sent, and when explain
// is set its plan too: the plan tests read the plans of what the store's functions send
// (plan_test.go), and the region benchmark runs a request's own statements bare
// (WithStatementLog).
type planLog struct {
	explain bool
	mu      sync.Mutex
	plans   []statementPlan
}

type statementPlan struct {
	cypher string
	params map[string]any
	plan   neo4j.Plan
}

type planKey struct{}

// runner is how a statement is sent: a session's auto-commit Run or a transaction's.
type runner func(ctx context.Context, cypher string, params map[string]any) (neo4j.ResultWithContext, error)

// note keeps the statement, EXPLAINed through run when the log wants plans.
func (pl *planLog) note(ctx context.Context, run runner, cypher string, params map[string]any) error {
	kept := statementPlan{cypher: cypher, params: driverParams(params)}
	if pl.explain {
		result, err := run(ctx, "EXPLAIN "+cypher, kept.params)
		if err != nil {
			return err
		}
		summary, err := result.Consume(ctx)
		if err != nil {
			return err
		}
		kept.plan = summary.Plan()
	}
	pl.mu.Lock()
	defer pl.mu.Unlock()
	pl.plans = append(pl.plans, kept)
	return nil
}

// Statement is a Cypher statement the store sent, with its parameters as the driver sent them.
type Statement struct {
	Cypher string
	Params map[string]any
}

// WithStatementLog returns a context under which the store keeps every statement it sends, and
// a function giving them so far, in order. The region benchmark runs a request's own statements
// bare with it (graph/peer_bench_test.go); nothing in serving sets it.
func WithStatementLog(ctx context.Context) (context.Context, func() []Statement) {
	ctx, kept := withLog(ctx, false)
	return ctx, func() []Statement {
		var out []Statement
		for _, p := range kept() {
			out = append(out, Statement{p.cypher, p.params})
		}
		return out
	}
}

// withLog returns a context carrying a new log, EXPLAINing when explain is set, and a function
// giving a copy of what it kept so far.
func withLog(ctx context.Context, explain bool) (context.Context, func() []statementPlan) {
	pl := &planLog{explain: explain}
	return context.WithValue(ctx, planKey{}, pl), func() []statementPlan {
		pl.mu.Lock()
		defer pl.mu.Unlock()
		return slices.Clone(pl.plans)
	}
}

// driverParams is the one place where parameters are put in the form the driver sends safely:
// every instant in UTC, every date a Neo4j DATE, at any depth of maps and lists. An instant
// read from RFC 3339 with an offset (2026-11-23T10:00:00+01:00) lies in a zone without a name,
// which the driver sends as a zone named "": Neo4j refuses the request as invalid, and the
// pooled connection that sent it is left failing the next query of whoever uses it next.
func driverParams(params map[string]any) map[string]any {
	if params == nil {
		return nil
	}
	out := make(map[string]any, len(params))
	for k, v := range params {
		out[k] = driverValue(v)
	}
	return out
}

func driverValue(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.UTC()
	case *time.Time:
		if v == nil {
			return nil
		}
		return v.UTC()
	case model.Date:
		return neo4j.DateOf(v.Time)
	case *model.Date:
		return dateParam(v)
	case map[string]any:
		return driverParams(v)
	case []map[string]any:
		out := make([]map[string]any, len(v))
		for i, m := range v {
			out[i] = driverParams(m)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = driverValue(x)
		}
		return out
	case []time.Time:
		out := make([]time.Time, len(v))
		for i, t := range v {
			out[i] = t.UTC()
		}
		return out
	}
	return v
}

type counterKey struct{}

// WithQueryCounter returns a context in which every query the store sends is counted.
func WithQueryCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	c := new(atomic.Int64)
	return context.WithValue(ctx, counterKey{}, c), c
}

// Unavailable reports whether err means the database could not be reached.
func Unavailable(err error) bool {
	var conn *neo4j.ConnectivityError
	return errors.As(err, &conn)
}

// SetClock replaces the clock of writes, for tests that need known times; nil restores the
// real one.
func (s *Store) SetClock(now func() time.Time) {
	if now == nil {
		now = timeNow
	}
	s.now = now
}

// timeNow is the clock of the audit log.
var timeNow = func() time.Time { return time.Now().UTC() }
