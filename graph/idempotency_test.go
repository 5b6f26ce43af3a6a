package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/internal/testenv"
	"snodo/server"
	"snodo/store"
)

// replica is a second Snodo on the test's Neo4j: its own driver, store and handler, as another
// process behind a load balancer would be.
func replica(t *testing.T, e *testenv.Env) (*store.Store, http.Handler) {
	t.Helper()
	return replicaWith(t, e, nil)
}

// replicaWith is replica with the disclosure parameters given (nil for the defaults).
func replicaWith(t *testing.T, e *testenv.Env, params *disclosure.Params) (*store.Store, http.Handler) {
	t.Helper()
	driver, err := neo4j.NewDriverWithContext(e.Config.Neo4jURI, neo4j.BasicAuth(e.Config.Neo4jUser, e.Config.Neo4jPassword, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = driver.Close(context.Background()) })
	st := store.New(driver, e.Config.Neo4jDatabase)
	opt := server.Options{Verifier: testenv.Verifier(), RatePerSecond: 1e6, RateBurst: 1e6}
	if params != nil {
		pub, err := disclosure.New(*params, st.Now, st)
		if err != nil {
			t.Fatal(err)
		}
		opt.Disclosure = pub
	}
	return st, server.New(st, opt)
}

// TestReplicasShareBudgets: a researcher's daily budget of aggregate queries is spent across
// two replicas, each with its own driver, on one Neo4j: the queries of both count.
func TestReplicasShareBudgets(t *testing.T) {
	e := testenv.Open(t)
	params := disclosure.Defaults
	params.DailyBudget = 3
	_, a := replicaWith(t, e, &params)
	_, b := replicaWith(t, e, &params)
	zone, _ := zoneOf(postKeyed(t, a, testenv.Admin, "", createZoneQ, map[string]any{"in": map[string]any{"name": "Budgeted", "kind": "REGION"}}))
	researcher := auth.Viewer{Subject: "res-replicas", Role: auth.Researcher}
	q := `query($z: ID!) { caseCounts(input: {zoneId: $z, period: "2026-Q1"}) { threshold } }`
	for i, h := range []http.Handler{a, b, a} {
		if r := postKeyed(t, h, researcher, "", q, map[string]any{"z": zone}); len(r.Errors) > 0 {
			t.Fatalf("query %d: %+v", i+1, r.Errors)
		}
	}
	if r := postKeyed(t, b, researcher, "", q, map[string]any{"z": zone}); r.Code() != "BUDGET_EXCEEDED" {
		t.Errorf("the fourth query, on the other replica: %+v, want BUDGET_EXCEEDED", r.Errors)
	}
}

// postKeyed sends a GraphQL request as the viewer with an Idempotency-Key ("" sends none).
func postKeyed(t *testing.T, h http.Handler, v auth.Viewer, key, query string, vars map[string]any) testenv.Response {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testenv.Token(v))
	if key != "" {
		req.Header.Set(server.IdempotencyHeader, key)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var r testenv.Response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		t.Errorf("the answer is not JSON (status %d): %s", rec.Code, rec.Body.String())
	}
	r.Status = rec.Code
	return r
}

const createZoneQ = `mutation($in: CreateZoneInput!) { createZone(input: $in) { zone { id name version } userErrors { code } } }`

func zoneOf(r testenv.Response) (id string, version int) {
	z, _ := r.Data["createZone"].(map[string]any)
	if z == nil {
		z, _ = r.Data["updateZone"].(map[string]any)
	}
	zone, _ := z["zone"].(map[string]any)
	if zone == nil {
		return "", 0
	}
	v, _ := zone["version"].(float64)
	return zone["id"].(string), int(v)
}

func zonesNamed(t *testing.T, e *testenv.Env, name string) int {
	t.Helper()
	return int(e.Query(t, "MATCH (z:Zone {name: $name}) RETURN count(z)", map[string]any{"name": name})[0].Values[0].(int64))
}

