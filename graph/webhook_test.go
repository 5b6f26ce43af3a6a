package graph_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/store"
)

// receiver is a local HTTPS endpoint that records what it is sent, answering fail while set.
type receiver struct {
	srv   *httptest.Server
	mu    sync.Mutex
	got   []received
	fail  atomic.Int32 // the status to answer, 0 for 200
	delay time.Duration
}

type received struct {
	path, signature, eventID string
	body                     []byte
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		time.Sleep(r.delay)
		if code := r.fail.Load(); code != 0 {
			w.WriteHeader(int(code))
			return
		}
		r.mu.Lock()
		r.got = append(r.got, received{path: req.URL.Path, signature: req.Header.Get(store.SignatureHeader), eventID: req.Header.Get("Snodo-Event-Id"), body: body})
		r.mu.Unlock()
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received(path string) []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []received
	for _, g := range r.got {
		if g.path == path {
			out = append(out, g)
		}
	}
	return out
}

// dispatcher is a dispatcher of the test's store that trusts the receiver's certificate.
func (r *receiver) dispatcher(e *testenv.Env) *store.Dispatcher {
	d := store.NewDispatcher(e.Store)
	d.Client = r.srv.Client()
	d.Client.Timeout = 5 * time.Second
	return d
}

// verify checks a signature as a receiver would: HMAC-SHA256 of "t.body" under the secret.
func verify(secret, header string, body []byte) (time.Time, bool) {
	var ts, v1 string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			v1 = v
		}
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(body)))
	sec, err := strconv.ParseInt(ts, 10, 64)
	return time.Unix(sec, 0).UTC(), err == nil && hmac.Equal([]byte(v1), []byte(hex.EncodeToString(mac.Sum(nil))))
}

const registerWebhook = `mutation($in: RegisterWebhookInput!) { registerWebhook(input: $in) { endpoint { id url events actor { id } } secret userErrors { code field } } }`

func register(t *testing.T, e *testenv.Env, v auth.Viewer, actor, url string, events ...string) (id, secret string) {
	t.Helper()
	d := mustAs(t, e, v, registerWebhook, map[string]any{"actorId": actor, "url": url, "events": events})
	if errs := testenv.Get(d, "registerWebhook", "userErrors").([]any); len(errs) > 0 {
		t.Fatalf("registerWebhook: %v", errs)
	}
	return testenv.Get(d, "registerWebhook", "endpoint", "id").(string), testenv.Get(d, "registerWebhook", "secret").(string)
}

