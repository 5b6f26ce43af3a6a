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
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/internal/testenv"
	"snodo/server"
	"snodo/store"
)

// switchProxy relays Bolt to the test's Neo4j until it is cut: then it drops every connection
// and refuses new ones (closes them at once), as a Neo4j that was killed does, until restored.
type switchProxy struct {
	ln     net.Listener
	target string
	down   atomic.Bool
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
}

func newSwitchProxy(t *testing.T, target string) *switchProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &switchProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { _ = ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if p.down.Load() {
				_ = c.Close()
				continue
			}
			go p.relay(c)
		}
	}()
	return p
}

func (p *switchProxy) track(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		p.conns[c] = struct{}{}
	}
}

func (p *switchProxy) relay(client net.Conn) {
	db, err := net.Dial("tcp", p.target)
	if err != nil {
		_ = client.Close()
		return
	}
	p.track(client, db)
	go func() { _, _ = io.Copy(client, db); _ = client.Close(); _ = db.Close() }()
	_, _ = io.Copy(db, client)
	_ = client.Close()
	_ = db.Close()
}

// cut drops every connection and refuses new ones.
func (p *switchProxy) cut() {
	p.down.Store(true)
	p.mu.Lock()
	defer p.mu.Unlock()
	for c := range p.conns {
		_ = c.Close()
	}
	p.conns = map[net.Conn]struct{}{}
}

func (p *switchProxy) restore() { p.down.Store(false) }

// httpAnswer is an HTTP answer as a client sees it.
type httpAnswer struct {
	status     int
	retryAfter string
	code       string
	took       time.Duration
}

func send(h http.Handler, method, path, query string) httpAnswer {
	var body io.Reader
	if query != "" {
		b, _ := json.Marshal(map[string]any{"query": query})
		body = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+testenv.Token(testenv.Admin))
	rec := httptest.NewRecorder()
	start := time.Now()
	h.ServeHTTP(rec, req)
	a := httpAnswer{status: rec.Code, retryAfter: rec.Header().Get("Retry-After"), took: time.Since(start)}
	var r testenv.Response
	if json.Unmarshal(rec.Body.Bytes(), &r) == nil {
		a.code = r.Code()
	}
	return a
}

// TestOutageAnswers503AndRecovers cuts the connection to Neo4j under a read load: every request
// answers either normally or 503 SERVICE_UNAVAILABLE with Retry-After (never a TIMEOUT after the
// whole request deadline, never a 500), /readyz says not ready, and once Neo4j answers again
// Snodo serves again by itself.
func TestOutageAnswers503AndRecovers(t *testing.T) {
	e := testenv.Open(t)
	u, err := url.Parse(e.Config.Neo4jURI)
	if err != nil {
		t.Fatal(err)
	}
	p := newSwitchProxy(t, u.Host)
	driver, err := neo4j.NewDriverWithContext("bolt://"+p.ln.Addr().String(), neo4j.BasicAuth(e.Config.Neo4jUser, e.Config.Neo4jPassword, ""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = driver.Close(context.Background()) })
	st := store.New(driver, e.Config.Neo4jDatabase)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	go st.Watch(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	const timeout = 20 * time.Second
	h := server.New(st, server.Options{Verifier: testenv.Verifier(), RequestTimeout: timeout, RatePerSecond: 1e6, RateBurst: 1e6})
	const read = `{ zones(first: 1) { totalCount } }`
	const write = `mutation { createZone(input: {name: "Outage", kind: CUSTOM}) { zone { id } } }`
	if a := send(h, http.MethodPost, "/graphql", read); a.status != 200 || a.code != "" {
		t.Fatalf("before the outage: %+v", a)
	}

	// A load under way when the connection is cut.
	var wg sync.WaitGroup
	var bad atomic.Int32
	var unavailable atomic.Int32
	loadCtx, endLoad := context.WithCancel(ctx)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for loadCtx.Err() == nil {
				a := send(h, http.MethodPost, "/graphql", read)
				switch {
				case a.status == 200 && a.code == "":
				case a.status == 503 && a.code == "SERVICE_UNAVAILABLE" && a.retryAfter != "":
					unavailable.Add(1)
				default:
					bad.Add(1)
					t.Errorf("during the outage: %+v", a)
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	p.cut()
	cutAt := time.Now()
	time.Sleep(3 * time.Second) // the load runs against the outage

	for _, q := range []string{read, write} {
		a := send(h, http.MethodPost, "/graphql", q)
		if a.status != 503 || a.code != "SERVICE_UNAVAILABLE" || a.retryAfter == "" {
			t.Errorf("%s while Neo4j is down: %+v, want 503 SERVICE_UNAVAILABLE with Retry-After", q, a)
		}
		if a.took > timeout/4 {
			t.Errorf("%s while Neo4j is down took %s: it waited for the deadline", q, a.took)
		}
	}
	if a := send(h, http.MethodGet, "/readyz", ""); a.status != 503 || a.took > time.Second {
		t.Errorf("/readyz while Neo4j is down: %+v, want 503 at once", a)
	}
	endLoad()
	wg.Wait()
	if unavailable.Load() == 0 {
		t.Error("no request under the load was answered 503")
	}
	t.Logf("outage: %d requests under load answered 503 in %s", unavailable.Load(), time.Since(cutAt).Round(time.Millisecond))

	p.restore()
	back := time.Now()
	for {
		a := send(h, http.MethodPost, "/graphql", read)
		if a.status == 200 && a.code == "" {
			break
		}
		if time.Since(back) > 5*time.Second {
			t.Fatalf("Snodo did not recover within 5 s of Neo4j answering: %+v", a)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("recovered %s after Neo4j answered again", time.Since(back).Round(time.Millisecond))
	if a := send(h, http.MethodGet, "/readyz", ""); a.status != 200 {
		t.Errorf("/readyz after recovery: %+v", a)
	}
	if a := send(h, http.MethodPost, "/graphql", write); a.status != 200 || a.code != "" {
		t.Errorf("a write after recovery: %+v", a)
	}
}
