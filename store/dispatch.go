package store

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
	"snodo/relay"
)

// The dispatcher sends the outbox's pending webhook deliveries. Each replica runs one; a
// delivery is claimed with a lease in Neo4j (its write lock taken first, then its state read,
// as lockNode does), so that of several dispatchers exactly one sends it while the lease lasts.
// A delivery that fails is tried again with exponential backoff, RetryFor after its event (or
// its replay) at the latest, then marked FAILED. Every time is the store's clock.

const (
	// RetryFor is how long a delivery is retried after its event, or after a replay.
	RetryFor = 24 * time.Hour
	// firstRetry is the wait after the first failure; each further failure doubles it, up to maxRetry.
	firstRetry = 30 * time.Second
	maxRetry   = 4 * time.Hour
	// SignatureHeader carries a delivery's signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">.
	SignatureHeader = "Snodo-Signature"
	// maxErrorLength bounds what a delivery keeps of an error.
	maxErrorLength = 500
)

// Backoff is the wait before the next attempt after the given number of failed attempts.
func Backoff(failures int) time.Duration {
	d := firstRetry
	for i := 1; i < failures && d < maxRetry; i++ {
		d *= 2
	}
	return min(d, maxRetry)
}

// Sign returns the signature header of a body sent at t under the secret.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// WebhookPayload is the body of a delivery: IDs, kinds and statuses, never case data.
type WebhookPayload struct {
	ID         string                `json:"id"`
	Type       model.TraceEventKind  `json:"type"`
	CreatedAt  time.Time             `json:"createdAt"`
	CaseID     string                `json:"caseId"`
	ReferralID *string               `json:"referralId,omitempty"`
	Status     *model.ReferralStatus `json:"status,omitempty"`
	StageID    *string               `json:"stageId,omitempty"`
	ActorID    string                `json:"actorId"`
}

// payload is the body of the event for an endpoint of the actor.
func payload(o *OutboxEvent, actor string) ([]byte, error) {
	p := WebhookPayload{ID: o.ID, Type: o.Kind, CreatedAt: o.At.UTC(), CaseID: relay.GlobalID("Case", o.CaseID), Status: o.Status,
		ActorID: relay.GlobalID("Actor", actor)}
	if o.ReferralID != nil {
		id := relay.GlobalID("Referral", *o.ReferralID)
		p.ReferralID = &id
	}
	if o.StageID != nil {
		id := relay.GlobalID("Stage", *o.StageID)
		p.StageID = &id
	}
	return json.Marshal(p)
}

// Dispatcher sends pending deliveries. Owner names it in the leases it takes; Lease is how long
// a claimed delivery is its own (longer than Client's timeout).
type Dispatcher struct {
	Store  *Store
	Client *http.Client
	Owner  string
	Lease  time.Duration
	Batch  int
}

