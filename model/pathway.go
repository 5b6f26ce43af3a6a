package model

import "snodo/relay"

// PathwayModel is a network's ordered phases.
type PathwayModel struct {
	ID              string
	Name            string
	Description     *string
	MaxDurationDays *int
	Meta
}

// GlobalID is the model's ID in the GraphQL API.
func (m *PathwayModel) GlobalID() string { return relay.GlobalID("PathwayModel", m.ID) }

// IsNode marks PathwayModel as a Node.
func (*PathwayModel) IsNode() {}

// Stage is a phase of a pathway model.
type Stage struct {
	ID          string
	ModelID     string
	Code        string
	Name        string
	Position    int
	AllowedBack []string // codes of earlier stages
}

// GlobalID is the stage's ID in the GraphQL API.
func (s *Stage) GlobalID() string { return relay.GlobalID("Stage", s.ID) }

// IsNode marks Stage as a Node.
func (*Stage) IsNode() {}

// Route is a designed referral path between two ends.
type Route struct {
	ID            string
	FromID        string // global ID of an actor or a service
	ToID          string
	NeedIDs       []string
	StageID       *string
	Instrument    *string
	PartnershipID *string
	Meta
}

// GlobalID is the route's ID in the GraphQL API.
func (r *Route) GlobalID() string { return relay.GlobalID("Route", r.ID) }

// IsNode marks Route as a Node.
func (*Route) IsNode() {}

// RoutePath is a designed path as its ordered routes.
type RoutePath struct {
	Hops  int
	Steps []*Route
}

// RouteEnd is an actor or a service.
type RouteEnd interface{ IsRouteEnd() }

// IsRouteEnd marks Actor as a route end.
func (*Actor) IsRouteEnd() {}

// IsRouteEnd marks Service as a route end.
func (*Service) IsRouteEnd() {}
