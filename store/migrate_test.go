package store_test

import (
	"context"
	"testing"
	"time"

	"snodo/disclosure"
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
	// The version before the referral times: three backfills ago (then confidential shelters,
	// then record keys).
	e.Query(t, "MATCH (m:SnodoSchema) SET m.version = $v", map[string]any{"v": store.SchemaVersion - 3})

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

// TestMigrateBackfillsRecordKeys: cases, referrals and interventions recorded before they carried
// record keys get one each, at random in the key range, once; other nodes get none.
func TestMigrateBackfillsRecordKeys(t *testing.T) {
	e := testenv.Open(t)
	ctx := context.Background()
	e.Query(t, `UNWIND range(1, 200) AS i CREATE (:Case {id: 'c' + i}), (:Referral {id: 'r' + i}), (:Intervention {id: 'i' + i})`, nil)
	e.Query(t, `CREATE (:Case {id: 'kept', recordKey: 7}), (:Zone {id: 'z'})`, nil)
	e.Query(t, "MATCH (m:SnodoSchema) SET m.version = $v", map[string]any{"v": store.SchemaVersion - 1})
	if err := e.Store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	v := e.Query(t, `MATCH (n) WHERE n:Case OR n:Referral OR n:Intervention
		RETURN count(n.recordKey), min(n.recordKey), max(n.recordKey), count(DISTINCT n.recordKey),
		       COLLECT { MATCH (c:Case {id: 'kept'}) RETURN c.recordKey }[0], COLLECT { MATCH (z:Zone) RETURN z.recordKey }[0]`, nil)[0].Values
	if v[0] != int64(601) || v[1].(int64) < 0 || v[2].(int64) >= disclosure.KeyRange || v[3].(int64) < 400 {
		t.Errorf("keys: %d filled, from %v to %v, %v distinct", v[0], v[1], v[2], v[3])
	}
	if v[4] != int64(7) || v[5] != nil {
		t.Errorf("a key is permanent, and only records about people have one: %v %v", v[4], v[5])
	}
}

// TestMigrateMarksTheDemoSheltersConfidential: a database seeded before services could be
// confidential gets the demo network's protected shelters marked, and nothing else.
func TestMigrateMarksTheDemoSheltersConfidential(t *testing.T) {
	e := testenv.Open(t)
	e.Query(t, "UNWIND $ids AS id CREATE (:Service {id: id, name: id})", map[string]any{"ids": store.DemoConfidentialServices})
	e.Query(t, "CREATE (:Service {id: 'other', name: 'other'}), (:Service {id: 'unmarked', name: 'unmarked', confidential: false})", nil)
	e.Query(t, "MATCH (m:SnodoSchema) SET m.version = $v", map[string]any{"v": store.SchemaVersion - 2})
	if err := e.Store.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	rec := e.Query(t, "MATCH (s:Service) WHERE s.confidential = true RETURN s.id ORDER BY s.id", nil)
	if len(rec) != len(store.DemoConfidentialServices) {
		t.Errorf("%d services marked confidential, want %d", len(rec), len(store.DemoConfidentialServices))
	}
}