func changesAudited(t *testing.T, e *testenv.Env) int {
	t.Helper()
	return int(e.Query(t, "MATCH (a:AuditEntry {action: 'CHANGE'}) RETURN count(a)", nil)[0].Values[0].(int64))
}

// TestIdempotencyKeyMakesRetriesSafe: a mutation retried with its Idempotency-Key, on the same
// replica or another, answers the first result and writes nothing; the same key with another
// request is refused; keys are the caller's own; attempts under way at once make one record; a
// versioned update retried is answered as the success it was, not as a VERSION_CONFLICT; a key
// is kept for 24 hours.
func TestIdempotencyKeyMakesRetriesSafe(t *testing.T) {
	e := testenv.Open(t)
	st1, h1 := replica(t, e)
	_, h2 := replica(t, e)
	in := map[string]any{"in": map[string]any{"name": "Idempotent", "kind": "CUSTOM"}}

	first := postKeyed(t, h1, testenv.Admin, "key-1", createZoneQ, in)
	id, _ := zoneOf(first)
	if id == "" || len(first.Errors) > 0 {
		t.Fatalf("first create: %+v", first)
	}
	audited := changesAudited(t, e)
	for i, h := range []http.Handler{h1, h2, h1} {
		r := postKeyed(t, h, testenv.Admin, "key-1", createZoneQ, in)
		if got, _ := zoneOf(r); got != id || len(r.Errors) > 0 {
			t.Errorf("retry %d: zone %q %+v, want the first result %q", i, got, r.Errors, id)
		}
	}
	if n := zonesNamed(t, e, "Idempotent"); n != 1 {
		t.Errorf("%d zones after three retries, want 1", n)
	}
	if n := changesAudited(t, e); n != audited {
		t.Errorf("the retries audited %d changes: they wrote", n-audited)
	}

	// The same key with another request.
	other := map[string]any{"in": map[string]any{"name": "Idempotent 2", "kind": "CUSTOM"}}
	if r := postKeyed(t, h2, testenv.Admin, "key-1", createZoneQ, other); r.Code() != "IDEMPOTENCY_KEY_REUSED" {
		t.Errorf("the key with another request: %+v, want IDEMPOTENCY_KEY_REUSED", r)
	}
	if n := zonesNamed(t, e, "Idempotent 2"); n != 0 {
		t.Errorf("the refused request wrote %d zones", n)
	}

	// Another caller's key of the same name is another key.
	someone := auth.Viewer{Subject: "another-admin", Role: auth.Admin}
	if r := postKeyed(t, h2, someone, "key-1", createZoneQ, in); len(r.Errors) > 0 {
		t.Errorf("another caller with the same key: %+v", r)
	}
	if n := zonesNamed(t, e, "Idempotent"); n != 2 {
		t.Errorf("%d zones after another caller's create, want 2", n)
	}

	// Without a key, a retry writes again (what the key prevents).
	plain := map[string]any{"in": map[string]any{"name": "Unkeyed", "kind": "CUSTOM"}}
	postKeyed(t, h1, testenv.Admin, "", createZoneQ, plain)
	postKeyed(t, h2, testenv.Admin, "", createZoneQ, plain)
	if n := zonesNamed(t, e, "Unkeyed"); n != 2 {
		t.Errorf("%d zones after two unkeyed creates, want 2", n)
	}

	// Attempts under way at once, on both replicas, with one key: one zone, one answer.
	race := map[string]any{"in": map[string]any{"name": "Raced", "kind": "CUSTOM"}}
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h := h1
			if i%2 == 1 {
				h = h2
			}
			ids[i], _ = zoneOf(postKeyed(t, h, testenv.Admin, "key-race", createZoneQ, race))
		}()
	}
	wg.Wait()
	for i, got := range ids {
		if got == "" || got != ids[0] {
			t.Errorf("attempt %d answered zone %q, attempt 0 %q", i, got, ids[0])
		}
	}
	if n := zonesNamed(t, e, "Raced"); n != 1 {
		t.Errorf("%d zones after 8 attempts at once with one key, want 1", n)
	}

	// A versioned update retried after it succeeded.
	const updateZoneQ = `mutation($in: UpdateZoneInput!) { updateZone(input: $in) { zone { id name version } userErrors { code } } }`
	up := map[string]any{"in": map[string]any{"id": id, "version": 0, "name": "Idempotent renamed"}}
	if _, v0 := zoneOf(first); v0 != 0 {
		up["in"].(map[string]any)["version"] = v0
	}
	a := postKeyed(t, h1, testenv.Admin, "key-up", updateZoneQ, up)
	b := postKeyed(t, h2, testenv.Admin, "key-up", updateZoneQ, up)
	_, va := zoneOf(a)
	_, vb := zoneOf(b)
	ua, _ := a.Data["updateZone"].(map[string]any)
	ub, _ := b.Data["updateZone"].(map[string]any)
	if va == 0 || vb == 0 || fmt.Sprint(ua["userErrors"]) != "[]" || fmt.Sprint(ub["userErrors"]) != "[]" {
		t.Errorf("update and its retry: %+v / %+v, want both answered as the success", a.Data, b.Data)
	}
	if v := version(t, e, id); v != va {
		t.Errorf("the zone is at version %d after an update and its retry, want %d", v, va)
	}

	// 24 hours later the key is forgotten: the same request writes anew.
	st1.SetClock(func() time.Time { return time.Now().UTC().Add(store.IdempotencyTTL + time.Minute) })
	defer st1.SetClock(nil)
	before := zonesNamed(t, e, "Idempotent") // the first was renamed
	if r := postKeyed(t, h1, testenv.Admin, "key-1", createZoneQ, in); len(r.Errors) > 0 || r.Data["createZone"].(map[string]any)["zone"] == nil {
		t.Errorf("the key after 24 h: %+v", r)
	}
	if n := zonesNamed(t, e, "Idempotent"); n != before+1 {
		t.Errorf("%d zones after the key expired and the create was sent again, want %d", n, before+1)
	}

	// A key that is not one.
	if r := postKeyed(t, h1, testenv.Admin, "bad key with spaces", createZoneQ, in); r.Status != http.StatusBadRequest || r.Code() != "BAD_REQUEST" {
		t.Errorf("a key with spaces: %d %+v, want 400 BAD_REQUEST", r.Status, r)
	}
}

