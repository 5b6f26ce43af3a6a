package hsds

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"strings"
	"time"

	"snodo/model"
	"snodo/store"
)

// The HSDS records as an import reads them: the fields Snodo keeps, with the profile's.
type (
	inService struct {
		Service
		MinimumAge   *float64        `json:"minimum_age"`
		MaximumAge   *float64        `json:"maximum_age"`
		Organization *inOrganization `json:"organization"`
		Schedules    []inSchedule    `json:"schedules"`
		Capacities   []inCapacity    `json:"capacities"`
	}
	inSchedule struct {
		Schedule
		Freq *string `json:"freq"`
	}
	inCapacity struct {
		Available *float64 `json:"available"`
		Maximum   *float64 `json:"maximum"`
		Updated   string   `json:"updated"`
	}
	inOrganization struct {
		Organization
		Services []json.RawMessage `json:"services"`
	}
	inServiceAtLocation struct {
		ID        string          `json:"id"`
		ServiceID string          `json:"service_id"`
		Location  *Location       `json:"location"`
		Service   json.RawMessage `json:"service"`
	}
)

// rec builds a record and checks it: the problems of the Check become the record's.
type rec struct {
	im   *importer
	file string
	id   string
	c    model.Check
	bad  bool
}

func (r *rec) problem(field, msg string) {
	r.bad = true
	r.im.problem(r.file, r.id, field, msg)
}

func (r *rec) note(field, msg string) { r.im.note(r.file, r.id, field, msg) }

// done reports the Check's problems, each at its HSDS field.
func (r *rec) done() {
	for _, e := range r.c.InputErrors {
		r.problem("/"+strings.Join(e.Field, "/"), e.Message)
	}
}

func (im *importer) zoneRecord(r raw, id string) []checked {
	var z Zone
	x := &rec{im: im, file: r.file, id: id}
	if err := json.Unmarshal(r.json, &z); err != nil {
		x.problem("", "is not a zone: "+err.Error())
		return im.refused(r, id)
	}
	if !isUUID(z.ID) {
		x.problem("/id", "is not a UUID")
		return im.refused(r, id)
	}
	x.c.Name(z.Name, "name")
	if !model.ZoneKind(z.Kind).IsValid() {
		x.problem("/kind", fmt.Sprintf("%s is not a zone kind", model.Quote(z.Kind)))
	}
	status := orDefault(z.Status, string(model.RecordStatusActive))
	if !model.RecordStatus(status).IsValid() {
		x.problem("/status", fmt.Sprintf("%s is not a record status", model.Quote(status)))
	}
	if z.IstatCode != "" && !istatCode.MatchString(z.IstatCode) {
		x.problem("/istat_code", "an ISTAT code has 2, 3 or 6 digits")
	}
	x.done()
	return []checked{{bad: x.bad, DirectoryRecord: store.DirectoryRecord{
		Label: "Zone", ID: strings.ToLower(z.ID), Ref: r.file, ModifiedAt: parseStamp(z.LastModified),
		Props: map[string]any{"name": z.Name, "kind": z.Kind, "istatCode": nilIfEmpty(z.IstatCode), "status": status},
		Links: map[string][]string{"parents": lower(z.ParentIDs)},
	}}}
}

// termRecord maps a term of one of Snodo's taxonomies to a need or a category.
func (im *importer) termRecord(r raw, id string) []checked {
	var t TaxonomyTerm
	x := &rec{im: im, file: r.file, id: id}
	if err := json.Unmarshal(r.json, &t); err != nil {
		x.problem("", "is not a taxonomy term: "+err.Error())
		return nil
	}
	label := map[string]string{NeedTaxonomy.ID: "Need", CatalogueTaxonomy.ID: "ServiceCategory"}[strings.ToLower(t.TaxonomyID)]
	if label == "" {
		x.note("/taxonomy_id", "the term is not of Snodo's taxonomies (needs, the service catalogue): not imported")
		return nil
	}
	x.c.Name(t.Name, "name")
	labelEn := orDefault(t.NameEn, t.Description)
	x.c.Name(labelEn, "snodo_name_en")
	if t.Code == "" || len(t.Code) > model.MaxCodeLength {
		x.problem("/code", fmt.Sprintf("a term of Snodo's taxonomies has a code of 1 to %d characters", model.MaxCodeLength))
	}
	x.done()
	var broader []string
	if t.ParentID != "" {
		broader = []string{strings.ToLower(t.ParentID)}
	}
	return []checked{{bad: x.bad, DirectoryRecord: store.DirectoryRecord{
		Label: label, ID: strings.ToLower(t.ID), Ref: r.file,
		Props: map[string]any{"code": t.Code, "labelIt": t.Name, "labelEn": labelEn},
		Links: map[string][]string{"broader": broader},
	}}}
}

