package model

import (
	"time"

	"snodo/relay"
)

// WebhookEndpoint is an HTTPS endpoint told of an actor's events.
type WebhookEndpoint struct {
	ID           string
	ActorID      string
	URL          string
	Events       []TraceEventKind
	CreatedAt    time.Time
	RegisteredBy string
}

// GlobalID is the endpoint's ID in the GraphQL API.
func (w *WebhookEndpoint) GlobalID() string { return relay.GlobalID("WebhookEndpoint", w.ID) }

// WebhookDelivery is one event sent to one endpoint.
type WebhookDelivery struct {
	ID             string
	EndpointID     string
	EventID        string
	Kind           TraceEventKind
	Status         WebhookDeliveryStatus
	Attempts       int
	CreatedAt      time.Time
	LastAttemptAt  *time.Time
	NextAttemptAt  *time.Time
	LastStatusCode *int
	LastError      *string
	DeliveredAt    *time.Time
}

// GlobalID is the delivery's ID in the GraphQL API.
func (d *WebhookDelivery) GlobalID() string { return relay.GlobalID("WebhookDelivery", d.ID) }

// Connections of endpoints and deliveries.
type (
	WebhookEndpointConnection = Connection[*WebhookEndpoint]
	WebhookEndpointEdge       = Edge[*WebhookEndpoint]
	WebhookDeliveryConnection = Connection[*WebhookDelivery]
	WebhookDeliveryEdge       = Edge[*WebhookDelivery]
)
