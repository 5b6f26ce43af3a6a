package model

import (
	"time"

	"snodo/relay"
)

// Viewer is who is asking, as the API shows it.
type Viewer struct {
	Subject *string
	Role    Role
	ActorID string
	ZoneIDs []string
}

// AuditEntry is one read or change in the audit log.
type AuditEntry struct {
	ID        string
	At        time.Time
	Subject   string
	Role      Role
	ActorID   *string
	Action    AuditAction
	Operation string
	TargetID  *string
}

// GlobalID is the entry's ID in the GraphQL API.
func (a *AuditEntry) GlobalID() string { return relay.GlobalID("AuditEntry", a.ID) }

// IsNode marks AuditEntry as a Node.
func (*AuditEntry) IsNode() {}

// AuditEntryConnection is a page of audit entries.
type (
	AuditEntryConnection = Connection[*AuditEntry]
	AuditEntryEdge       = Edge[*AuditEntry]
)

// The error codes of access control.
const (
	CodeUnauthenticated Code = "UNAUTHENTICATED"
	CodeForbidden       Code = "FORBIDDEN"
)