func (im *importer) organizationRecords(ctx context.Context, r raw, id string) []checked {
	var o inOrganization
	x := &rec{im: im, file: r.file, id: id}
	if err := json.Unmarshal(r.json, &o); err != nil {
		x.problem("", "is not an organization: "+err.Error())
		return im.refused(r, id)
	}
	out := im.organization(ctx, x, &o.Organization, r.json)
	for i, s := range o.Services {
		// An organization's services belong to it, whatever they say.
		out = append(out, im.serviceRecords(ctx, raw{entity: "service", file: fmt.Sprintf("%s (services/%d)", r.file, i), json: s}, recordID(s), &o.ID)...)
	}
	return out
}

// organization maps an HSDS organization to an actor.
func (im *importer) organization(ctx context.Context, x *rec, o *Organization, b []byte) []checked {
	kind := orDefault(o.Kind, string(model.ActorKindOther))
	if !model.ActorKind(kind).IsValid() {
		x.problem("/snodo_kind", fmt.Sprintf("%s is not an actor kind", model.Quote(kind)))
	}
	status := orDefault(o.Status, string(model.RecordStatusActive))
	if !model.RecordStatus(status).IsValid() {
		x.problem("/snodo_status", fmt.Sprintf("%s is not a record status", model.Quote(status)))
	}
	x.c.Name(o.Name, "name")
	x.c.Text(&o.Description, model.MaxTextLength, "description")
	var taxCode *string
	for i, id := range o.OrganizationIdentifiers {
		if id.IdentifierScheme == FiscalCodeScheme || strings.EqualFold(id.IdentifierType, "codice fiscale") {
			taxCode = &o.OrganizationIdentifiers[i].Identifier
			x.c.TaxCode(taxCode, "organization_identifiers", fmt.Sprint(i), "identifier")
		} else {
			x.note(fmt.Sprintf("/organization_identifiers/%d", i), fmt.Sprintf("Snodo keeps the codice fiscale only, not %s %s", orDefault(id.IdentifierScheme, id.IdentifierType), id.Identifier))
		}
	}
	contacts := model.ContactsInput{Email: nilIfEmptyPtr(o.Email), Website: nilIfEmptyPtr(o.Website)}
	if len(o.Phones) > 0 {
		n := strings.Trim(o.Phones[0].Number, `"' `)
		contacts.Phone = &n
		if len(o.Phones) > 1 {
			x.note("/phones", "Snodo keeps an organization's first phone only")
		}
	}
	var point *model.GeoPointInput
	if len(o.Locations) > 0 {
		a := addressOf(&o.Locations[0])
		contacts.Address = nilIfEmptyPtr(a)
		point = x.pointOf(&o.Locations[0], "/locations/0")
		if len(o.Locations) > 1 {
			x.note("/locations", "Snodo keeps an organization's first location only, as its address")
		}
	}
	x.c.Contacts(&contacts, "contacts")
	zones := im.zones(ctx, x, o.Areas, "/snodo_areas")
	x.done()
	var parent []string
	if o.ParentOrganizationID != "" {
		parent = []string{strings.ToLower(o.ParentOrganizationID)}
	}
	return []checked{{bad: x.bad, DirectoryRecord: store.DirectoryRecord{
		Label: "Actor", ID: strings.ToLower(o.ID), Ref: x.file, ModifiedAt: parseStamp(o.LastModified),
		Props: withLocation(point, map[string]any{
			"name": o.Name, "kind": kind, "status": status, "description": nilIfEmpty(o.Description), "taxCode": nilIfEmptyP(taxCode),
			"phone": nilIfEmptyP(contacts.Phone), "email": nilIfEmptyP(contacts.Email), "website": nilIfEmptyP(contacts.Website),
			"address": nilIfEmptyP(contacts.Address),
		}),
		Links: map[string][]string{"zones": zones, "parent": parent},
	}}}
}