// The ends of a referral are told of its changes: signed, with IDs, kinds and statuses only.
// The managing actor hears of its cases' stage changes; the recipient does not. The delivery
// log is read by whoever registered the endpoint.
func TestWebhooksTellBothEndsSigned(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	at := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	e.Store.SetClock(func() time.Time { return at })
	defer e.Store.SetClock(nil)
	r := newReceiver(t)
	coordinator := auth.Viewer{Subject: "coord-tos", Role: auth.Coordinator, ZoneIDs: []string{rawKey(ids["Toscana"])}}
	all := []string{"REFERRAL_SENT", "REFERRAL_CHANGED", "STAGE_MOVED"}
	_, receptionSecret := register(t, e, coordinator, ids["Reception centre"], r.srv.URL+"/reception", all...)
	_, jobSecret := register(t, e, coordinator, ids["Job centre"], r.srv.URL+"/job", all...)

	// Who may register what, and which URLs.
	for _, c := range []struct {
		name string
		v    auth.Viewer
		in   map[string]any
		code string
	}{
		{"plain http", coordinator, map[string]any{"actorId": ids["Job centre"], "url": "http://example.org/hook", "events": all}, "INVALID"},
		{"credentials in the URL", coordinator, map[string]any{"actorId": ids["Job centre"], "url": "https://u:p@example.org/hook", "events": all}, "INVALID"},
		{"no events", coordinator, map[string]any{"actorId": ids["Job centre"], "url": "https://example.org/hook", "events": []string{}}, "REQUIRED"},
		{"an actor outside the coordinator's zones", auth.Viewer{Subject: "coord-gr", Role: auth.Coordinator, ZoneIDs: []string{rawKey(ids["Provincia di Grosseto"])}},
			map[string]any{"actorId": ids["Job centre"], "url": "https://example.org/hook", "events": all}, "FORBIDDEN"},
		{"a case manager", auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: rawKey(ids["Reception centre"])},
			map[string]any{"actorId": ids["Reception centre"], "url": "https://example.org/hook", "events": all}, "FORBIDDEN"},
	} {
		res := e.DoAs(t, c.v, registerWebhook, map[string]any{"in": c.in})
		code := ""
		if len(res.Errors) > 0 {
			code, _ = res.Errors[0].Extensions["code"].(string)
		} else if errs, _ := testenv.Get(res.Data, "registerWebhook", "userErrors").([]any); len(errs) > 0 {
			code = testenv.Get(errs[0], "code").(string)
		}
		if code != c.code {
			t.Errorf("%s: %q, want %q (%+v)", c.name, code, c.code, res)
		}
	}

	manager := auth.Viewer{Subject: "cm-anna", Role: auth.CaseManager, ActorID: rawKey(ids["Reception centre"])}
	operator := auth.Viewer{Subject: "op-job", Role: auth.ServiceOperator, ActorID: rawKey(ids["Job centre"])}
	cs := testenv.Get(mutateAs(t, e, manager, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"],
		"needIds": []string{ids["work"]}, "notes": "segreto"}, "case { id }"), "case", "id").(string)
	ref := testenv.Get(mutateAs(t, e, manager, "refer", "ReferInput", map[string]any{"caseId": cs, "toId": ids["Job desk"], "needId": ids["work.placement"], "consent": givenConsent},
		"referral { id }"), "referral", "id").(string)
	mutateAs(t, e, operator, "moveReferral", "MoveReferralInput", map[string]any{"referralId": ref, "version": 1, "status": "RECEIVED"}, "referral { id }")
	mutateAs(t, e, manager, "moveCase", "MoveCaseInput", map[string]any{"caseId": cs, "version": 1, "stageId": ids["stage 2a"]}, "case { id }")

	if n, err := r.dispatcher(e).RunOnce(context.Background()); err != nil || n != 5 {
		t.Fatalf("sent %d deliveries (%v), want 3 to the reception centre and 2 to the job centre", n, err)
	}
	kinds := func(path, secret string) []string {
		var out []string
		for _, g := range r.received(path) {
			when, ok := verify(secret, g.signature, g.body)
			if !ok || !when.Equal(at) {
				t.Errorf("%s: the signature %q does not verify at %s", path, g.signature, at)
			}
			if _, ok := verify("whsec_wrong", g.signature, g.body); ok {
				t.Error("a signature verifies under another secret")
			}
			var p map[string]any
			if err := json.Unmarshal(g.body, &p); err != nil {
				t.Fatal(err)
			}
			for k := range p {
				if !map[string]bool{"id": true, "type": true, "createdAt": true, "caseId": true, "referralId": true, "status": true, "stageId": true, "actorId": true}[k] {
					t.Errorf("the payload carries %q: IDs, kinds and statuses only (%s)", k, g.body)
				}
			}
			if p["caseId"] != cs || p["id"] != g.eventID || strings.Contains(string(g.body), "segreto") {
				t.Errorf("the payload names the case and the event: %s", g.body)
			}
			kind := p["type"].(string)
			if st, ok := p["status"].(string); ok {
				kind += " " + st
			}
			if kind == "STAGE_MOVED" && p["stageId"] != ids["stage 2a"] {
				t.Errorf("a stage move names the stage: %s", g.body)
			}
			out = append(out, kind)
		}
		return out
	}
	if got := strings.Join(kinds("/reception", receptionSecret), ", "); got != "REFERRAL_SENT SENT, REFERRAL_CHANGED RECEIVED, STAGE_MOVED" {
		t.Errorf("the managing actor heard: %s", got)
	}
	if got := strings.Join(kinds("/job", jobSecret), ", "); got != "REFERRAL_SENT SENT, REFERRAL_CHANGED RECEIVED" {
		t.Errorf("the recipient hears of its referral, not of the case's stages: %s", got)
	}
	if n, _ := r.dispatcher(e).RunOnce(context.Background()); n != 0 {
		t.Errorf("a delivered event is not sent again: %d", n)
	}

	// The delivery log: the registrant reads it, another coordinator of the same zones does not.
	log := `{ webhookEndpoints(first: 10) { totalCount edges { node { url deliveries(first: 10) { totalCount edges { node { status attempts lastStatusCode deliveredAt } } } } } } }`
	d := mustAs(t, e, coordinator, log, nil)
	if testenv.Get(d, "webhookEndpoints", "totalCount") != float64(2) {
		t.Fatalf("the registrant reads its endpoints: %v", d)
	}
	for _, edge := range testenv.Get(d, "webhookEndpoints", "edges").([]any) {
		for _, del := range testenv.Get(edge, "node", "deliveries", "edges").([]any) {
			if testenv.Get(del, "node", "status") != "DELIVERED" || testenv.Get(del, "node", "attempts") != float64(1) || testenv.Get(del, "node", "lastStatusCode") != float64(200) {
				t.Errorf("a delivery made at the first attempt: %v", del)
			}
		}
	}
	other := auth.Viewer{Subject: "coord-other", Role: auth.Coordinator, ZoneIDs: []string{rawKey(ids["Toscana"])}}
	if d := mustAs(t, e, other, log, nil); testenv.Get(d, "webhookEndpoints", "totalCount") != float64(0) {
		t.Errorf("another coordinator reads none of them: %v", d)
	}
}

