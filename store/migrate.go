package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/disclosure"
)

// migrations are the schema statements, each idempotent, applied in order at every start. Add
// to the end only; SchemaVersion is their count.
var migrations = []string{
	// Every node type has a unique id, which also indexes the lookups by id.
	"CREATE CONSTRAINT zone_id IF NOT EXISTS FOR (n:Zone) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (n:Actor) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT service_id IF NOT EXISTS FOR (n:Service) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT need_id IF NOT EXISTS FOR (n:Need) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT category_id IF NOT EXISTS FOR (n:ServiceCategory) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT partnership_id IF NOT EXISTS FOR (n:Partnership) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT audit_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT pathway_model_id IF NOT EXISTS FOR (n:PathwayModel) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT stage_id IF NOT EXISTS FOR (n:Stage) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT route_id IF NOT EXISTS FOR (n:Route) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT case_id IF NOT EXISTS FOR (n:Case) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT case_code IF NOT EXISTS FOR (n:Case) REQUIRE n.code IS UNIQUE",
	"CREATE CONSTRAINT referral_id IF NOT EXISTS FOR (n:Referral) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT intervention_id IF NOT EXISTS FOR (n:Intervention) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT case_event_id IF NOT EXISTS FOR (n:CaseEvent) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX case_opened IF NOT EXISTS FOR (n:Case) ON (n.openedAt)",
	"CREATE INDEX case_managing IF NOT EXISTS FOR (n:Case) ON (n.managingActorId)",
	"CREATE INDEX referral_sent IF NOT EXISTS FOR (n:Referral) ON (n.sentAt)",
	"CREATE INDEX places_report_at IF NOT EXISTS FOR (n:PlacesReport) ON (n.at)",
	// Natural keys.
	"CREATE CONSTRAINT zone_istat IF NOT EXISTS FOR (n:Zone) REQUIRE n.istatCode IS UNIQUE",
	"CREATE CONSTRAINT need_code IF NOT EXISTS FOR (n:Need) REQUIRE n.code IS UNIQUE",
	"CREATE CONSTRAINT category_code IF NOT EXISTS FOR (n:ServiceCategory) REQUIRE n.code IS UNIQUE",
	// The default orders and the filters of the lists.
	"CREATE INDEX zone_name IF NOT EXISTS FOR (n:Zone) ON (n.name)",
	"CREATE INDEX zone_kind IF NOT EXISTS FOR (n:Zone) ON (n.kind)",
	"CREATE INDEX actor_name IF NOT EXISTS FOR (n:Actor) ON (n.name)",
	"CREATE INDEX actor_kind IF NOT EXISTS FOR (n:Actor) ON (n.kind)",
	"CREATE INDEX service_name IF NOT EXISTS FOR (n:Service) ON (n.name)",
	"CREATE INDEX service_status IF NOT EXISTS FOR (n:Service) ON (n.status)",
	"CREATE INDEX partnership_title IF NOT EXISTS FOR (n:Partnership) ON (n.title)",
	"CREATE INDEX partnership_end IF NOT EXISTS FOR (n:Partnership) ON (n.endDate)",
	"CREATE INDEX audit_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at)",
	// Full-text search over names and descriptions, accents folded ("societa" finds "Società").
	"CREATE FULLTEXT INDEX zone_search IF NOT EXISTS FOR (n:Zone) ON EACH [n.name] " + folding,
	"CREATE FULLTEXT INDEX actor_search IF NOT EXISTS FOR (n:Actor) ON EACH [n.name, n.description] " + folding,
	"CREATE FULLTEXT INDEX service_search IF NOT EXISTS FOR (n:Service) ON EACH [n.name, n.description, n.accessConditions] " + folding,
	"CREATE FULLTEXT INDEX need_search IF NOT EXISTS FOR (n:Need) ON EACH [n.labelIt, n.labelEn, n.code] " + folding,
	"CREATE FULLTEXT INDEX partnership_search IF NOT EXISTS FOR (n:Partnership) ON EACH [n.title, n.description] " + folding,
	// The disclosure layer: each subject's daily budget of aggregate queries, and the queries.
	"CREATE CONSTRAINT aggregate_budget_id IF NOT EXISTS FOR (n:AggregateBudget) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX aggregate_query_at IF NOT EXISTS FOR (n:AggregateQuery) ON (n.at)",
	// Demand, activity, context and targets (issue 18).
	"CREATE CONSTRAINT activity_id IF NOT EXISTS FOR (n:Activity) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX activity_from IF NOT EXISTS FOR (n:Activity) ON (n.from)",
	"CREATE CONSTRAINT zone_context_id IF NOT EXISTS FOR (n:ZoneContext) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT project_target_id IF NOT EXISTS FOR (n:ProjectTarget) REQUIRE n.id IS UNIQUE",
	// The outbox, its counter, webhook endpoints and their deliveries (outbox.go, webhooks.go).
	"CREATE CONSTRAINT outbox_sequence_id IF NOT EXISTS FOR (n:OutboxSequence) REQUIRE n.id IS UNIQUE",
	"CREATE CONSTRAINT outbox_event_id IF NOT EXISTS FOR (n:OutboxEvent) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX outbox_event_seq IF NOT EXISTS FOR (n:OutboxEvent) ON (n.seq)",
	"CREATE CONSTRAINT webhook_endpoint_id IF NOT EXISTS FOR (n:WebhookEndpoint) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX webhook_endpoint_actor IF NOT EXISTS FOR (n:WebhookEndpoint) ON (n.actorId)",
	"CREATE INDEX webhook_endpoint_created IF NOT EXISTS FOR (n:WebhookEndpoint) ON (n.createdAt)",
	"CREATE CONSTRAINT webhook_delivery_id IF NOT EXISTS FOR (n:WebhookDelivery) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX webhook_delivery_due IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.status, n.nextAttemptAt)",
	"CREATE INDEX webhook_delivery_endpoint IF NOT EXISTS FOR (n:WebhookDelivery) ON (n.endpointId, n.createdAt)",
	// Idempotency keys (idempotency.go): one node per caller, key and write; expired ones go.
	"CREATE CONSTRAINT idempotency_key_id IF NOT EXISTS FOR (n:IdempotencyKey) REQUIRE n.id IS UNIQUE",
	"CREATE INDEX idempotency_key_expires IF NOT EXISTS FOR (n:IdempotencyKey) ON (n.expiresAt)",
}