// zones resolves service areas to zones of Snodo: by snodo_zone_id, then by istat_code; the
// default zone when none resolves.
func (im *importer) zones(ctx context.Context, x *rec, areas []ServiceArea, field string) []string {
	var out, codes []string
	for _, a := range areas {
		switch {
		case a.ZoneID != "":
			out = append(out, strings.ToLower(a.ZoneID))
		case a.IstatCode != "":
			codes = append(codes, a.IstatCode)
		}
	}
	if len(codes) > 0 {
		keys, err := im.st.ZoneKeysByIstat(ctx, codes)
		if err != nil {
			x.problem(field, err.Error())
		}
		for _, m := range im.mapped { // the dataset's own zones
			if code, _ := m.Props["istatCode"].(string); m.Label == "Zone" && code != "" {
				keys[code] = m.ID
			}
		}
		for _, c := range codes {
			if keys[c] == "" {
				x.problem(field, fmt.Sprintf("no zone of Snodo has the ISTAT code %s", c))
			}
			out = append(out, keys[c])
		}
	}
	if unresolved := len(areas) - len(out); unresolved > 0 && len(out) > 0 {
		x.note(field, fmt.Sprintf("%d areas name no zone of Snodo (no snodo_zone_id or istat_code) and are left out", unresolved))
	}
	if len(out) == 0 {
		if im.zone == "" {
			x.problem(field, "no area names a zone of Snodo (by snodo_zone_id or istat_code); give a default zone (--zone)")
			return nil
		}
		if len(areas) > 0 {
			x.note(field, "no area names a zone of Snodo: the record is placed in the default zone")
		}
		out = []string{im.zone}
	}
	return out
}

func (im *importer) serviceAtLocationRecords(ctx context.Context, r raw, id string) []checked {
	var sal inServiceAtLocation
	x := &rec{im: im, file: r.file, id: id}
	if err := json.Unmarshal(r.json, &sal); err != nil {
		x.problem("", "is not a service_at_location: "+err.Error())
		return im.refused(r, id)
	}
	if len(sal.Service) == 0 || string(sal.Service) == "null" {
		x.note("/service", "a service_at_location without its service: nothing to import")
		return nil
	}
	var svc map[string]any
	if err := json.Unmarshal(sal.Service, &svc); err != nil {
		x.problem("/service", "is not a service")
		return nil
	}
	// The service, at the location given here.
	if sal.Location != nil {
		svc["service_at_locations"] = []any{map[string]any{"id": sal.ID, "location": sal.Location}}
	}
	b, _ := json.Marshal(svc)
	return im.serviceRecords(ctx, raw{entity: "service", file: r.file + " (service)", json: b}, recordID(b), nil)
}