// NewDispatcher returns a dispatcher with a client that does not follow redirects and gives up
// on an endpoint after 10 seconds, under a random owner name.
func NewDispatcher(s *Store) *Dispatcher {
	return &Dispatcher{Store: s, Owner: NewKey(), Client: &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// claimed is a delivery a dispatcher holds the lease of, with what it needs to send it.
type claimed struct {
	id, url, secret, actor string
	event                  *OutboxEvent
}

// Run sends what is due every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, every time.Duration, logf func(string, ...any)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil && logf != nil {
			logf("webhook dispatch: %v", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunOnce claims the deliveries due at the store's clock, sends them and records each outcome;
// it returns how many it sent.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	batch := d.Batch
	if batch <= 0 {
		batch = 50
	}
	lease := d.Lease
	if lease <= 0 {
		lease = time.Minute
	}
	work, err := d.claim(ctx, batch, lease)
	if err != nil {
		return 0, err
	}
	var errs []error
	for _, c := range work {
		status, sendErr := d.send(ctx, c)
		if err := d.record(ctx, c, status, sendErr); err != nil {
			errs = append(errs, err)
		}
	}
	return len(work), errors.Join(errs...)
}

// claim takes the lease of up to batch due deliveries, in the order of their events among
// those due at once. Each is locked before its state is read
// again, so that of two dispatchers that picked the same one, the second sees the first's lease.
func (d *Dispatcher) claim(ctx context.Context, batch int, lease time.Duration) ([]claimed, error) {
	s := d.Store
	return write(ctx, s, func(tx neo4j.ManagedTransaction) ([]claimed, error) {
		now := s.now()
		records, err := run(ctx, tx, `MATCH (n:WebhookDelivery) WHERE n.status = 'PENDING' AND n.nextAttemptAt <= $now
			AND (n.leaseUntil IS NULL OR n.leaseUntil <= $now)
			RETURN n.id ORDER BY n.nextAttemptAt, n.seq, n.id LIMIT $candidates`, map[string]any{"now": now, "candidates": 4 * batch})
		if err != nil {
			return nil, err
		}
		var out []claimed
		// More candidates than the batch: those another dispatcher is claiming at once are skipped.
		for _, r := range records {
			if len(out) == batch {
				break
			}
			key := r.Values[0].(string)
			n, err := lockNode(ctx, tx, "WebhookDelivery", key)
			if err != nil {
				continue // gone meanwhile
			}
			p := props(n.Props)
			next, until := p.optTime("nextAttemptAt"), p.optTime("leaseUntil")
			if p.str("status") != string(model.WebhookDeliveryStatusPending) || next == nil || next.After(now) || (until != nil && until.After(now)) {
				continue // another dispatcher has it, or had it
			}
			rows, err := run(ctx, tx, `MATCH (n:WebhookDelivery {id: $id}) SET n.leaseOwner = $owner, n.leaseUntil = $until
				WITH n MATCH (w:WebhookEndpoint {id: n.endpointId}), (o:OutboxEvent {id: n.eventId})
				RETURN w.url, w.secret, w.actorId, o`, map[string]any{"id": key, "owner": d.Owner, "until": now.Add(lease)})
			if err != nil {
				return nil, err
			}
			if len(rows) == 0 {
				continue
			}
			v := rows[0].Values
			out = append(out, claimed{id: key, url: v[0].(string), secret: v[1].(string), actor: v[2].(string), event: decodeOutbox(v[3].(neo4j.Node))})
		}
		return out, nil
	})
}

// send POSTs the signed event; a 2xx answer is a delivery.
func (d *Dispatcher) send(ctx context.Context, c claimed) (int, error) {
	body, err := payload(c.event, c.actor)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Snodo-Webhooks/1")
	req.Header.Set("Snodo-Event-Id", c.event.ID)
	req.Header.Set(SignatureHeader, Sign(c.secret, d.Store.now(), body))
	res, err := d.Client.Do(req)
	if err != nil {
		return 0, err
	}
	defer func() { _ = res.Body.Close() }()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("the endpoint answered %s", res.Status)
	}
	return res.StatusCode, nil
}

// record writes an attempt's outcome, if this dispatcher still holds the lease: DELIVERED, or
// PENDING with the next attempt after the backoff, or FAILED once that would pass its day.
func (d *Dispatcher) record(ctx context.Context, c claimed, status int, sendErr error) error {
	s := d.Store
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		n, err := lockNode(ctx, tx, "WebhookDelivery", c.id)
		if err != nil {
			return false, nil
		}
		p := props(n.Props)
		if p.str("leaseOwner") != d.Owner {
			return false, nil // the lease passed to another dispatcher
		}
		attempts, _ := p["attempts"].(int64)
		attempts++
		now := s.now()
		set := map[string]any{"attempts": attempts, "lastAttemptAt": now, "lastStatusCode": nil, "lastError": nil}
		if status != 0 {
			set["lastStatusCode"] = status
		}
		switch {
		case sendErr == nil:
			set["status"], set["deliveredAt"] = string(model.WebhookDeliveryStatusDelivered), now
		default:
			msg := sendErr.Error()
			if len(msg) > maxErrorLength {
				msg = msg[:maxErrorLength]
			}
			set["lastError"] = msg
			next := now.Add(Backoff(int(attempts)))
			if until := p.optTime("retryUntil"); until != nil && next.After(*until) {
				set["status"] = string(model.WebhookDeliveryStatusFailed)
			} else {
				set["nextAttemptAt"] = next
			}
		}
		_, err = run(ctx, tx, "MATCH (n:WebhookDelivery {id: $id}) SET n += $set REMOVE n.leaseOwner, n.leaseUntil", map[string]any{"id": c.id, "set": set})
		return err == nil, err
	})
	return err
}
