// Package testenv connects tests to the real Neo4j that `make test` provides, and gives each
// test package a clean database.
package testenv

import (
	"context"
	"flag"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/config"
	"snodo/store"
)

// Env is a migrated store on an empty database, and the driver under it.
type Env struct {
	Driver neo4j.DriverWithContext
	Store  *store.Store
	Config config.Config
}

var (
	once   sync.Once
	shared *Env
	failed error
)

// Open returns the package's connection to the Neo4j the environment names (the local one by
// default), migrated, with every node deleted, so each test starts from nothing. Packages run
// one at a time (go test -p 1), so they never share the database at once.
func Open(tb testing.TB) *Env {
	tb.Helper()
	e := OpenAsIs(tb)
	e.Wipe(tb)
	return e
}

// OpenAsIs returns the package's connection like Open, but leaves the data in place: for
// benchmarks that reuse a large generated network loaded by an earlier run.
func OpenAsIs(tb testing.TB) *Env {
	tb.Helper()
	once.Do(func() { shared, failed = connect() })
	if failed != nil {
		tb.Fatalf("tests need a Neo4j: run them with `make test`, which starts one: %v", failed)
	}
	return shared
}

func connect() (*Env, error) {
	cfg, err := config.Load(flag.NewFlagSet("test", flag.ContinueOnError), nil, os.Getenv)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	driver, err := store.Connect(ctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword, 30*time.Second)
	if err != nil {
		return nil, err
	}
	st := store.New(driver, cfg.Neo4jDatabase)
	if err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	return &Env{Driver: driver, Store: st, Config: cfg}, nil
}

// Wipe deletes every node but the schema record, in batches.
func (e *Env) Wipe(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	session := e.Driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: e.Config.Neo4jDatabase})
	defer func() { _ = session.Close(ctx) }()
	// Batched deletes need an auto-commit transaction.
	// Relationships first: a node with hundreds of thousands of them (a zone after a benchmark's
	// history) would not fit one transaction's memory if detached at once.
	for _, stmt := range []string{
		"MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS",
		"MATCH (n) WHERE NOT n:SnodoSchema CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS",
	} {
		result, err := session.Run(ctx, stmt, nil)
		if err == nil {
			_, err = result.Consume(ctx)
		}
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// Query runs Cypher straight on the database, for tests that set up or check what the API
// does not show.
func (e *Env) Query(tb testing.TB, cypher string, params map[string]any) []*neo4j.Record {
	tb.Helper()
	res, err := neo4j.ExecuteQuery(context.Background(), e.Driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(e.Config.Neo4jDatabase))
	if err != nil {
		tb.Fatal(err)
	}
	return res.Records
}

// RouteRule checks the referrals in the database against the store's route rule
// (store.OnRoute): how many there are, how many are flagged off route, and how many of the
// flags disagree with the rule. Loaded data (the seed, generated histories) must agree.
func (e *Env) RouteRule(tb testing.TB) (referrals, off, mismatched int) {
	tb.Helper()
	v := e.Query(tb, `MATCH (c:Case)-[:HAS_REFERRAL]->(r:Referral)-[:REFERRED_TO]->(t), (r)-[:FOR]->(x:Need)
		WITH r, `+store.OnRoute+` AS onRoute
		RETURN count(*), count(CASE WHEN r.offRoute THEN 1 END), count(CASE WHEN r.offRoute = onRoute THEN 1 END)`, nil)[0].Values
	return int(v[0].(int64)), int(v[1].(int64)), int(v[2].(int64))
}