// serviceRecords maps an HSDS service to a service, and its nested organization to an actor.
// provider, when given, is the organization the service is nested in.
func (im *importer) serviceRecords(ctx context.Context, r raw, id string, provider *string) []checked {
	var s inService
	x := &rec{im: im, file: r.file, id: id}
	if err := json.Unmarshal(r.json, &s); err != nil {
		x.problem("", "is not a service: "+err.Error())
		return im.refused(r, id)
	}
	var out []checked
	org := s.OrganizationID
	if provider != nil {
		org = *provider
	}
	if s.Organization != nil {
		if org == "" {
			org = s.Organization.ID
		}
		b, _ := json.Marshal(s.Organization)
		ox := &rec{im: im, file: r.file + " (organization)", id: s.Organization.ID}
		out = append(out, im.organization(ctx, ox, &s.Organization.Organization, b)...)
	}
	if org == "" {
		x.problem("/organization_id", "a service needs its provider: give organization_id or organization")
	}
	status, ok := StatusOf(s.Status)
	if !ok {
		x.problem("/status", fmt.Sprintf("%s is not an HSDS service status", model.Quote(s.Status)))
	}
	channel := model.ServiceChannel(orDefault(s.Channel, string(im.opt.Channel)))
	if !channel.IsValid() {
		x.problem("/snodo_channel", fmt.Sprintf("%s is not a channel", model.Quote(string(channel))))
	}
	var legal []string
	for i, l := range s.LegalStatuses {
		if !model.LegalStatus(l).IsValid() {
			x.problem(fmt.Sprintf("/snodo_legal_statuses/%d", i), fmt.Sprintf("%s is not a legal status", model.Quote(l)))
		}
		legal = append(legal, l)
	}
	x.c.Name(s.Name, "name")
	x.c.Text(&s.Description, model.MaxTextLength, "description")
	x.c.Text(&s.EligibilityDescription, model.MaxTextLength, "eligibility_description")
	minAge, maxAge := x.age(s.MinimumAge, "/minimum_age"), x.age(s.MaximumAge, "/maximum_age")
	x.c.Ages(minAge, maxAge)
	var assured any
	if s.AssuredDate != "" {
		d, err := time.ParseInLocation(time.DateOnly, s.AssuredDate, model.Rome())
		if err != nil {
			x.problem("/assured_date", "is not a date (YYYY-MM-DD)")
		} else {
			assured = model.Date{Time: d}
		}
	}
	docs := make([]string, 0, len(s.RequiredDocuments))
	for i, d := range s.RequiredDocuments {
		if d.Document == "" {
			continue
		}
		doc := d.Document
		if r := []rune(doc); len(r) > model.MaxItemLength {
			doc = strings.TrimSpace(string(r[:model.MaxItemLength-1])) + "…"
			x.note(fmt.Sprintf("/required_documents/%d/document", i), fmt.Sprintf("Snodo keeps %d characters of a document's description: cut", model.MaxItemLength))
		}
		docs = append(docs, doc)
	}
	x.c.Texts(docs, "required_documents")
	langs := make([]string, 0, len(s.Languages))
	for i, l := range s.Languages {
		if l.Code == "" {
			x.note(fmt.Sprintf("/languages/%d", i), "a language without a code (ISO 639-1): left out")
			continue
		}
		langs = append(langs, strings.ToLower(l.Code))
	}
	x.c.Languages(langs, "languages")
	hours := x.schedules(s.Schedules)
	var capacity, free any
	var placesAt any
	if len(s.Capacities) > 0 {
		c := s.Capacities[0]
		capP, freeP := x.count(c.Maximum, "/capacities/0/maximum"), x.count(c.Available, "/capacities/0/available")
		x.c.Places(capP, freeP, "capacities", "0")
		capacity, free = intOrNil(capP), intOrNil(freeP)
		if t := parseStamp(c.Updated); t != nil && freeP != nil {
			placesAt = *t
		}
		if len(s.Capacities) > 1 {
			x.note("/capacities", "Snodo keeps one capacity of a service (places), the first")
		}
	}
	var address *string
	var point *model.GeoPointInput
	if len(s.ServiceAtLocations) > 0 && s.ServiceAtLocations[0].Location != nil {
		address = nilIfEmptyPtr(addressOf(s.ServiceAtLocations[0].Location))
		x.c.Line(address, 300, "service_at_locations", "0", "location")
		point = x.pointOf(s.ServiceAtLocations[0].Location, "/service_at_locations/0/location")
		if len(s.ServiceAtLocations) > 1 {
			x.note("/service_at_locations", "Snodo keeps one place of a service, the first")
		}
	}
	needs, category := im.terms(ctx, x, s.Attributes)
	zones := im.zones(ctx, x, s.ServiceAreas, "/service_areas")
	for _, f := range []struct {
		field string
		set   bool
	}{{"url", s.URL != ""}, {"email", s.Email != ""}, {"phones", len(s.Phones) > 0}} {
		if f.set {
			x.note("/"+f.field, "Snodo keeps a service's contacts on its provider, not on the service")
		}
	}
	x.done()
	var providerLinks []string
	if org != "" {
		providerLinks = []string{strings.ToLower(org)}
	}
	return append(out, checked{bad: x.bad, DirectoryRecord: store.DirectoryRecord{
		Label: "Service", ID: strings.ToLower(s.ID), Ref: r.file, ModifiedAt: parseStamp(s.LastModified),
		Props: withLocation(point, map[string]any{
			"name": s.Name, "description": nilIfEmpty(s.Description), "status": string(status), "channel": string(channel),
			"accessConditions": nilIfEmpty(s.EligibilityDescription), "confidential": s.Confidential, "address": nilIfEmptyP(address),
			"requiredDocuments": docs, "languages": langs, "legalStatuses": orEmptyStrings(legal), "minAge": intOrNil(minAge), "maxAge": intOrNil(maxAge),
			"capacity": capacity, "freePlaces": free, "placesUpdatedAt": placesAt, "openingHours": hours, "lastVerifiedAt": assured,
		}),
		Links: map[string][]string{"provider": providerLinks, "category": category, "needs": needs, "zones": zones},
	}})
}

