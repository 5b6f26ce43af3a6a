// Package hsds speaks Open Referral's Human Services Data Specification (HSDS 3.0, with 3.1's
// service_capacity) for Snodo's directory: the read-only HSDS API under /hsds/, the mapping
// between Snodo's records and HSDS objects, and the Italian profile. docs/hsds.md writes the
// mapping down.
//
// Field names and the structure come from HSDS 3.0, "Human Services Data Specification: an Open
// Referral resource (https://openreferral.org/)", CC BY-SA 4.0; the schemas under schema/ are
// Open Referral's, unchanged (see schema/README.md).
package hsds

// Version is the HSDS version the API and the datasets follow.
const Version = "3.0"

// Service is an HSDS service. Optional fields are omitted when empty: the HSDS schemas type
// them as strings, numbers or arrays, never null.
type Service struct {
	ID                     string             `json:"id"`
	OrganizationID         string             `json:"organization_id,omitempty"`
	Name                   string             `json:"name"`
	Description            string             `json:"description,omitempty"`
	URL                    string             `json:"url,omitempty"`
	Email                  string             `json:"email,omitempty"`
	Status                 string             `json:"status"`
	EligibilityDescription string             `json:"eligibility_description,omitempty"`
	MinimumAge             *int               `json:"minimum_age,omitempty"`
	MaximumAge             *int               `json:"maximum_age,omitempty"`
	AssuredDate            string             `json:"assured_date,omitempty"`
	LastModified           string             `json:"last_modified,omitempty"`
	Phones                 []Phone            `json:"phones,omitempty"`
	Schedules              []Schedule         `json:"schedules,omitempty"`
	ServiceAreas           []ServiceArea      `json:"service_areas,omitempty"`
	ServiceAtLocations     []ServiceAtLoc     `json:"service_at_locations,omitempty"`
	Languages              []Language         `json:"languages,omitempty"`
	Organization           *Organization      `json:"organization,omitempty"`
	RequiredDocuments      []RequiredDocument `json:"required_documents,omitempty"`
	Attributes             []Attribute        `json:"attributes,omitempty"`
	// Capacities is HSDS 3.1's service_capacity: the free places of a shelter or a course.
	Capacities []Capacity `json:"capacities,omitempty"`

	// Snodo's extensions (the Italian profile, profile/README.md).

	// LegalStatuses are the legal statuses the service is for (Snodo's LegalStatus values);
	// none means anyone.
	LegalStatuses []string `json:"snodo_legal_statuses,omitempty"`
	// Channel is how the service is given (Snodo's ServiceChannel value).
	Channel string `json:"snodo_channel,omitempty"`
	// Confidential marks a protected shelter: its address, hours and places are never published.
	Confidential bool `json:"snodo_confidential,omitempty"`
}

// Organization is an HSDS organization: one of Snodo's actors.
type Organization struct {
	ID                      string                   `json:"id"`
	Name                    string                   `json:"name"`
	Description             string                   `json:"description"`
	Email                   string                   `json:"email,omitempty"`
	Website                 string                   `json:"website,omitempty"`
	ParentOrganizationID    string                   `json:"parent_organization_id,omitempty"`
	Phones                  []Phone                  `json:"phones,omitempty"`
	Locations               []Location               `json:"locations,omitempty"`
	OrganizationIdentifiers []OrganizationIdentifier `json:"organization_identifiers,omitempty"`
	Services                []Service                `json:"services,omitempty"`

	// Kind is the actor's kind (Snodo's ActorKind value).
	Kind string `json:"snodo_kind,omitempty"`
	// Status is the actor's record status (ACTIVE or ARCHIVED).
	Status string `json:"snodo_status,omitempty"`
	// Areas are the zones the actor operates in, as service areas without a service.
	Areas []ServiceArea `json:"snodo_areas,omitempty"`
	// LastModified is when the actor last changed (HSDS 3.0 has no such field on an
	// organization; an import compares it with Snodo's record).
	LastModified string `json:"snodo_last_modified,omitempty"`
}

// OrganizationIdentifier is a third-party identifier of an organization (org-id.guide).
type OrganizationIdentifier struct {
	ID               string `json:"id"`
	OrganizationID   string `json:"organization_id,omitempty"`
	IdentifierScheme string `json:"identifier_scheme,omitempty"`
	IdentifierType   string `json:"identifier_type"`
	Identifier       string `json:"identifier"`
}

// Phone is a telephone number of an organization or a service.
type Phone struct {
	ID             string `json:"id"`
	OrganizationID string `json:"organization_id,omitempty"`
	ServiceID      string `json:"service_id,omitempty"`
	Number         string `json:"number"`
}

// Schedule is one weekly opening slot, in Italian local time (Europe/Rome).
type Schedule struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Freq        string `json:"freq"`
	Byday       string `json:"byday"`
	OpensAt     string `json:"opens_at"`
	ClosesAt    string `json:"closes_at"`
	Description string `json:"description,omitempty"`
}