const folding = "OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}}"

// backfills fill in data that a schema version adds, for databases recorded at an older
// version; each runs in batches, once, and is idempotent if interrupted.
var backfills = []struct {
	version int
	stmt    string
}{
	// Referrals carry the time they were first accepted and completed, which the research
	// queries read; before, only the case events held them.
	{version: len(migrations) + 1, stmt: `MATCH (r:Referral)
		CALL (r) {
		  SET r.acceptedAt = coalesce(r.acceptedAt, COLLECT { MATCH (r)<-[:ABOUT]-(e:CaseEvent {status: 'ACCEPTED'}) RETURN min(e.at) }[0]),
		      r.completedAt = coalesce(r.completedAt, COLLECT { MATCH (r)<-[:ABOUT]-(e:CaseEvent {status: 'COMPLETED'}) RETURN min(e.at) }[0])
		} IN TRANSACTIONS OF 10000 ROWS`},
	// The demo network's anti-trafficking shelters became confidential; a database seeded
	// before keeps them public unless marked (the seed writes new nodes only).
	{version: len(migrations) + 2, stmt: `MATCH (s:Service) WHERE s.id IN ['` + strings.Join(DemoConfidentialServices, "', '") + `'] AND s.confidential IS NULL
		SET s.confidential = true`},
	// Cases, referrals and interventions carry a permanent random record key, by which the
	// disclosure layer perturbs the counts of them (the cell key method).
	{version: len(migrations) + 3, stmt: `MATCH (n) WHERE (n:Case OR n:Referral OR n:Intervention) AND n.recordKey IS NULL
		CALL (n) { SET n.recordKey = toInteger(floor(rand() * ` + recordKeyRange + `)) } IN TRANSACTIONS OF 10000 ROWS`},
}

// recordKeyRange is disclosure.KeyRange written for Cypher.
var recordKeyRange = strconv.Itoa(disclosure.KeyRange)

// NewRecordKey draws the permanent random record key of a new case, referral or intervention:
// the disclosure layer perturbs counts by the keys of the records counted.
func NewRecordKey() int64 {
	n, err := rand.Int(rand.Reader, big.NewInt(disclosure.KeyRange))
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return n.Int64()
}

// DemoConfidentialServices are the IDs of the demo network's confidential services, which the
// seed marks and the backfill above marks in databases seeded before (seed tests that they match).
var DemoConfidentialServices = []string{"000fc9cf-a659-5952-8028-60adc143d31e", "5ff181ec-d1e8-555e-b473-224f6fef7e0b"}

// SchemaVersion is the version of the schema this build of Snodo needs: its migrations and
// backfills.
var SchemaVersion = len(migrations) + len(backfills)

// Migrate applies the migrations, waits for the indexes to come online and records the version.
func (s *Store) Migrate(ctx context.Context) error {
	session := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { _ = session.Close(context.Background()) }()
	// Schema statements cannot share a transaction with writes, so each runs on its own.
	for _, stmt := range migrations {
		if err := autoCommit(ctx, session, stmt); err != nil {
			return fmt.Errorf("migration %q: %w", stmt, err)
		}
	}
	if err := autoCommit(ctx, session, "CALL db.awaitIndexes(300)"); err != nil {
		return fmt.Errorf("waiting for indexes: %w", err)
	}
	version, err := s.schemaVersion(ctx)
	if err != nil {
		return err
	}
	for _, b := range backfills {
		// A database with no version yet is new (or was wiped): nothing to fill in.
		if version == 0 || version >= b.version {
			continue
		}
		if err := autoCommit(ctx, session, b.stmt); err != nil {
			return fmt.Errorf("backfill to version %d: %w", b.version, err)
		}
	}
	_, err = write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, "MERGE (m:SnodoSchema {id: 'snodo'}) SET m.version = $v", map[string]any{"v": SchemaVersion})
	})
	return err
}

// Migrated reports whether the database holds the schema this build needs.
func (s *Store) Migrated(ctx context.Context) (bool, error) {
	v, err := s.schemaVersion(ctx)
	return v >= SchemaVersion, err
}

// schemaVersion is the version recorded in the database, 0 when none is.
func (s *Store) schemaVersion(ctx context.Context) (int, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		records, err := run(ctx, tx, "OPTIONAL MATCH (m:SnodoSchema {id: 'snodo'}) RETURN coalesce(m.version, 0)", nil)
		if err != nil {
			return 0, err
		}
		return int(records[0].Values[0].(int64)), nil
	})
}

func autoCommit(ctx context.Context, session neo4j.SessionWithContext, stmt string) error {
	result, err := session.Run(ctx, stmt, nil)
	if err == nil {
		_, err = result.Consume(ctx)
	}
	return err
}
