package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/internal/testenv"
	"snodo/server"
	"snodo/store"
)

// commitMessage is a Bolt COMMIT as the driver sends it: one chunk of two bytes (a structure of
// no fields, tag 0x12) and the end of the message.
var commitMessage = []byte{0x00, 0x02, 0xB0, 0x12, 0x00, 0x00}

// boltProxy relays Bolt between a driver and the test's Neo4j, and acts on the next COMMIT a
// client sends once armed: it holds back Neo4j's answer for a while, or cuts the connection
// once the commit has reached Neo4j, as a network that fails at the worst moment would.
type boltProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	fault  *commitFault
	hits   atomic.Int32
}

type commitFault struct {
	hold time.Duration // hold Neo4j's answer to the commit this long
	cut  bool          // cut the connection after the commit, without its answer
	any  bool          // act on the next message of any kind, not only a COMMIT
}

func newBoltProxy(t *testing.T, target string) *boltProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &boltProxy{ln: ln, target: target}
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			go p.relay(client)
		}
	}()
	return p
}

// arm makes the proxy act on the next COMMIT, once.
func (p *boltProxy) arm(f commitFault) {
	p.mu.Lock()
	p.fault = &f
	p.mu.Unlock()
}

// armed reports whether the proxy acts on a message, a COMMIT or not.
func (p *boltProxy) armed(commit bool) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fault != nil && (commit || p.fault.any)
}

func (p *boltProxy) take() *commitFault {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.fault
	p.fault = nil
	return f
}

