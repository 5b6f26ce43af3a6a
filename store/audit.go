package store

import (
	"context"
	"reflect"

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
