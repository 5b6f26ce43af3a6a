package hsds

import (
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"snodo/model"
	"snodo/store"
)

// namespace makes the IDs of the HSDS objects that Snodo keeps inside a record (a service's
// schedules, languages, documents, areas, location): the same record and part always give the
// same ID, so that an export read back finds the same objects.
var namespace = uuid.MustParse("3b8f0c52-9d1e-4a7b-8c65-0e2f4d6a1b37")

// partID is the ID of the part of the record with the key.
func partID(key, part string) string { return uuid.NewSHA1(namespace, []byte(key+"/"+part)).String() }

// The two taxonomies Snodo publishes, with fixed IDs.
var (
	NeedTaxonomy = Taxonomy{
		ID: "7d7c2a35-5f0e-4e59-9a2c-3d1f6b0e8a41", Name: "Snodo – bisogni",
		Description: "The need taxonomy of Snodo: the need areas of people in social and labour inclusion pathways, broad to narrow.",
		Version:     "1",
	}
	CatalogueTaxonomy = Taxonomy{
		ID: "c1e4b6f2-0a8d-4c3e-b7f5-92d4e1a6c058", Name: "Snodo – catalogo dei servizi",
		Description: "The service catalogue of Snodo: the categories of services of social and labour inclusion networks, broad to narrow.",
		Version:     "1",
	}
)

// Term is a need or a category as an HSDS taxonomy term.
func Term(t *store.DirectoryTerm) TaxonomyTerm {
	tax := NeedTaxonomy
	if t.Category {
		tax = CatalogueTaxonomy
	}
	return TaxonomyTerm{
		ID: t.ID, Code: t.Code, Name: t.LabelIt, Description: t.LabelEn, NameEn: t.LabelEn, ParentID: t.BroaderID,
		Taxonomy: tax.Name, TaxonomyID: tax.ID, TaxonomyDetail: &tax, Language: "it",
	}
}

// Statuses maps Snodo's service statuses to HSDS's; HSDS's "defunct" comes in as ARCHIVED.
var statuses = map[model.ServiceStatus]string{
	model.ServiceStatusActive:    "active",
	model.ServiceStatusSuspended: "temporarily closed",
	model.ServiceStatusArchived:  "inactive",
}

// StatusOf is Snodo's status of an HSDS service status, and whether there is one.
func StatusOf(hsds string) (model.ServiceStatus, bool) {
	if hsds == "defunct" {
		return model.ServiceStatusArchived, true
	}
	for k, v := range statuses {
		if v == hsds {
			return k, true
		}
	}
	return "", false
}

// days are Snodo's weekdays as iCalendar's BYDAY spells them.
var days = map[model.Weekday]string{
	model.WeekdayMon: "MO", model.WeekdayTue: "TU", model.WeekdayWed: "WE", model.WeekdayThu: "TH",
	model.WeekdayFri: "FR", model.WeekdaySat: "SA", model.WeekdaySun: "SU",
}

// FiscalCodeScheme is the org-id.guide scheme of the Italian codice fiscale.
const FiscalCodeScheme = "IT-CF"

// ServiceOf is the service as an HSDS service. full adds the parts a list leaves out: the
// schedules, areas, languages, documents, attributes, capacity and the place of the service.
// The service is already as the viewer may see it (store.Visible): a confidential service has
// no address, hours or places here to publish.
func ServiceOf(d *store.DirectoryService, full bool) Service {
	s := d.Service
	out := Service{
		ID: s.ID, OrganizationID: d.ProviderID, Name: s.Name, Description: deref(s.Description),
		Status: statuses[s.Status], EligibilityDescription: deref(s.AccessConditions),
		MinimumAge: s.MinAge, MaximumAge: s.MaxAge, LastModified: stamp(s.UpdatedAt),
		Channel: string(s.Channel), Confidential: s.Confidential,
	}
	if out.Status == "" {
		out.Status = "active"
	}
	if s.LastVerifiedAt != nil {
		out.AssuredDate = s.LastVerifiedAt.Format(time.DateOnly)
	}
	for _, l := range s.LegalStatuses {
		out.LegalStatuses = append(out.LegalStatuses, string(l))
	}
	if !full {
		return out
	}
	for _, h := range s.OpeningHours {
		out.Schedules = append(out.Schedules, Schedule{
			ID: partID(s.ID, "schedule/"+h.String()), ServiceID: s.ID, Freq: "WEEKLY", Byday: days[h.Day],
			OpensAt: h.Opens, ClosesAt: h.Closes, Description: "Europe/Rome local time",
		})
	}
	zones := append([]*model.Zone(nil), d.Zones...)
	sort.Slice(zones, func(i, j int) bool { return zones[i].Name < zones[j].Name })
	for _, z := range zones {
		out.ServiceAreas = append(out.ServiceAreas, areaOf(s.ID, z))
	}
	for _, l := range s.Languages {
		out.Languages = append(out.Languages, Language{ID: partID(s.ID, "language/"+l), ServiceID: s.ID, Code: l})
	}
	for _, doc := range s.RequiredDocuments {
		out.RequiredDocuments = append(out.RequiredDocuments, RequiredDocument{ID: partID(s.ID, "document/"+doc), ServiceID: s.ID, Document: doc})
	}
	if d.Category != nil {
		out.Attributes = append(out.Attributes, attributeOf(s.ID, &store.DirectoryTerm{
			ID: d.Category.ID, Code: d.Category.Code, LabelIt: d.Category.LabelIt, LabelEn: d.Category.LabelEn, Category: true}))
	}
	needs := append([]*model.Need(nil), d.Needs...)
	sort.Slice(needs, func(i, j int) bool { return needs[i].Code < needs[j].Code })
	for _, n := range needs {
		out.Attributes = append(out.Attributes, attributeOf(s.ID, &store.DirectoryTerm{ID: n.ID, Code: n.Code, LabelIt: n.LabelIt, LabelEn: n.LabelEn}))
	}
	if s.Capacity != nil || s.FreePlaces != nil {
		c := Capacity{ID: partID(s.ID, "capacity"), ServiceID: s.ID, Unit: PlaceUnit, Available: s.FreePlaces, Maximum: s.Capacity,
			Description: "Free places as the service last reported them"}
		if s.PlacesUpdatedAt != nil {
			c.Updated = stamp(*s.PlacesUpdatedAt)
		}
		out.Capacities = []Capacity{c}
	}
	if sal, ok := AtLocation(d); ok {
		sal.Service = nil
		out.ServiceAtLocations = []ServiceAtLoc{sal}
	}
	return out
}