// ServiceArea is a zone a service is available in.
type ServiceArea struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Extent      string `json:"extent,omitempty"`
	ExtentType  string `json:"extent_type,omitempty"`
	URI         string `json:"uri,omitempty"`

	// ZoneID is the key of Snodo's zone.
	ZoneID string `json:"snodo_zone_id,omitempty"`
	// IstatCode is the zone's ISTAT code (region, province or municipality), when it has one.
	IstatCode string `json:"istat_code,omitempty"`
	// ZoneKind is the zone's kind (Snodo's ZoneKind: REGION, PROVINCE, HEALTH_AGENCY_AREA,
	// SOCIAL_DISTRICT, MUNICIPALITY, CUSTOM).
	ZoneKind string `json:"zone_kind,omitempty"`
}

// ServiceAtLoc is a service as given at a location.
type ServiceAtLoc struct {
	ID          string    `json:"id"`
	ServiceID   string    `json:"service_id,omitempty"`
	LocationID  string    `json:"location_id,omitempty"`
	Description string    `json:"description,omitempty"`
	Location    *Location `json:"location,omitempty"`
	Service     *Service  `json:"service,omitempty"`
}

// Location is a place: the address of a service, or an organization's.
type Location struct {
	ID             string    `json:"id"`
	LocationType   string    `json:"location_type"`
	OrganizationID string    `json:"organization_id,omitempty"`
	Name           string    `json:"name,omitempty"`
	Description    string    `json:"description,omitempty"`
	Latitude       *float64  `json:"latitude,omitempty"`
	Longitude      *float64  `json:"longitude,omitempty"`
	Addresses      []Address `json:"addresses,omitempty"`
}

// Address is a postal address, when Snodo's one-line address parses as one.
type Address struct {
	ID            string `json:"id"`
	LocationID    string `json:"location_id,omitempty"`
	Address1      string `json:"address_1"`
	City          string `json:"city"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// Language is a language a service is given in.
type Language struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id,omitempty"`
	Code      string `json:"code"`
}

// RequiredDocument is a document a person brings.
type RequiredDocument struct {
	ID        string `json:"id"`
	ServiceID string `json:"service_id,omitempty"`
	Document  string `json:"document"`
}

// Attribute links a service to a taxonomy term: a need it meets, its category.
type Attribute struct {
	ID             string        `json:"id"`
	LinkID         string        `json:"link_id,omitempty"`
	LinkType       string        `json:"link_type,omitempty"`
	LinkEntity     string        `json:"link_entity,omitempty"`
	TaxonomyTermID string        `json:"taxonomy_term_id"`
	TaxonomyTerm   *TaxonomyTerm `json:"taxonomy_term,omitempty"`
}

// Capacity is HSDS 3.1's service_capacity: places available of a maximum, as of a time.
type Capacity struct {
	ID          string `json:"id"`
	ServiceID   string `json:"service_id,omitempty"`
	Unit        Unit   `json:"unit"`
	Available   *int   `json:"available,omitempty"`
	Maximum     *int   `json:"maximum,omitempty"`
	Description string `json:"description,omitempty"`
	Updated     string `json:"updated,omitempty"`
}

// Unit is HSDS 3.1's unit of a capacity.
type Unit struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Taxonomy is one of the two taxonomies Snodo publishes: needs and the service catalogue.
type Taxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URI         string `json:"uri,omitempty"`
	Version     string `json:"version,omitempty"`
}

// TaxonomyTerm is a need or a category of the catalogue.
type TaxonomyTerm struct {
	ID             string    `json:"id"`
	Code           string    `json:"code,omitempty"`
	Name           string    `json:"name"`
	Description    string    `json:"description"`
	ParentID       string    `json:"parent_id,omitempty"`
	Taxonomy       string    `json:"taxonomy,omitempty"`
	TaxonomyDetail *Taxonomy `json:"taxonomy_detail,omitempty"`
	TaxonomyID     string    `json:"taxonomy_id,omitempty"`
	Language       string    `json:"language,omitempty"`

	// NameEn is the English label (name is the Italian one).
	NameEn string `json:"snodo_name_en,omitempty"`
}

// Page is the HSDS paging envelope around a list.
type Page[T any] struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   []T  `json:"contents"`
}

// NewPage wraps one page of a list of total items, pageNumber counted from 1, perPage a page.
func NewPage[T any](contents []T, total, pageNumber, perPage int) Page[T] {
	if contents == nil {
		contents = []T{}
	}
	pages := (total + perPage - 1) / perPage
	return Page[T]{
		TotalItems: total, TotalPages: pages, PageNumber: pageNumber, Size: len(contents),
		FirstPage: pageNumber == 1, LastPage: pageNumber >= pages, Empty: total == 0, Contents: contents,
	}
}
