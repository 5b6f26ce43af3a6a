package store

import (
	"context"
	"sync"
	"time"

	"snodo/auth"
	"snodo/model"
)

// Events serves the outbox (outbox.go) to subscribers as it grows: one poller per replica
// reads the events committed since the last it read, in order, and hands each to every
// subscriber, which keeps those its viewer may see (EventVisible). Every replica reads the
// same outbox, so a subscriber hears of a change whichever replica made it.
type Events struct {
	s     *Store
	every time.Duration

	mu      sync.Mutex
	subs    map[chan *OutboxEvent]struct{}
	running bool
}

// subscriberBuffer is how many events a subscriber may lag behind before it is dropped (its
// subscription ends; the client subscribes again and reads what it missed through queries).
const subscriberBuffer = 256

// NewEvents returns the events of the store's outbox, read every interval while anyone listens.
func NewEvents(s *Store, every time.Duration) *Events {
	if every <= 0 {
		every = time.Second
	}
	return &Events{s: s, every: every, subs: map[chan *OutboxEvent]struct{}{}}
}

// Subscribe returns the events committed from now on, until ctx ends or the subscriber falls
// too far behind; then the channel is closed.
func (h *Events) Subscribe(ctx context.Context) (<-chan *OutboxEvent, error) {
	head, err := h.s.OutboxHead(ctx)
	if err != nil {
		return nil, err
	}
	ch := make(chan *OutboxEvent, subscriberBuffer)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	if !h.running {
		h.running = true
		go h.poll(head)
	}
	h.mu.Unlock()
	go func() {
		<-ctx.Done()
		h.drop(ch)
	}()
	return ch, nil
}

func (h *Events) drop(ch chan *OutboxEvent) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.subs[ch]; ok {
		delete(h.subs, ch)
		close(ch)
	}
}

// poll reads the outbox after seq every interval and hands out what it reads, until no one
// listens.
func (h *Events) poll(seq int64) {
	t := time.NewTicker(h.every)
	defer t.Stop()
	for range t.C {
		h.mu.Lock()
		if len(h.subs) == 0 {
			h.running = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		events, err := h.s.OutboxAfter(ctx, seq, 500)
		cancel()
		if err != nil {
			continue // the database is away: read again at the next tick
		}
		h.mu.Lock()
		for _, o := range events {
			seq = o.Seq
			for ch := range h.subs {
				select {
				case ch <- o:
				default: // too far behind: its subscription ends
					delete(h.subs, ch)
					close(ch)
				}
			}
		}
		h.mu.Unlock()
	}
}

// EventVisible reports whether the viewer may see the event now, by the rule of caseread.go:
// a referral's event when it sees the referral (its recipient while its view lasts, the sender's
// case managers, admins), any other event of a case when it sees all of the case. The event must
// concern the viewer's actor (its managing actor, or the referral's recipient), unless it is an
// admin. The read is audited as every read of case-level data.
func (s *Store) EventVisible(ctx context.Context, o *OutboxEvent) (bool, error) {
	v := auth.From(ctx)
	if v.Role != auth.Admin && v.ActorID != o.Managing && (o.Recipient == nil || *o.Recipient != v.ActorID) {
		return false, nil
	}
	if o.ReferralID != nil {
		seen, err := Get(ReadVia(ctx, "caseChanges"), s, ReferralKind, []string{*o.ReferralID})
		return seen[*o.ReferralID] != nil, err
	}
	seen, err := Get(ReadVia(ctx, "caseChanges"), s, CaseKind, []string{o.CaseID})
	c := seen[o.CaseID]
	return c != nil && c.View == model.CaseViewFull, err
}
