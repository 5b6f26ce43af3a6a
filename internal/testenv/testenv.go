// Package testenv connects tests to the real Neo4j that `make test` provides (its own, on
// bolt://127.0.0.1:7688, apart from the one `make run` uses on 7687), and gives each test package
// a clean database.
//
// The tests delete every node, so they refuse a database they did not create: the first time
// they see an empty database (nothing but the schema record) they mark it as theirs with a
// (:SnodoTestMarker) node, and they connect to, and wipe, only a database that is empty or
// carries the marker. Pointing NEO4J_URI at a database with real data stops the tests with an
// error before anything is written.
package testenv

import (
	"context"
	"errors"
	"flag"
	"fmt"
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

// URI is the test Neo4j that `make test` starts (TEST_NEO4J_PORT in the Makefile); NEO4J_URI
// names another one.
const URI = "bolt://127.0.0.1:7688"

// Marker is the label of the node that marks a database as the tests' own.
const Marker = "SnodoTestMarker"

// ErrNotATestDatabase is the refusal of a database that holds data and no test marker.
var ErrNotATestDatabase = errors.New("not a test database")

func connect() (*Env, error) {
	getenv := func(k string) string {
		if v := os.Getenv(k); v != "" || k != "NEO4J_URI" {
			return v
		}
		return URI // never the development database on 7687
	}
	cfg, err := config.Load(flag.NewFlagSet("test", flag.ContinueOnError), nil, getenv)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	driver, err := store.Connect(ctx, cfg.Neo4jURI, cfg.Neo4jUser, cfg.Neo4jPassword, 30*time.Second)
	if err != nil {
		return nil, err
	}
	e := &Env{Driver: driver, Store: store.New(driver, cfg.Neo4jDatabase), Config: cfg}
	// Before the migrations, which may backfill data: a database that is not ours is not touched.
	if err := e.claim(ctx); err != nil {
		_ = driver.Close(ctx)
		return nil, err
	}
	if err := e.Store.Migrate(ctx); err != nil {
		return nil, err
	}
	return e, nil
}

// claim makes sure the database is the tests' own: it carries the marker, or it is empty (no
// node but the schema record) and gets the marker now. Any other database is refused with
// ErrNotATestDatabase, and nothing is written to it.
func (e *Env) claim(ctx context.Context) error {
	res, err := neo4j.ExecuteQuery(ctx, e.Driver, `
		OPTIONAL MATCH (m:`+Marker+`) WITH count(m) > 0 AS marked
		OPTIONAL CALL () { MATCH (n) WHERE NOT n:SnodoSchema AND NOT n:`+Marker+` RETURN n LIMIT 1 }
		WITH marked, count(n) > 0 AS data
		CALL (marked, data) { WITH marked, data WHERE NOT marked AND NOT data
			CREATE (:`+Marker+` {createdAt: datetime(), note: 'This database belongs to the Snodo test suite, which deletes every other node.'}) }
		RETURN marked, data`, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithDatabase(e.Config.Neo4jDatabase), neo4j.ExecuteQueryWithWritersRouting())
	if err != nil {
		return err
	}
	marked, _ := res.Records[0].Values[0].(bool)
	data, _ := res.Records[0].Values[1].(bool)
	if data && !marked {
		return fmt.Errorf("%w: refusing to use %s: it holds data but no (:%s) node, so the tests did not create it and would delete it; run the tests with `make test`, which starts their own Neo4j on %s, or point NEO4J_URI at an empty database kept for tests",
			ErrNotATestDatabase, e.Config.Neo4jURI, Marker, URI)
	}
	return nil
}

// Wipe deletes every node but the schema record and the test marker, in batches, after
// checking again that the database is the tests' own.
func (e *Env) Wipe(tb testing.TB) {
	tb.Helper()
	if err := e.wipe(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

func (e *Env) wipe(ctx context.Context) error {
	if err := e.claim(ctx); err != nil {
		return err
	}
	session := e.Driver.NewSession(ctx, neo4j.SessionConfig{DatabaseName: e.Config.Neo4jDatabase})
	defer func() { _ = session.Close(ctx) }()
	// Batched deletes need an auto-commit transaction.
	// Relationships first: a node with hundreds of thousands of them (a zone after a benchmark's
	// history) would not fit one transaction's memory if detached at once.
	for _, stmt := range []string{
		"MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS",
		"MATCH (n) WHERE NOT n:SnodoSchema AND NOT n:" + Marker + " CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS",
	} {
		result, err := session.Run(ctx, stmt, nil)
		if err == nil {
			_, err = result.Consume(ctx)
		}
		if err != nil {
			return err
		}
	}
	return nil
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

// ConsentRule counts the referrals in the database whose consent is not as the store's Refer
// records it: missing, not covering what a referral shares, or not to the recipient actor
// (store.RecipientActor). Loaded data (the seed, generated histories) must have none.
func (e *Env) ConsentRule(tb testing.TB) (referrals, wrong int) {
	tb.Helper()
	v := e.Query(tb, `MATCH (r:Referral)-[:REFERRED_TO]->(t)
		RETURN count(*), count(CASE WHEN r.consentGivenAt IS NULL OR r.consentRecordedBy IS NULL OR r.consentWithdrawnAt IS NOT NULL
			OR NOT all(k IN $scope WHERE k IN coalesce(r.consentScope, [])) OR coalesce(r.consentActorId <> `+store.RecipientActor+`, true) THEN 1 END)`,
		map[string]any{"scope": store.ConsentScopes()})[0].Values
	return int(v[0].(int64)), int(v[1].(int64))
}
