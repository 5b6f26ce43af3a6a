package model

import (
	"time"

	"snodo/relay"
)

// Zone is a territory. Zones form a directed acyclic graph through PART_OF.
type Zone struct {
	ID        string
	Name      string
	Kind      ZoneKind
	IstatCode *string
	Status    RecordStatus
	Meta
}

// GlobalID is the zone's ID in the GraphQL API.
func (z *Zone) GlobalID() string { return relay.GlobalID("Zone", z.ID) }

// IsNode marks Zone as a Node.
func (*Zone) IsNode() {}

// Actor is an organisation of a network.
type Actor struct {
	ID          string
	Name        string
	Kind        ActorKind
	Description *string
	TaxCode     *string
	Contacts    Contacts
	Location    *GeoPoint
	Status      RecordStatus
	Meta
}

// GlobalID is the actor's ID in the GraphQL API.
func (a *Actor) GlobalID() string { return relay.GlobalID("Actor", a.ID) }

// IsNode marks Actor as a Node.
func (*Actor) IsNode() {}

// GeoPoint is a place on the WGS 84 ellipsoid, in decimal degrees, as HSDS locations and web
// maps give it.
type GeoPoint struct {
	Latitude  float64
	Longitude float64
}

// Contacts are an organisation's, never a person's.
type Contacts struct {
	Phone   *string
	Email   *string
	Website *string
	Address *string
}

// Service is what an actor offers to people.
type Service struct {
	ID               string
	Name             string
	Description      *string
	Channel          ServiceChannel
	Status           ServiceStatus
	AccessConditions *string
	// Confidential services (protected shelters) hide Address, OpeningHours and places from
	// public readers; Public returns what those readers see.
	Confidential      bool
	Address           *string
	Location          *GeoPoint
	RequiredDocuments []string
	Languages         []string
	MinAge            *int
	MaxAge            *int
	LegalStatuses     []LegalStatus
	Capacity          *int
	FreePlaces        *int
	PlacesUpdatedAt   *time.Time
	OpeningHours      []OpeningHours
	LastVerifiedAt    *Date
	Meta
}

// Public returns the service as a public reader sees it: a confidential service without its
// address, opening hours, capacity and free places; any other service as it is.
func (s *Service) Public() *Service {
	if !s.Confidential {
		return s
	}
	p := *s
	p.Address, p.Location, p.OpeningHours, p.Capacity, p.FreePlaces, p.PlacesUpdatedAt = nil, nil, nil, nil, nil, nil
	return &p
}

// GlobalID is the service's ID in the GraphQL API.
func (s *Service) GlobalID() string { return relay.GlobalID("Service", s.ID) }

// IsNode marks Service as a Node.
func (*Service) IsNode() {}

// OpeningHours is one weekly opening slot, in Italian local time.
type OpeningHours struct {
	Day    Weekday
	Opens  string
	Closes string
}

// Need is a need area of a person, in a taxonomy from broad to narrow.
type Need struct {
	ID      string
	Code    string
	LabelIt string
	LabelEn string
}

// GlobalID is the need's ID in the GraphQL API.
func (n *Need) GlobalID() string { return relay.GlobalID("Need", n.ID) }

// IsNode marks Need as a Node.
func (*Need) IsNode() {}

// ServiceCategory is a category of the service catalogue.
type ServiceCategory struct {
	ID      string
	Code    string
	LabelIt string
	LabelEn string
}

// GlobalID is the category's ID in the GraphQL API.
func (c *ServiceCategory) GlobalID() string { return relay.GlobalID("ServiceCategory", c.ID) }

// IsNode marks ServiceCategory as a Node.
func (*ServiceCategory) IsNode() {}

// Partnership is an agreement or a joint body between actors.
type Partnership struct {
	ID          string
	Title       string
	Kind        PartnershipKind
	Description *string
	Status      PartnershipStatus
	StartDate   *Date
	EndDate     *Date
	Meta
}

// GlobalID is the partnership's ID in the GraphQL API.
func (p *Partnership) GlobalID() string { return relay.GlobalID("Partnership", p.ID) }

// IsNode marks Partnership as a Node.
func (*Partnership) IsNode() {}

// Membership is an actor's membership of a partnership, with its role.
type Membership struct {
	ActorID       string
	PartnershipID string
	Role          MemberRole
	Since         *Date
}
