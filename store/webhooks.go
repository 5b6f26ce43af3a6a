package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/model"
)

// Webhook endpoints: an admin, or a coordinator for an actor wholly in its zones, registers an
// HTTPS endpoint for an actor's events; the outbox (outbox.go) queues a delivery of each event
// that concerns the actor and is of a kind it asked for; the dispatcher (dispatch.go) sends them.
// An endpoint and its deliveries are read by the subject who registered it, and by admins.

// MaxWebhookURLLength bounds an endpoint's URL.
const MaxWebhookURLLength = 2000

var (
	WebhookEndpointKind = Kind[*model.WebhookEndpoint]{"WebhookEndpoint", func(w *model.WebhookEndpoint) string { return w.ID }, decodeEndpoint}
	WebhookDeliveryKind = Kind[*model.WebhookDelivery]{"WebhookDelivery", func(d *model.WebhookDelivery) string { return d.ID }, decodeDelivery}
)

func decodeEndpoint(n neo4j.Node) *model.WebhookEndpoint {
	p := props(n.Props)
	w := &model.WebhookEndpoint{ID: p.str("id"), ActorID: p.str("actorId"), URL: p.str("url"), CreatedAt: p.time("createdAt"), RegisteredBy: p.str("registeredBy")}
	for _, k := range p.strs("events") {
		w.Events = append(w.Events, model.TraceEventKind(k))
	}
	return w
}

func decodeDelivery(n neo4j.Node) *model.WebhookDelivery {
	p := props(n.Props)
	d := &model.WebhookDelivery{ID: p.str("id"), EndpointID: p.str("endpointId"), EventID: p.str("eventId"), Kind: model.TraceEventKind(p.str("kind")),
		Status: model.WebhookDeliveryStatus(p.str("status")), CreatedAt: p.time("createdAt"), LastAttemptAt: p.optTime("lastAttemptAt"),
		LastStatusCode: p.optInt("lastStatusCode"), LastError: p.optStr("lastError"), DeliveredAt: p.optTime("deliveredAt")}
	if a, ok := p["attempts"].(int64); ok {
		d.Attempts = int(a)
	}
	if d.Status == model.WebhookDeliveryStatusPending {
		d.NextAttemptAt = p.optTime("nextAttemptAt")
	}
	return d
}

// checkWebhookURL checks that raw is an absolute HTTPS URL with a host and no credentials.
func checkWebhookURL(c *model.Check, raw string, path ...string) {
	u, err := url.Parse(raw)
	switch {
	case len(raw) > MaxWebhookURLLength:
		c.Add(model.UserErrorCodeInvalid, "a URL of at most 2000 characters", path...)
	case err != nil || u.Scheme != "https" || u.Host == "" || u.Hostname() == "":
		c.Add(model.UserErrorCodeInvalid, "an absolute https:// URL with a host", path...)
	case u.User != nil:
		c.Add(model.UserErrorCodeInvalid, "a URL without credentials: the signature authenticates Snodo", path...)
	case u.Fragment != "":
		c.Add(model.UserErrorCodeInvalid, "a URL without a fragment", path...)
	}
}

// RegisterWebhook registers an endpoint for an actor's events and returns it with its secret,
// which signs every delivery and is never shown again.
func (s *Store) RegisterWebhook(ctx context.Context, in model.RegisterWebhookInput) (*model.WebhookEndpoint, string, error) {
	var c model.Check
	actor := keyOf(&c, "Actor", in.ActorID, "input", "actorId")
	checkWebhookURL(&c, strings.TrimSpace(in.URL), "input", "url")
	if len(in.Events) == 0 {
		c.Add(model.UserErrorCodeRequired, "name at least one kind of event", "input", "events")
	}
	if err := c.Err(); err != nil {
		return nil, "", err
	}
	events := strs(in.Events)
	slices.Sort(events)
	events = slices.Compact(events)
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	secret := "whsec_" + hex.EncodeToString(b)
	w, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.WebhookEndpoint, error) {
		if err := mustExistAll(ctx, tx, ref{label: "Actor", field: "actorId", keys: []string{actor}}); err != nil {
			return nil, err
		}
		// Admins register for any actor, coordinators for the actors wholly in their zones.
		if err := authorizeAll(ctx, tx, "Actor", []string{actor}); err != nil {
			return nil, err
		}
		key := NewKey()
		if _, err := run(ctx, tx, `MATCH (a:Actor {id: $actor}) CREATE (w:WebhookEndpoint {id: $id, actorId: a.id, url: $url, events: $events,
			secret: $secret, createdAt: $now, registeredBy: $by})-[:FOR_ACTOR]->(a)`,
			map[string]any{"actor": actor, "id": key, "url": strings.TrimSpace(in.URL), "events": events, "secret": secret, "now": s.now(), "by": auth.From(ctx).Subject}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "WebhookEndpoint", key, decodeEndpoint)
	})
	if err != nil {
		return nil, "", err
	}
	return w, secret, nil
}

