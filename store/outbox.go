package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// The outbox: every change of a case or a referral (every event appendEvent writes) also
// writes an :OutboxEvent in the same transaction, so that an event exists exactly when its
// change committed. Webhook deliveries are made from it (dispatch.go), and so are the API's
// subscriptions (Events), on every replica alike.
//
// An outbox event carries IDs, kinds and statuses, never case data: the case, the referral,
// the status a referral moved to, the stage a case moved to, the case's managing actor and the
// referral's recipient actor (actorIds: whom it concerns).
//
// Events are numbered by one counter node, locked by the transaction that takes a number until
// it commits: numbers are taken in commit order, so a reader that has seen every event up to n
// never sees a smaller number commit later.

// OutboxEvent is one change, as the outbox keeps it.
type OutboxEvent struct {
	ID         string
	Seq        int64
	At         time.Time
	Kind       model.TraceEventKind
	CaseID     string  // the case's key
	ReferralID *string // the referral's key, for referral events
	Status     *model.ReferralStatus
	StageID    *string // the stage's key, for the case's stage events
	Managing   string  // the case's managing actor
	Recipient  *string // the referral's recipient actor
}

// writeOutbox writes the outbox event of a change, and a pending delivery of it to every
// webhook endpoint of an actor it concerns that asked for its kind.
func (s *Store) writeOutbox(ctx context.Context, tx neo4j.ManagedTransaction, caseKey string, at time.Time, e event) error {
	if _, err := run(ctx, tx, "MERGE (k:OutboxSequence {id: 'outbox'}) SET k._lock = true WITH k REMOVE k._lock", nil); err != nil {
		return err
	}
	var stage any
	if e.kind == model.TraceEventKindStageMoved || e.kind == model.TraceEventKindOpened {
		stage = emptyToNil(&e.stageID)
	}
	_, err := run(ctx, tx, `MATCH (k:OutboxSequence {id: 'outbox'}) SET k.value = coalesce(k.value, 0) + 1
		WITH k.value AS seq MATCH (c:Case {id: $case})
		OPTIONAL MATCH (r:Referral {id: $referral})-[:REFERRED_TO]->(t)
		WITH seq, c, r, CASE WHEN r IS NULL THEN null ELSE `+RecipientActor+` END AS recipient
		CREATE (o:OutboxEvent {id: $id, seq: seq, at: $at, kind: $kind, caseId: c.id, referralId: r.id, status: $status, stageId: $stage,
			managingActorId: c.managingActorId, recipientActorId: recipient,
			actorIds: CASE WHEN recipient IS NULL OR recipient = c.managingActorId THEN [c.managingActorId] ELSE [c.managingActorId, recipient] END})
		WITH o CALL (o) {
			MATCH (w:WebhookEndpoint) WHERE w.actorId IN o.actorIds AND o.kind IN w.events
			CREATE (:WebhookDelivery {id: randomUUID(), endpointId: w.id, eventId: o.id, seq: o.seq, kind: o.kind, status: 'PENDING', attempts: 0,
				createdAt: $at, nextAttemptAt: $at, retryUntil: $at + duration({seconds: $retrySeconds})})
		}`, map[string]any{
		"case": caseKey, "referral": e.referralID, "id": NewKey(), "at": at, "kind": string(e.kind),
		"status": emptyToNil((*string)(&e.status)), "stage": stage, "retrySeconds": int64(RetryFor / time.Second),
	})
	return err
}

func decodeOutbox(n neo4j.Node) *OutboxEvent {
	p := props(n.Props)
	o := &OutboxEvent{ID: p.str("id"), At: p.time("at"), Kind: model.TraceEventKind(p.str("kind")), CaseID: p.str("caseId"),
		ReferralID: p.optStr("referralId"), StageID: p.optStr("stageId"), Managing: p.str("managingActorId"), Recipient: p.optStr("recipientActorId")}
	o.Seq, _ = p["seq"].(int64)
	if st := p.optStr("status"); st != nil {
		s := model.ReferralStatus(*st)
		o.Status = &s
	}
	return o
}

// OutboxAfter reads up to limit outbox events numbered after seq, in order: what a reader that
// has seen every event up to seq reads next.
func (s *Store) OutboxAfter(ctx context.Context, seq int64, limit int) ([]*OutboxEvent, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*OutboxEvent, error) {
		records, err := run(ctx, tx, "MATCH (o:OutboxEvent) WHERE o.seq > $seq RETURN o ORDER BY o.seq LIMIT $limit",
			map[string]any{"seq": seq, "limit": limit})
		if err != nil {
			return nil, err
		}
		out := make([]*OutboxEvent, len(records))
		for i, r := range records {
			out[i] = decodeOutbox(r.Values[0].(neo4j.Node))
		}
		return out, nil
	})
}

// OutboxHead is the number of the latest outbox event, 0 when there is none: where a new
// reader starts.
func (s *Store) OutboxHead(ctx context.Context) (int64, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (int64, error) {
		records, err := run(ctx, tx, "OPTIONAL MATCH (k:OutboxSequence {id: 'outbox'}) RETURN coalesce(k.value, 0)", nil)
		if err != nil {
			return 0, err
		}
		return records[0].Values[0].(int64), nil
	})
}