// A delivery that fails is retried with exponential backoff on the store's clock, for a day,
// then marked FAILED; its registrant replays it, and the same event is delivered.
func TestWebhookRetriesForADayThenReplays(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	start := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	now := start
	e.Store.SetClock(func() time.Time { return now })
	defer e.Store.SetClock(nil)
	r := newReceiver(t)
	r.fail.Store(http.StatusServiceUnavailable)
	registrant := auth.Viewer{Subject: "admin-1", Role: auth.Admin}
	register(t, e, registrant, ids["Job centre"], r.srv.URL+"/job", "REFERRAL_SENT")
	referralAt(t, e, ids)
	d := r.dispatcher(e)
	ctx := context.Background()
	delivery := func() map[string]any {
		t.Helper()
		x := e.MustDo(t, `{ webhookEndpoints(first: 1) { edges { node { deliveries(first: 5) { totalCount edges { node { id eventId status attempts nextAttemptAt lastStatusCode lastError lastAttemptAt } } } } } } }`, nil)
		if n := testenv.Get(x, "webhookEndpoints", "edges", 0, "node", "deliveries", "totalCount"); n != float64(1) {
			t.Fatalf("one delivery, the referral sent: %v", x)
		}
		return testenv.Get(x, "webhookEndpoints", "edges", 0, "node", "deliveries", "edges", 0, "node").(map[string]any)
	}
	if n, _ := d.RunOnce(ctx); n != 1 {
		t.Fatalf("the first attempt: %d sent", n)
	}
	first := delivery()
	if first["status"] != "PENDING" || first["attempts"] != float64(1) || first["lastStatusCode"] != float64(503) || first["lastError"] == nil ||
		first["nextAttemptAt"] != start.Add(30*time.Second).Format(time.RFC3339) {
		t.Fatalf("after a 503 the delivery waits 30 seconds: %v", first)
	}
	if n, _ := d.RunOnce(ctx); n != 0 {
		t.Errorf("nothing is due before the backoff ends: %d sent", n)
	}
	attempts, waits := 1, []time.Duration{}
	for attempts < 100 {
		x := delivery()
		if x["status"] != "PENDING" {
			break
		}
		next, _ := time.Parse(time.RFC3339, x["nextAttemptAt"].(string))
		waits = append(waits, next.Sub(now))
		now = next
		if n, _ := d.RunOnce(ctx); n != 1 {
			t.Fatalf("due at %s: %d sent", now, n)
		}
		attempts++
	}
	last := delivery()
	if last["status"] != "FAILED" || int(last["attempts"].(float64)) != attempts {
		t.Fatalf("after a day the delivery fails: %v", last)
	}
	if now.Sub(start) > 24*time.Hour || now.Sub(start) < 20*time.Hour {
		t.Errorf("the last attempt %s after the event, within a day and near its end", now.Sub(start))
	}
	for i := 1; i < len(waits); i++ {
		if waits[i] < waits[i-1] || (waits[i] != 2*waits[i-1] && waits[i] != 4*time.Hour) {
			t.Errorf("the waits double up to 4 hours: %v", waits)
			break
		}
	}
	t.Logf("%d attempts over %s, waits %v", attempts, now.Sub(start), waits)

	// Replay: another coordinator finds no such delivery; the registrant sends it again.
	replay := `mutation($in: ReplayWebhookDeliveryInput!) { replayWebhookDelivery(input: $in) { delivery { status nextAttemptAt } userErrors { code } } }`
	stranger := auth.Viewer{Subject: "coord-x", Role: auth.Coordinator, ZoneIDs: []string{rawKey(ids["Toscana"])}}
	if x := mustAs(t, e, stranger, replay, map[string]any{"deliveryId": last["id"]}); testenv.Get(x, "replayWebhookDelivery", "userErrors", 0, "code") != "NOT_FOUND" {
		t.Errorf("a stranger's replay: %v", x)
	}
	now = now.Add(48 * time.Hour)
	r.fail.Store(0)
	if x := mustAs(t, e, registrant, replay, map[string]any{"deliveryId": last["id"]}); testenv.Get(x, "replayWebhookDelivery", "delivery", "status") != "PENDING" {
		t.Fatalf("the registrant's replay: %v", x)
	}
	if n, err := d.RunOnce(ctx); n != 1 || err != nil {
		t.Fatalf("the replay is sent: %d %v", n, err)
	}
	if got := r.received("/job"); len(got) != 1 || got[0].eventID != last["eventId"] {
		t.Errorf("the replay delivers the same event: %+v", got)
	}
	if x := delivery(); x["status"] != "DELIVERED" {
		t.Errorf("replayed and delivered: %v", x)
	}
}

