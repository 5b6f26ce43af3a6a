package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	coderws "github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/server"
)

// wsClient is a graphql-transport-ws client of the test server.
type wsClient struct {
	t    *testing.T
	conn *coderws.Conn
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsSend is a message the client sends.
type wsSend struct {
	ID      string `json:"id,omitempty"`
	Type    string `json:"type"`
	Payload any    `json:"payload,omitempty"`
}

// dialWS connects and sends connection_init with the token; it returns the client and the
// first answer's type (connection_ack, or "" when the server closed the connection, with the
// error that says how).
func dialWS(t *testing.T, url, token string) (*wsClient, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := coderws.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/graphql/ws", &coderws.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.CloseNow() })
	c := &wsClient{t: t, conn: conn}
	payload := map[string]any{}
	if token != "" {
		payload["Authorization"] = "Bearer " + token
	}
	init := wsSend{Type: "connection_init", Payload: payload}
	if err := wsjson.Write(ctx, conn, init); err != nil {
		t.Fatal(err)
	}
	m, err := c.next(5 * time.Second)
	if err != nil {
		return c, "", err
	}
	return c, m.Type, nil
}

// next reads the next message other than a keep-alive, answering pings.
func (c *wsClient) next(within time.Duration) (wsMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	for {
		var m wsMessage
		if err := wsjson.Read(ctx, c.conn, &m); err != nil {
			return m, err
		}
		switch m.Type {
		case "ping":
			_ = wsjson.Write(ctx, c.conn, wsSend{Type: "pong"})
		case "pong", "ka":
		default:
			return m, nil
		}
	}
}

func (c *wsClient) subscribe(id, query string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := wsjson.Write(ctx, c.conn, wsSend{ID: id, Type: "subscribe", Payload: map[string]any{"query": query}}); err != nil {
		c.t.Fatal(err)
	}
}

// changes reads the events of subscription "1" until none comes within quiet, as
// "KIND[ STATUS][ stage][ view]" strings.
func (c *wsClient) changes(quiet time.Duration) []string {
	c.t.Helper()
	var out []string
	for {
		m, err := c.next(quiet)
		if err != nil {
			return out
		}
		var payload map[string]any
		if m.Type != "next" || json.Unmarshal(m.Payload, &payload) != nil {
			c.t.Errorf("a %s message: %s", m.Type, m.Payload)
			continue
		}
		if errs, ok := payload["errors"]; ok {
			c.t.Errorf("errors: %v", errs)
		}
		ch := testenv.Get(payload, "data", "caseChanges")
		s := testenv.Get(ch, "kind").(string)
		for _, f := range []any{testenv.Get(ch, "status"), testenv.Get(ch, "stage", "code"), testenv.Get(ch, "case", "view")} {
			if f != nil {
				s += " " + f.(string)
			}
		}
		out = append(out, s)
	}
}

const caseChanges = `subscription { caseChanges { id kind status referral { id status } case { id view notes } stage { code } } }`

// Subscriptions end to end through the HTTP handler: each viewer connects with its token and
// receives exactly the changes it may see (the case's manager all of them, each recipient its
// own referral's, never the case's stages), as the rule shows them; a connection without a
// valid token is refused, a subscription by a role without cases is refused, and a connection
// is closed when its token expires.
func TestSubscriptionsEndToEnd(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	srv := httptest.NewServer(e.HandlerWith(server.Options{SubscriptionPoll: 50 * time.Millisecond}))
	defer srv.Close()
	manager := auth.Viewer{Subject: "cm-anna", Role: auth.CaseManager, ActorID: rawKey(ids["Reception centre"])}
	jobOperator := auth.Viewer{Subject: "op-job", Role: auth.ServiceOperator, ActorID: rawKey(ids["Job centre"])}
	shelterOperator := auth.Viewer{Subject: "op-shelter", Role: auth.ServiceOperator, ActorID: rawKey(ids["Shelter provider"])}
	stranger := auth.Viewer{Subject: "cm-other", Role: auth.CaseManager, ActorID: rawKey(ids["Technical secretariat"])}

	// Refused: no token, a forged one; a researcher's subscription.
	for _, token := range []string{"", "not-a-token"} {
		c, first, err := dialWS(t, srv.URL, token)
		if first == "connection_ack" {
			t.Errorf("a connection with token %q is refused", token)
		}
		for err == nil { // a message saying why, then the close
			_, err = c.next(2 * time.Second)
		}
		if coderws.CloseStatus(err) != 4403 {
			t.Errorf("token %q: closed with %v, want 4403", token, err)
		}
	}
	researcher, _, _ := dialWS(t, srv.URL, testenv.Token(auth.Viewer{Subject: "r", Role: auth.Researcher}))
	researcher.subscribe("1", caseChanges)
	if m, err := researcher.next(2 * time.Second); err != nil || (m.Type != "error" && m.Type != "next") || !strings.Contains(string(m.Payload), `"code":"FORBIDDEN"`) {
		t.Errorf("a researcher's subscription is refused FORBIDDEN: %+v %v", m, err)
	}

	clients := map[string]*wsClient{}
	for name, v := range map[string]auth.Viewer{"manager": manager, "job": jobOperator, "shelter": shelterOperator, "stranger": stranger} {
		c, first, _ := dialWS(t, srv.URL, testenv.Token(v))
		if first != "connection_ack" {
			t.Fatalf("%s: %q", name, first)
		}
		c.subscribe("1", caseChanges)
		clients[name] = c
	}
	time.Sleep(300 * time.Millisecond) // the subscriptions start reading the outbox

	cs := testenv.Get(mutateAs(t, e, manager, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"],
		"needIds": []string{ids["work"], ids["housing"]}, "notes": "segreto"}, "case { id }"), "case", "id").(string)
	toDesk := testenv.Get(mutateAs(t, e, manager, "refer", "ReferInput", map[string]any{"caseId": cs, "toId": ids["Job desk"], "needId": ids["work.placement"], "consent": givenConsent},
		"referral { id }"), "referral", "id").(string)
	mutateAs(t, e, jobOperator, "moveReferral", "MoveReferralInput", map[string]any{"referralId": toDesk, "version": 1, "status": "RECEIVED"}, "referral { id }")
	mutateAs(t, e, manager, "moveCase", "MoveCaseInput", map[string]any{"caseId": cs, "version": 1, "stageId": ids["stage 2a"]}, "case { id }")
	mutateAs(t, e, manager, "refer", "ReferInput", map[string]any{"caseId": cs, "toId": ids["Shelter"], "needId": ids["housing.shelter"], "consent": givenConsent}, "referral { id }")

	want := map[string]string{
		"manager":  "OPENED 1 FULL, REFERRAL_SENT SENT FULL, REFERRAL_CHANGED RECEIVED FULL, STAGE_MOVED 2a FULL, REFERRAL_SENT SENT FULL",
		"job":      "REFERRAL_SENT SENT RECIPIENT, REFERRAL_CHANGED RECEIVED RECIPIENT",
		"shelter":  "REFERRAL_SENT SENT RECIPIENT",
		"stranger": "",
	}
	for name, c := range clients {
		if got := strings.Join(c.changes(1500*time.Millisecond), ", "); got != want[name] {
			t.Errorf("%s received %q, want %q", name, got, want[name])
		}
	}

	// Closed when the token expires.
	short, err := auth.Mint(testenv.Secret, testenv.Issuer, jobOperator, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	c, first, _ := dialWS(t, srv.URL, short)
	if first != "connection_ack" {
		t.Fatalf("a fresh short token: %q", first)
	}
	c.subscribe("1", caseChanges)
	start := time.Now()
	var closed error
	for closed == nil && time.Since(start) < 6*time.Second {
		_, closed = c.next(6 * time.Second)
	}
	var ce coderws.CloseError
	if !errors.As(closed, &ce) || time.Since(start) > 4*time.Second {
		t.Errorf("the connection closes when its token expires: %v after %s", closed, time.Since(start))
	}
}
