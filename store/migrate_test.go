package store_test

import (
	"context"
	"testing"
	"time"

	"snodo/internal/testenv"
	"snodo/store"
)

// TestMigrateBackfillsReferralTimes: a database recorded before referrals carried their times
// gets them from the case events on the next start, and the schema version is raised.
func TestMigrateBackfillsReferralTimes(t *testing.T) {
	e := testenv.Open(t)
	ctx := context.Background()
	sent := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	e.Query(t, `CREATE (r:Referral {id: 'r1', status: 'COMPLETED', sentAt: $sent}), (open:Referral {id: 'r2', status: 'SENT', sentAt: $sent})
		WITH r
		UNWIND [['RECEIVED', 1], ['ACCEPTED', 3], ['IN_PROGRESS', 4], ['COMPLETED', 9]] AS ev
		CREATE (:CaseEvent {id: ev[0], status: ev[0], at: $sent + duration({days: ev[1]})})-[:ABOUT]->(r)`, map[string]any{"sent": sent})
	// The version before the referral times: two backfills ago.
	e.Query(t, "MATCH (m:SnodoSchema) SET m.version = $v", map[string]any{"v": store.SchemaVersion - 2})

	if err := e.Store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	rec := e.Query(t, "MATCH (r:Referral) RETURN r.id, r.acceptedAt, r.completedAt ORDER BY r.id", nil)
	if got := rec[0].Values; got[1] != sent.AddDate(0, 0, 3) || got[2] != sent.AddDate(0, 0, 9) {
		t.Errorf("r1: accepted and completed %v, want days 3 and 9", got)
	}
	if got := rec[1].Values; got[1] != nil || got[2] != nil {
		t.Errorf("r2 is only sent: %v", got)
	}
	if ok, err := e.Store.Migrated(ctx); err != nil || !ok {
		t.Errorf("migrated: %v %v", ok, err)
	}
}

// TestMigrateMarksTheDemoSheltersConfidential: a database seeded before services could be
// confidential gets the demo network's protected shelters marked, and nothing else.
func TestMigrateMarksTheDemoSheltersConfidential(t *testing.T) {
	e := testenv.Open(t)
	e.Query(t, "UNWIND $ids AS id CREATE (:Service {id: id, name: id})", map[string]any{"ids": store.DemoConfidentialServices})
	e.Query(t, "CREATE (:Service {id: 'other', name: 'other'}), (:Service {id: 'unmarked', name: 'unmarked', confidential: false})", nil)
	e.Query(t, "MATCH (m:SnodoSchema) SET m.version = $v", map[string]any{"v": store.SchemaVersion - 1})
	if err := e.Store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec := e.Query(t, "MATCH (s:Service) WHERE s.confidential = true RETURN s.id ORDER BY s.id", nil)
	if len(rec) != len(store.DemoConfidentialServices) {
		t.Errorf("%d services marked confidential, want %d", len(rec), len(store.DemoConfidentialServices))
	}
}