// terms resolves a service's attributes to needs and a category of Snodo, by term ID or code.
func (im *importer) terms(ctx context.Context, x *rec, attrs []Attribute) (needs, category []string) {
	var keys []string
	for _, a := range attrs {
		keys = append(keys, strings.ToLower(a.TaxonomyTermID))
		if a.TaxonomyTerm != nil {
			keys = append(keys, strings.ToLower(a.TaxonomyTerm.ID))
			if a.TaxonomyTerm.Code != "" {
				keys = append(keys, a.TaxonomyTerm.Code)
			}
		}
	}
	needKeys, err1 := im.st.TermKeys(ctx, "Need", keys)
	catKeys, err2 := im.st.TermKeys(ctx, "ServiceCategory", keys)
	if err1 != nil || err2 != nil {
		x.problem("/attributes", "the taxonomy terms could not be read")
		return nil, nil
	}
	// The dataset's own terms, by ID and code.
	for _, m := range im.mapped {
		byLabel := map[string]map[string]string{"Need": needKeys, "ServiceCategory": catKeys}[m.Label]
		if byLabel == nil {
			continue
		}
		byLabel[m.ID] = m.ID
		if code, _ := m.Props["code"].(string); code != "" {
			byLabel[code] = m.ID
		}
	}
	seen := map[string]bool{}
	for i, a := range attrs {
		var found bool
		for _, k := range []string{strings.ToLower(a.TaxonomyTermID), termID(a), termCode(a)} {
			if k == "" || found {
				continue
			}
			if n := needKeys[k]; n != "" {
				found = true
				if !seen[n] {
					needs, seen[n] = append(needs, n), true
				}
			} else if c := catKeys[k]; c != "" {
				found = true
				if len(category) == 0 {
					category = []string{c}
				} else if category[0] != c {
					x.note(fmt.Sprintf("/attributes/%d", i), "Snodo keeps one category of a service, the first")
				}
			}
		}
		if !found {
			x.note(fmt.Sprintf("/attributes/%d", i), "the term is neither a need nor a category of Snodo: left out")
		}
	}
	if len(category) == 0 {
		if im.category == "" {
			x.problem("/attributes", "no attribute names a category of Snodo's catalogue; give a default category (--category)")
		} else {
			category = []string{im.category}
		}
	}
	return needs, category
}

func termID(a Attribute) string {
	if a.TaxonomyTerm == nil {
		return ""
	}
	return strings.ToLower(a.TaxonomyTerm.ID)
}

func termCode(a Attribute) string {
	if a.TaxonomyTerm == nil {
		return ""
	}
	return a.TaxonomyTerm.Code
}

// icalDays are iCalendar's BYDAY days as Snodo's weekdays.
var icalDays = map[string]model.Weekday{}

func init() {
	for k, v := range days {
		icalDays[v] = k
	}
}

