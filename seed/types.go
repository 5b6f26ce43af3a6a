// Package seed holds the demo network of Snodo, drawn from the source documents, and loads it.
//
// The network is plain data: records that name each other by stable keys. Load turns each key
// into a deterministic ID, so loading twice finds the same nodes and writes no duplicates.
package seed

// Network is the whole demo network.
type Network struct {
	Zones        []Zone
	Needs        []Need
	Categories   []Category
	Actors       []Actor
	Services     []Service
	Partnerships []Partnership
}

// Zone is a territory; Parents are the keys of the zones it lies in directly.
type Zone struct {
	Key       string
	Name      string
	Kind      string // a ZoneKind value of the schema
	IstatCode string
	Parents   []string
}

// Need is a need area; its Code is its key, dotted from broad to narrow.
type Need struct {
	Code    string
	LabelIt string
	LabelEn string
	Broader string // code of the broader need, "" for a top-level area
}

// Category is a category of the service catalogue; its Code is its key.
type Category struct {
	Code    string
	LabelIt string
	LabelEn string
	Broader string
}

// Actor is an organisation; Zones and Parent are keys.
type Actor struct {
	Key         string
	Name        string
	Kind        string // an ActorKind value of the schema
	Description string
	TaxCode     string
	Phone       string
	Email       string
	Website     string
	Address     string
	Zones       []string
	Parent      string
}

// Service is what an actor offers; Provider, Category, Needs and Zones are keys.
type Service struct {
	Key               string
	Provider          string
	Name              string
	Description       string
	Category          string
	Channel           string // a ServiceChannel value of the schema
	Status            string // a ServiceStatus value; "" means ACTIVE
	AccessConditions  string
	RequiredDocuments []string
	Languages         []string // ISO 639-1 codes
	MinAge            int      // 0 means no limit
	MaxAge            int      // 0 means no limit
	LegalStatuses     []string // LegalStatus values; empty means anyone
	Capacity          int      // 0 means the service has no places
	FreePlaces        int
	OpeningHours      []string // "MON 09:00-13:00"
	Needs             []string
	Zones             []string
	LastVerified      string // YYYY-MM-DD
}

// Partnership is an agreement or joint body; Zones, Parent and member actors are keys.
type Partnership struct {
	Key         string
	Title       string
	Kind        string // a PartnershipKind value of the schema
	Status      string // a PartnershipStatus value; "" means ACTIVE
	Description string
	StartDate   string // YYYY-MM-DD or ""
	EndDate     string
	Zones       []string
	Parent      string
	Members     []Member
}

// Member is an actor's membership of a partnership, by actor key.
type Member struct {
	Actor string
	Role  string // a MemberRole value of the schema
	Since string
}