// Two dispatchers at once (two replicas) deliver every event exactly once.
func TestTwoDispatchersDeliverEachEventOnce(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	r := newReceiver(t)
	r.delay = 5 * time.Millisecond
	register(t, e, auth.Viewer{Subject: "admin-1", Role: auth.Admin}, ids["Reception centre"], r.srv.URL+"/reception", "OPENED", "REFERRAL_SENT")
	const cases = 12
	for i := 0; i < cases; i++ {
		referralAt(t, e, ids) // an OPENED and a REFERRAL_SENT event each
	}
	ctx := context.Background()
	var wg sync.WaitGroup
	var sent [2]int
	for i := range 2 {
		d := r.dispatcher(e)
		d.Batch = 3
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n, err := d.RunOnce(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				sent[i] += n
				if n == 0 {
					left := e.Query(t, "MATCH (d:WebhookDelivery {status: 'PENDING'}) RETURN count(d)", nil)[0].Values[0]
					if left == int64(0) {
						return
					}
					time.Sleep(time.Millisecond)
				}
			}
		}()
	}
	wg.Wait()
	got := r.received("/reception")
	seen := map[string]int{}
	for _, g := range got {
		seen[g.eventID]++
	}
	if len(got) != 2*cases || len(seen) != 2*cases {
		t.Errorf("%d deliveries of %d events, want %d of %d", len(got), len(seen), 2*cases, 2*cases)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("event %s delivered %d times", id, n)
		}
	}
	t.Logf("the dispatchers sent %v", sent)
	if sent[0] == 0 || sent[1] == 0 {
		t.Errorf("both dispatchers claimed deliveries: %v", sent)
	}
	if sent[0]+sent[1] != 2*cases {
		t.Errorf("the dispatchers sent %v in all, want %d", sent, 2*cases)
	}
}

// A change that rolls back leaves no event and no delivery: the outbox is written in its
// transaction. The same change committed leaves exactly one.
func TestNoEventForARolledBackChange(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	register(t, e, auth.Viewer{Subject: "admin-1", Role: auth.Admin}, ids["Reception centre"], "https://example.org/hook", "REFERRAL_CHANGED")
	const timeout = time.Second
	p, h := proxied(t, e, timeout, io.Discard)
	ref := referralAt(t, e, ids)
	events := func() (outbox, deliveries int64) {
		v := e.Query(t, `OPTIONAL MATCH (o:OutboxEvent {referralId: $id, status: 'RECEIVED'}) WITH count(o) AS o
			OPTIONAL MATCH (d:WebhookDelivery {kind: 'REFERRAL_CHANGED'}) RETURN o, count(d)`, map[string]any{"id": key(t, ref)})[0].Values
		return v[0].(int64), v[1].(int64)
	}
	p.arm(commitFault{hold: timeout + time.Second, any: true})
	res, err := post(h, moveReferral, map[string]any{"in": map[string]any{"referralId": ref, "version": 1, "status": "RECEIVED"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Code() != "TIMEOUT" {
		t.Fatalf("the write was cut short before its commit: %+v", res)
	}
	if o, d := events(); o != 0 || d != 0 {
		t.Errorf("a rolled-back change left %d outbox events and %d deliveries", o, d)
	}
	if res, err := post(h, moveReferral, map[string]any{"in": map[string]any{"referralId": ref, "version": 1, "status": "RECEIVED"}}); err != nil || res.Code() != "" {
		t.Fatalf("the same change committed: %v %+v", err, res)
	}
	if o, d := events(); o != 1 || d != 1 {
		t.Errorf("a committed change leaves one event and one delivery: %d, %d", o, d)
	}
}