// schedules maps weekly schedules to opening hours; what is not a plain weekly slot is noted.
func (x *rec) schedules(in []inSchedule) []string {
	out := []string{}
	var slots []model.OpeningHoursInput
	for i, s := range in {
		field := fmt.Sprintf("/schedules/%d", i)
		if s.Freq == nil || *s.Freq != "WEEKLY" || s.Byday == "" || s.OpensAt == "" || s.ClosesAt == "" {
			x.note(field, "only weekly slots (freq WEEKLY, byday, opens_at, closes_at) become opening hours: left out")
			continue
		}
		opens, closes := hhmm(s.OpensAt), hhmm(s.ClosesAt)
		for _, d := range strings.Split(s.Byday, ",") {
			day, ok := icalDays[strings.TrimSpace(d)]
			if !ok {
				x.problem(field+"/byday", fmt.Sprintf("%s is not a day (MO to SU)", model.Quote(d)))
				continue
			}
			slots = append(slots, model.OpeningHoursInput{Day: day, Opens: opens, Closes: closes})
			out = append(out, model.OpeningHours{Day: day, Opens: opens, Closes: closes}.String())
		}
		if s.Schedule.Description != "" && s.Schedule.Description != "Europe/Rome local time" {
			x.note(field+"/description", "Snodo keeps the days and hours of a schedule, not its description")
		}
	}
	x.c.OpeningHours(slots, "schedules")
	return out
}

// hhmm cuts a time's seconds: "10:00:00" is "10:00".
func hhmm(t string) string {
	if len(t) == 8 && strings.HasSuffix(t, ":00") {
		return t[:5]
	}
	return t
}

func (x *rec) age(v *float64, field string) *int {
	return x.count(v, field)
}

// count reads a whole non-negative number.
func (x *rec) count(v *float64, field string) *int {
	if v == nil {
		return nil
	}
	if *v != math.Trunc(*v) || *v < 0 || *v > 1e6 {
		x.problem(field, "is a whole number from 0")
		return nil
	}
	n := int(*v)
	return &n
}

// addressOf writes a location as Snodo's one-line address.
// withLocation adds a place's properties, stored as the store stores them, to a record's.
func withLocation(p *model.GeoPointInput, props map[string]any) map[string]any {
	maps.Copy(props, store.LocationProps(p))
	return props
}

// pointOf is a location's coordinates, when it has both and both are on the Earth. Coordinates
// out of range are left out with a note rather than refusing the record: HSDS's own examples
// give a latitude of 100.
func (x *rec) pointOf(l *Location, field string) *model.GeoPointInput {
	if l.Latitude == nil && l.Longitude == nil {
		return nil
	}
	if l.Latitude == nil || l.Longitude == nil {
		x.note(field, "Snodo keeps a place's latitude and longitude together: one without the other is left out")
		return nil
	}
	p := &model.GeoPointInput{Latitude: *l.Latitude, Longitude: *l.Longitude}
	if lat, lon := p.ValidParts(); !lat || !lon {
		x.note(field, fmt.Sprintf("latitude %v, longitude %v is not a place on the Earth: the coordinates are left out", p.Latitude, p.Longitude))
		return nil
	}
	return p
}

func addressOf(l *Location) string {
	if len(l.Addresses) == 0 {
		return l.Description
	}
	a := l.Addresses[0]
	s := a.Address1
	if a.PostalCode != "" || a.City != "" {
		s += ", " + strings.TrimSpace(a.PostalCode+" "+a.City)
	}
	if a.StateProvince != "" {
		s += " (" + a.StateProvince + ")"
	}
	return s
}

func parseStamp(s string) *time.Time {
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &t
}

func isUUID(s string) bool { return uuidRe.MatchString(strings.ToLower(s)) }

func lower(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.ToLower(s)
	}
	return out
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nilIfEmptyP(s *string) any {
	if s == nil {
		return nil
	}
	return nilIfEmpty(*s)
}

func nilIfEmptyPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func intOrNil(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

func orEmptyStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

var (
	istatCode = regexp.MustCompile(`^([0-9]{2}|[0-9]{3}|[0-9]{6})$`)
	uuidRe    = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)