// TestRetryAfterALostCommitWritesOnce: a create whose commit reached Neo4j but whose answer was
// lost (OUTCOME_UNKNOWN), retried with its Idempotency-Key as a client would, answers the record
// the first attempt made, and there is one record, not two.
func TestRetryAfterALostCommitWritesOnce(t *testing.T) {
	e := testenv.Open(t)
	p, h := proxied(t, e, 10*time.Second, io.Discard)
	for round := range 3 {
		name := fmt.Sprintf("Lost commit %d", round)
		in := map[string]any{"in": map[string]any{"name": name, "kind": "CUSTOM"}}
		ikey := fmt.Sprintf("lost-%d", round)
		p.arm(commitFault{cut: true})
		if r := postKeyed(t, h, testenv.Admin, ikey, createZoneQ, in); r.Code() != "OUTCOME_UNKNOWN" {
			t.Fatalf("round %d: the first attempt: %+v, want OUTCOME_UNKNOWN", round, r)
		}
		r := postKeyed(t, h, testenv.Admin, ikey, createZoneQ, in)
		id, _ := zoneOf(r)
		if id == "" || len(r.Errors) > 0 {
			t.Errorf("round %d: the retry: %+v", round, r)
		}
		stored := e.Query(t, "MATCH (z:Zone {name: $name}) RETURN z.id", map[string]any{"name": name})
		if len(stored) != 1 || id != "" && stored[0].Values[0] != key(t, id) {
			t.Errorf("round %d: %d zones after a lost commit and its retry, want 1, the one answered", round, len(stored))
		}
	}
}
