package store

import (
	"context"
	"reflect"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/model"
	"snodo/relay"
)

// audit records a change in the transaction that makes it, so the log holds every change that
// was committed and nothing else. target is what the write returned: a node, or a deleted key.
func audit(ctx context.Context, tx neo4j.ManagedTransaction, action model.AuditAction, target any) error {
	op, ok := auth.OperationFrom(ctx)
	if !ok {
		return nil // not a request of the API: a seed or a migration
	}
	id := op.Target
	if n, ok := target.(interface{ GlobalID() string }); ok && !isNil(target) {
		id = n.GlobalID()
	}
	v := auth.From(ctx)
	var actor any
	if v.ActorID != "" {
		actor = relay.GlobalID("Actor", v.ActorID)
	}
	_, err := run(ctx, tx, `CREATE (:AuditEntry {id: $id, at: $at, subject: $subject, role: $role, actorId: $actor,
		action: $action, operation: $operation, targetId: $target})`, map[string]any{
		"id": uuid.NewString(), "at": timeNow(), "subject": v.Subject, "role": string(v.Role), "actor": actor,
		"action": string(action), "operation": op.Field, "target": emptyToNil(&id),
	})
	return err
}

func isNil(v any) bool {
	r := reflect.ValueOf(v)
	return r.Kind() == reflect.Pointer && r.IsNil()
}

// AuditLog lists audit entries by the filter, newest first.
func (s *Store) AuditLog(ctx context.Context, f *model.AuditFilter, p Page) (*model.AuditEntryConnection, error) {
	q := newQuery("AuditEntry")
	if f != nil {
		if f.Subject != nil {
			q.where("n.subject = $subject", "subject", *f.Subject)
		}
		if f.Operation != nil {
			q.where("n.operation = $operation", "operation", *f.Operation)
		}
		if f.TargetID != nil {
			q.where("n.targetId = $target", "target", *f.TargetID)
		}
		if f.From != nil {
			q.where("n.at >= $from", "from", *f.From)
		}
		if f.To != nil {
			q.where("n.at < $to", "to", *f.To)
		}
	}
	return list(ctx, s, q, p, order{expr: "n.at.epochMillis", desc: true}, decodeAudit)
}

func decodeAudit(n neo4j.Node) *model.AuditEntry {
	p := props(n.Props)
	return &model.AuditEntry{
		ID: p.str("id"), At: p.time("at"), Subject: p.str("subject"), Role: model.Role(p.str("role")),
		ActorID: p.optStr("actorId"), Action: model.AuditAction(p.str("action")), Operation: p.str("operation"),
		TargetID: p.optStr("targetId"),
	}
}

// readLog is what one request has read and been refused of case-level data, so that each case
// is audited once per request however many fields reach it.
type readLog struct {
	mu   sync.Mutex
	seen map[string]bool // by action and target
}

type readLogKey struct{}

type readViaKey struct{}

// WithReadLog returns a context for one request, in which each case read (and each refused
// object) is audited once.
func WithReadLog(ctx context.Context) context.Context {
	return context.WithValue(ctx, readLogKey{}, &readLog{seen: map[string]bool{}})
}

// ReadVia returns a context whose reads of case-level data are audited as made through the
// field, e.g. "node" or "Referral.case".
func ReadVia(ctx context.Context, field string) context.Context {
	return context.WithValue(ctx, readViaKey{}, field)
}

// claim reports which of the entries this request has not audited yet, and marks them.
func (l *readLog) claim(entries []readEntry) []readEntry {
	if l == nil {
		return entries
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	out := entries[:0:0]
	for _, e := range entries {
		k := string(e.action) + " " + e.target
		if !l.seen[k] {
			l.seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

type readEntry struct {
	action model.AuditAction
	target string
}

// auditReads records a read by key of case-level data of the label: for each key asked, shown
// says what to name (the case read, or the object refused) and whether it was shown. Objects
// refused and objects that do not exist are recorded alike, READ_REFUSED. All entries of one
// read are written in one statement of one transaction of their own, and none twice in a
// request.
func (s *Store) auditReads(ctx context.Context, label string, keys []string, shown func(key string) (target string, ok bool)) error {
	var entries []readEntry
	seen := map[string]bool{}
	for _, k := range keys {
		target, ok := shown(k)
		e := readEntry{action: model.AuditActionRead, target: target}
		if !ok {
			e.action = model.AuditActionReadRefused
		}
		if key := string(e.action) + target; !seen[key] {
			seen[key] = true
			entries = append(entries, e)
		}
	}
	log, _ := ctx.Value(readLogKey{}).(*readLog)
	entries = log.claim(entries)
	if len(entries) == 0 {
		return nil
	}
	field, _ := ctx.Value(readViaKey{}).(string)
	if field == "" {
		field = label
	}
	v := auth.From(ctx)
	var actor any
	if v.ActorID != "" {
		actor = relay.GlobalID("Actor", v.ActorID)
	}
	rows := make([]map[string]any, len(entries))
	for i, e := range entries {
		rows[i] = map[string]any{"id": uuid.NewString(), "action": string(e.action), "target": e.target}
	}
	// Not write(): a read made inside a mutation (its payload's fields) adds no CHANGE entry.
	session := s.session(ctx, neo4j.AccessModeWrite)
	defer func() { _ = session.Close(context.Background()) }()
	_, err := neo4j.ExecuteWrite(ctx, session, func(tx neo4j.ManagedTransaction) (bool, error) {
		_, err := run(ctx, tx, `UNWIND $rows AS row CREATE (:AuditEntry {id: row.id, at: $at, subject: $subject, role: $role,
			actorId: $actor, action: row.action, operation: $operation, targetId: row.target})`, map[string]any{
			"rows": rows, "at": timeNow(), "subject": v.Subject, "role": string(v.Role), "actor": actor, "operation": field,
		})
		return err == nil, err
	}, txTimeout(ctx)...)
	if err != nil {
		log.release(entries) // not recorded: a later read in the request records them again
	}
	return err
}

// release forgets entries claimed whose write failed.
func (l *readLog) release(entries []readEntry) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, e := range entries {
		delete(l.seen, string(e.action)+" "+e.target)
	}
}

// txTimeout bounds a transaction on the server by the context's deadline, as read and write do.
func txTimeout(ctx context.Context) []func(*neo4j.TransactionConfig) {
	if deadline, ok := ctx.Deadline(); ok {
		return []func(*neo4j.TransactionConfig){neo4j.WithTxTimeout(max(time.Until(deadline), time.Millisecond))}
	}
	return nil
}