func (p *boltProxy) relay(client net.Conn) {
	db, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	var holdUntil atomic.Int64
	var mute atomic.Bool // what Neo4j answers is lost
	closeBoth := func() { _ = client.Close(); _ = db.Close() }
	go func() { // Neo4j to the driver
		defer closeBoth()
		buf := make([]byte, 64<<10)
		for {
			n, err := db.Read(buf)
			if n > 0 && !mute.Load() {
				if until := holdUntil.Swap(0); until > 0 {
					time.Sleep(time.Until(time.Unix(0, until)))
				}
				if _, werr := client.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()
	defer closeBoth()
	buf := make([]byte, 64<<10)
	for {
		n, err := client.Read(buf)
		if n > 0 {
			var f *commitFault
			if p.armed(bytes.Contains(buf[:n], commitMessage)) {
				f = p.take()
			}
			if f != nil && f.hold > 0 {
				holdUntil.Store(time.Now().Add(f.hold).UnixNano())
			}
			if f != nil && f.cut {
				mute.Store(true)
			}
			if _, werr := db.Write(buf[:n]); werr != nil {
				return
			}
			if f != nil {
				p.hits.Add(1)
				if f.cut {
					time.Sleep(300 * time.Millisecond) // Neo4j commits; its answer is lost
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// proxied is Snodo over a driver that reaches the test's Neo4j through the proxy, with the
// request timeout given and its log kept in logs.
func proxied(t *testing.T, e *testenv.Env, timeout time.Duration, logs io.Writer) (*boltProxy, http.Handler) {
	t.Helper()
	u, err := url.Parse(e.Config.Neo4jURI)
	if err != nil {
		t.Fatal(err)
	}
	p := newBoltProxy(t, u.Host)
	driver, err := neo4j.NewDriverWithContext("bolt://"+p.ln.Addr().String(), neo4j.BasicAuth(e.Config.Neo4jUser, e.Config.Neo4jPassword, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = driver.Close(context.Background()) })
	h := server.New(store.New(driver, e.Config.Neo4jDatabase), server.Options{
		Verifier: testenv.Verifier(), RequestTimeout: timeout, RatePerSecond: 1e6, RateBurst: 1e6,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	// A connection in the pool already, so that the requests under test spend no time opening one.
	if r, err := post(h, `{ zones(first: 1) { totalCount } }`, nil); err != nil || len(r.Errors) > 0 {
		t.Fatalf("through the proxy: %v %+v", err, r.Errors)
	}
	return p, h
}

// referralAt opens a case in the world and refers it; it returns the referral's ID.
func referralAt(t *testing.T, e *testenv.Env, ids map[string]string) string {
	t.Helper()
	cs := created(t, e, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"],
		"managingActorId": ids["Reception centre"], "needIds": []string{ids["work"]}}, "case { id }", "case", "id")
	return created(t, e, "refer", "ReferInput", map[string]any{"caseId": cs, "toId": ids["Job desk"], "needId": ids["work.placement"], "consent": givenConsent},
		"referral { id }", "referral", "id")
}

const moveReferral = `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { referral { status version } userErrors { code } } }`

// TestCommittedWriteIsAnsweredPastTheDeadline holds Neo4j's answer to a write's commit past the
// request's deadline: the write committed, so it is answered as written, never as a TIMEOUT
// with no result (a client told TIMEOUT would write again).
func TestCommittedWriteIsAnsweredPastTheDeadline(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	const timeout = time.Second
	p, h := proxied(t, e, timeout, io.Discard)
	for round := range 3 {
		ref := referralAt(t, e, ids)
		p.arm(commitFault{hold: timeout + 500*time.Millisecond})
		start := time.Now()
		r, err := post(h, moveReferral, map[string]any{"in": map[string]any{"referralId": ref, "version": 1, "status": "RECEIVED"}})
		took := time.Since(start)
		if err != nil {
			t.Fatal(err)
		}
		if took < timeout {
			t.Fatalf("round %d: the answer came in %s, before the deadline of %s: the commit was not held", round, took, timeout)
		}
		stored := e.Query(t, "MATCH (r:Referral {id: $id}) RETURN r.status, r.version", map[string]any{"id": key(t, ref)})[0].Values
		if stored[0] != "RECEIVED" || stored[1] != int64(2) {
			t.Fatalf("round %d: the write committed: %v", round, stored)
		}
		if len(r.Errors) > 0 || testenv.Get(r.Data, "moveReferral", "referral", "status") != "RECEIVED" {
			t.Errorf("round %d: a write that committed, answered after %s (deadline %s): %v %+v", round, took.Round(time.Millisecond), timeout, r.Data, r.Errors)
		}
	}
	if p.hits.Load() != 3 {
		t.Errorf("the proxy held %d commits, want 3", p.hits.Load())
	}
}

// TestWriteCutShortBeforeItsCommitWritesNothing holds Neo4j's answer to the first message of a
// write past the request's deadline: until the commit the deadline still ends the write, which
// is answered TIMEOUT and leaves nothing written.
func TestWriteCutShortBeforeItsCommitWritesNothing(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	const timeout = time.Second
	p, h := proxied(t, e, timeout, io.Discard)
	ref := referralAt(t, e, ids)
	p.arm(commitFault{hold: timeout + time.Second, any: true})
	start := time.Now()
	r, err := post(h, moveReferral, map[string]any{"in": map[string]any{"referralId": ref, "version": 1, "status": "RECEIVED"}})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); r.Code() != "TIMEOUT" || took > timeout+500*time.Millisecond {
		t.Errorf("a write held past its deadline before its commit: %s after %s, want TIMEOUT at the deadline (%s): %+v", r.Code(), took, timeout, r.Errors)
	}
	if stored := e.Query(t, "MATCH (r:Referral {id: $id}) RETURN r.status", map[string]any{"id": key(t, ref)})[0].Values[0]; stored != "SENT" {
		t.Errorf("a write that timed out before its commit wrote: %v", stored)
	}
	if p.hits.Load() != 1 {
		t.Errorf("the proxy held %d answers, want 1", p.hits.Load())
	}
}

// TestUnansweredCommitIsOutcomeUnknown cuts the connection after a write's commit reached
// Neo4j and before its answer came back: the write was made, and the client is told
// OUTCOME_UNKNOWN, that it may have been, not SERVICE_UNAVAILABLE and "try again shortly",
// which would make it twice.
func TestUnansweredCommitIsOutcomeUnknown(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	var logs bytes.Buffer
	p, h := proxied(t, e, 10*time.Second, &logs)
	for round := range 3 {
		ref := referralAt(t, e, ids)
		p.arm(commitFault{cut: true})
		r, err := post(h, moveReferral, map[string]any{"in": map[string]any{"referralId": ref, "version": 1, "status": "RECEIVED"}})
		if err != nil {
			t.Fatal(err)
		}
		stored := e.Query(t, "MATCH (r:Referral {id: $id}) RETURN r.status", map[string]any{"id": key(t, ref)})[0].Values[0]
		if stored != "RECEIVED" {
			t.Fatalf("round %d: the commit reached Neo4j, which made the write: %v", round, stored)
		}
		if r.Code() != "OUTCOME_UNKNOWN" || !strings.Contains(r.Errors[0].Message, "may have been made") {
			t.Errorf("round %d: a write whose commit went unanswered: %v %+v", round, r.Data, r.Errors)
		}
		// The driver drops the dead connection: the next write goes through.
		r, err = post(h, moveReferral, map[string]any{"in": map[string]any{"referralId": ref, "version": 2, "status": "ACCEPTED"}})
		if err != nil || len(r.Errors) > 0 {
			t.Errorf("round %d: the write after: %v %+v", round, err, r.Errors)
		}
	}
	if p.hits.Load() != 3 {
		t.Errorf("the proxy cut %d commits, want 3", p.hits.Load())
	}
	if strings.Contains(logs.String(), "internal error") {
		t.Errorf("an unknown outcome is not an internal error:\n%s", logs.String())
	}
}

// TestClientHangingUpIsNotAnInternalError cancels requests, before they run and while they
// run: each is answered CANCELED or as usual, and none is logged as an error.
func TestClientHangingUpIsNotAnInternalError(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	var logs bytes.Buffer
	h := server.New(e.Store, server.Options{Verifier: testenv.Verifier(), RatePerSecond: 1e6, RateBurst: 1e6,
		Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	queries := []struct {
		doc  string
		vars map[string]any
	}{
		{`{ zones(first: 50) { totalCount edges { node { name actors(first: 5) { totalCount } } } } }`, nil},
		{`query($z: ID!) { caseCounts(input: {zoneId: $z, level: MUNICIPALITY, period: "2026-Q1"}) { rows { zone { name } open } } }`, map[string]any{"z": ids["Toscana"]}},
		{`mutation($in: UpdateZoneInput!) { updateZone(input: $in) { zone { name } userErrors { code } } }`,
			map[string]any{"in": map[string]any{"id": ids["Grosseto"], "version": 1, "name": "Grosseto"}}},
	}
	canceled := 0
	for i := range 30 {
		q := queries[i%len(queries)]
		ctx, cancel := context.WithCancel(context.Background())
		if i < 3 {
			cancel() // hung up before the request ran
		} else {
			time.AfterFunc(time.Duration(i%10)*time.Millisecond, cancel)
		}
		body, _ := json.Marshal(map[string]any{"query": q.doc, "variables": q.vars})
		req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+testenv.Token(testenv.Admin))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		cancel()
		var r testenv.Response
		_ = json.Unmarshal(rec.Body.Bytes(), &r)
		for _, err := range r.Errors {
			if code := err.Extensions["code"]; code != "CANCELED" {
				t.Errorf("request %d canceled: %v %s", i, code, err.Message)
			}
		}
		if r.Code() == "CANCELED" {
			canceled++
		}
	}
	if canceled < 3 {
		t.Errorf("%d requests answered CANCELED, want at least the 3 canceled before they ran", canceled)
	}
	t.Logf("%d of 30 requests canceled in time to be answered CANCELED", canceled)
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a client hanging up is not an error:\n%s", logs.String())
	}
}