// endpointReader is the predicate that the viewer may read the endpoint n: its registrant, or an admin.
func endpointReader(ctx context.Context) (string, map[string]any) {
	v := auth.From(ctx)
	if v.Role == auth.Admin {
		return "true", map[string]any{}
	}
	return "n.registeredBy = $viewerSubject", map[string]any{"viewerSubject": v.Subject}
}

// WebhookEndpoints lists the endpoints the viewer may read, newest first.
func (s *Store) WebhookEndpoints(ctx context.Context, p Page) (*model.WebhookEndpointConnection, error) {
	q := newQuery("WebhookEndpoint")
	cond, params := endpointReader(ctx)
	q.where(cond, "", nil)
	for k, v := range params {
		q.params[k] = v
	}
	return list(ctx, s, q, p, order{expr: "n.createdAt.epochMillis", desc: true}, decodeEndpoint)
}

// WebhookEndpoint reads the endpoint with the key if the viewer may read it; nil otherwise.
func (s *Store) WebhookEndpoint(ctx context.Context, key string) (*model.WebhookEndpoint, error) {
	cond, params := endpointReader(ctx)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*model.WebhookEndpoint, error) {
		records, err := run(ctx, tx, "MATCH (n:WebhookEndpoint {id: $id}) WHERE "+cond+" RETURN n", merge(params, map[string]any{"id": key}))
		if err != nil || len(records) == 0 {
			return nil, err
		}
		return decodeEndpoint(records[0].Values[0].(neo4j.Node)), nil
	})
}

// WebhookDeliveries lists an endpoint's deliveries, newest first. The endpoint came from a read
// the viewer may make.
func (s *Store) WebhookDeliveries(ctx context.Context, endpoint string, status *model.WebhookDeliveryStatus, p Page) (*model.WebhookDeliveryConnection, error) {
	q := query{start: "MATCH (n:WebhookDelivery {endpointId: $endpoint})", params: map[string]any{"endpoint": endpoint}}
	if status != nil {
		q.where("n.status = $status", "status", string(*status))
	}
	return list(ctx, s, q, p, order{expr: "n.createdAt.epochMillis", desc: true}, decodeDelivery)
}

// ReplayWebhookDelivery sends a delivery again from now, with another day of retries: the same
// event and body. Whoever may read its endpoint replays it; to anyone else it does not exist.
func (s *Store) ReplayWebhookDelivery(ctx context.Context, in model.ReplayWebhookDeliveryInput) (*model.WebhookDelivery, error) {
	var c model.Check
	key := keyOf(&c, "WebhookDelivery", in.DeliveryID, "input", "deliveryId")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.WebhookDelivery, error) {
		cond, params := endpointReader(ctx)
		records, err := run(ctx, tx, "MATCH (d:WebhookDelivery {id: $id}) MATCH (n:WebhookEndpoint {id: d.endpointId}) WHERE "+cond+" RETURN d.id",
			merge(params, map[string]any{"id": key}))
		if err != nil {
			return nil, err
		}
		if len(records) == 0 {
			return nil, model.InputError(model.UserErrorCodeNotFound, "no WebhookDelivery has this ID", "input", "deliveryId")
		}
		if _, err := lockNode(ctx, tx, "WebhookDelivery", key, "input", "deliveryId"); err != nil {
			return nil, err
		}
		now := s.now()
		if _, err := run(ctx, tx, `MATCH (d:WebhookDelivery {id: $id}) SET d.status = 'PENDING', d.nextAttemptAt = $now,
			d.retryUntil = $now + duration({seconds: $retrySeconds}) REMOVE d.leaseOwner, d.leaseUntil`,
			map[string]any{"id": key, "now": now, "retrySeconds": int64(RetryFor.Seconds())}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "WebhookDelivery", key, decodeDelivery)
	})
}