// PlaceUnit is the unit of Snodo's capacities: a place (a bed, a seat on a course).
var PlaceUnit = Unit{ID: "5a0e6f3c-2b9d-4f18-a7c4-81d3e0b26f95", Name: "posto"}

func areaOf(serviceID string, z *model.Zone) ServiceArea {
	a := ServiceArea{ID: partID(serviceID, "area/"+z.ID), ServiceID: serviceID, Name: z.Name, ZoneID: z.ID, ZoneKind: string(z.Kind)}
	if z.IstatCode != nil {
		a.IstatCode = *z.IstatCode
	}
	return a
}

func attributeOf(serviceID string, t *store.DirectoryTerm) Attribute {
	term := Term(t)
	return Attribute{
		ID: partID(serviceID, "attribute/"+t.ID), LinkID: serviceID, LinkType: "service", LinkEntity: "service",
		TaxonomyTermID: t.ID, TaxonomyTerm: &term,
	}
}

// AtLocation is the service at its place (address, coordinates or both), when it has one the
// viewer may see. A service has
// one place at most, so the service at its location has the service's ID.
func AtLocation(d *store.DirectoryService) (ServiceAtLoc, bool) {
	s := d.Service
	loc, ok := locationOf(partID(s.ID, "location"), s.Name, s.Address, s.Location)
	if !ok {
		return ServiceAtLoc{}, false
	}
	svc := ServiceOf(d, false)
	return ServiceAtLoc{ID: s.ID, ServiceID: s.ID, LocationID: loc.ID, Location: &loc, Service: &svc}, true
}

// italianAddress is a one-line Italian address: "Via Roma 1, 58022 Follonica (GR)".
var italianAddress = regexp.MustCompile(`^(.+?),\s*(\d{5})\s+([^()]+?)\s*(?:\(([A-Za-z]{2})\))?$`)

// locationOf is a place at a one-line address, at a point, or both; false when there is
// neither. The address becomes an HSDS address when it parses as an Italian one, and is in the
// description in any case.
func locationOf(id, name string, address *string, at *model.GeoPoint) (Location, bool) {
	if (address == nil || *address == "") && at == nil {
		return Location{}, false
	}
	loc := Location{ID: id, LocationType: "physical", Name: name, Description: deref(address)}
	if at != nil {
		loc.Latitude, loc.Longitude = &at.Latitude, &at.Longitude
	}
	if m := italianAddress.FindStringSubmatch(loc.Description); m != nil {
		loc.Addresses = []Address{{
			ID: partID(id, "address"), LocationID: id, Address1: m[1], PostalCode: m[2], City: m[3],
			StateProvince: strings.ToUpper(m[4]), Country: "IT", AddressType: "physical",
		}}
	}
	return loc, true
}

// OrganizationOf is the actor as an HSDS organization.
func OrganizationOf(d *store.DirectoryActor) Organization {
	a := d.Actor
	o := Organization{
		ID: a.ID, Name: a.Name, Description: deref(a.Description), Email: deref(a.Contacts.Email),
		Website: deref(a.Contacts.Website), ParentOrganizationID: d.ParentID, Kind: string(a.Kind), Status: string(a.Status),
		LastModified: stamp(a.UpdatedAt),
	}
	if a.Contacts.Phone != nil {
		o.Phones = []Phone{{ID: partID(a.ID, "phone"), OrganizationID: a.ID, Number: *a.Contacts.Phone}}
	}
	if loc, ok := locationOf(partID(a.ID, "location"), a.Name, a.Contacts.Address, a.Location); ok {
		loc.OrganizationID = a.ID
		o.Locations = []Location{loc}
	}
	if a.TaxCode != nil {
		o.OrganizationIdentifiers = []OrganizationIdentifier{{
			ID: partID(a.ID, "identifier/"+FiscalCodeScheme), OrganizationID: a.ID,
			IdentifierScheme: FiscalCodeScheme, IdentifierType: "Codice fiscale", Identifier: *a.TaxCode,
		}}
	}
	zones := append([]*model.Zone(nil), d.Zones...)
	sort.Slice(zones, func(i, j int) bool { return zones[i].Name < zones[j].Name })
	for _, z := range zones {
		area := areaOf(a.ID, z)
		area.ServiceID = ""
		o.Areas = append(o.Areas, area)
	}
	return o
}

// stamp writes a time as HSDS's date-time, in UTC with milliseconds.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
