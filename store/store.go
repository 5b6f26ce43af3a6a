// Package store is Snodo's data layer: it owns every Cypher query and runs them through the Neo4j
// driver's managed transactions, reads with ExecuteRead and writes with ExecuteWrite, so that a
// routing URI spreads reads over a cluster without code changes.
package store

import (
	"context"
	"errors"
	"fmt"
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
		err = driver.VerifyConnectivity(ctx)
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
	session := s.session(ctx, neo4j.AccessModeRead)
	defer func() { _ = session.Close(context.Background()) }()
	return neo4j.ExecuteRead(ctx, session, work, config...)
}

// write runs work in a managed write transaction: all of it is committed, or none of it. A
// change made through the API is audited in the same transaction. A deadline on ctx also bounds
// the transaction on the server, as in read.
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
	session := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { _ = session.Close(context.Background()) }()
	return neo4j.ExecuteWrite(ctx, session, func(tx neo4j.ManagedTransaction) (T, error) {
		v, err := work(tx)
		if err == nil {
			err = audit(ctx, tx, model.AuditActionChange, v)
		}
		return v, err
	}, config...)
}

// run sends one query and collects its records, counting the round-trip for the request.
func run(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if c, ok := ctx.Value(counterKey{}).(*atomic.Int64); ok {
		c.Add(1)
	}
	result, err := tx.Run(ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return result.Collect(ctx)
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
