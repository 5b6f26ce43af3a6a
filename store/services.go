package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

var serviceOrders = map[model.ServiceOrderField]string{
	model.ServiceOrderFieldName:      "n.name",
	model.ServiceOrderFieldCreatedAt: "n.createdAt.epochMillis",
	model.ServiceOrderFieldUpdatedAt: "n.updatedAt.epochMillis",
}

// Services lists services by the filter, in the order asked (by name by default).
func (s *Store) Services(ctx context.Context, f *model.ServiceFilter, by *model.ServiceOrder, p Page) (*model.ServiceConnection, error) {
	q := newQuery("Service")
	if f != nil {
		var c model.Check
		q.search(&c, "service_search", f.Search)
		if len(f.Statuses) > 0 {
			q.where("n.status IN $statuses", "statuses", strs(f.Statuses))
		}
		if len(f.Channels) > 0 {
			q.where("n.channel IN $channels", "channels", strs(f.Channels))
		}
		if f.Zone != nil {
			key := keyOf(&c, "Zone", *f.Zone, "filter", "zone")
			q.where("EXISTS { MATCH (n)-[:AVAILABLE_IN]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) }", "zone", key)
			q.mustExist("Zone", key, "filter.zone")
		}
		if f.Need != nil {
			key := keyOf(&c, "Need", *f.Need, "filter", "need")
			q.where("EXISTS { MATCH (n)-[:MEETS]->(:Need)-[:BROADER]->*(:Need {id: $need}) }", "need", key)
			q.mustExist("Need", key, "filter.need")
		}
		if f.Category != nil {
			key := keyOf(&c, "ServiceCategory", *f.Category, "filter", "category")
			q.where("EXISTS { MATCH (n)-[:IN_CATEGORY]->(:ServiceCategory)-[:BROADER]->*(:ServiceCategory {id: $category}) }", "category", key)
			q.mustExist("ServiceCategory", key, "filter.category")
		}
		if f.Provider != nil {
			key := keyOf(&c, "Actor", *f.Provider, "filter", "provider")
			q.where("EXISTS { MATCH (n)<-[:PROVIDES]-(:Actor {id: $provider}) }", "provider", key)
			q.mustExist("Actor", key, "filter.provider")
		}
		if f.Partnership != nil {
			key := keyOf(&c, "Partnership", *f.Partnership, "filter", "partnership")
			q.where("EXISTS { MATCH (n)<-[:PROVIDES]-(:Actor)-[:MEMBER_OF]->(:Partnership {id: $partnership}) }", "partnership", key)
			q.mustExist("Partnership", key, "filter.partnership")
		}
		if err := filterErr(c); err != nil {
			return nil, err
		}
	}
	o := order{expr: serviceOrders[model.ServiceOrderFieldName]}
	if by != nil {
		o = order{expr: serviceOrders[by.Field], desc: by.Direction != nil && *by.Direction == model.OrderDirectionDesc}
	}
	return list(ctx, s, q, p, o, decodeService)
}

// serviceFields are the plain fields of a service as both inputs give them.
type serviceFields struct {
	name, description, accessConditions  *string
	address                              *string
	location                             *model.GeoPointInput
	locationGiven                        bool
	confidential                         *bool
	channel                              *model.ServiceChannel
	status                               *model.ServiceStatus
	requiredDocuments, languages         []string
	legalStatuses                        []model.LegalStatus
	minAge, maxAge, capacity, freePlaces *int
	openingHours                         []*model.OpeningHoursInput
	lastVerifiedAt                       *model.Date
}

// check validates the fields; ages and places are checked as they will stand after the write.
func (f serviceFields) check(c *model.Check) {
	if f.name != nil {
		c.Name(*f.name, "input", "name")
	}
	c.Text(f.description, model.MaxTextLength, "input", "description")
	c.Text(f.accessConditions, model.MaxTextLength, "input", "accessConditions")
	c.Line(f.address, 300, "input", "address")
	c.Location(f.location, "input", "location")
	c.Texts(f.requiredDocuments, "input", "requiredDocuments")
	c.Languages(f.languages, "input", "languages")
	slots := make([]model.OpeningHoursInput, len(f.openingHours))
	for i, h := range f.openingHours {
		slots[i] = *h
	}
	c.OpeningHours(slots, "input", "openingHours")
}

// props are the properties the fields set; fields not given are left out, so they stay.
func (f serviceFields) props(now any) map[string]any {
	p := map[string]any{}
	setIfGiven(p, "name", f.name, func(v string) any { return v })
	if f.description != nil {
		p["description"] = emptyToNil(f.description)
	}
	if f.accessConditions != nil {
		p["accessConditions"] = emptyToNil(f.accessConditions)
	}
	if f.address != nil {
		p["address"] = emptyToNil(f.address)
	}
	if f.locationGiven {
		p = merge(p, LocationProps(f.location))
	}
	setIfGiven(p, "confidential", f.confidential, func(v bool) any { return v })
	setIfGiven(p, "channel", f.channel, str[model.ServiceChannel])
	setIfGiven(p, "status", f.status, str[model.ServiceStatus])
	if f.requiredDocuments != nil {
		p["requiredDocuments"] = f.requiredDocuments
	}
	if f.languages != nil {
		p["languages"] = f.languages
	}
	if f.legalStatuses != nil {
		p["legalStatuses"] = strs(f.legalStatuses)
	}
	for k, v := range map[string]*int{"minAge": f.minAge, "maxAge": f.maxAge, "capacity": f.capacity} {
		if v != nil {
			p[k] = *v
		}
	}
	if f.freePlaces != nil {
		p["freePlaces"], p["placesUpdatedAt"] = *f.freePlaces, now
	}
	if f.openingHours != nil {
		hours := make([]string, len(f.openingHours))
		for i, h := range f.openingHours {
			hours[i] = model.OpeningHours{Day: h.Day, Opens: h.Opens, Closes: h.Closes}.String()
		}
		p["openingHours"] = hours
	}
	if f.lastVerifiedAt != nil {
		p["lastVerifiedAt"] = dateParam(f.lastVerifiedAt)
	}
	return p
}

// CreateService creates a service of a provider, in its category, needs and zones.
func (s *Store) CreateService(ctx context.Context, in model.CreateServiceInput) (*model.Service, error) {
	var c model.Check
	if in.LastVerifiedAt == nil {
		today := model.Today()
		in.LastVerifiedAt = &today
	}
	f := serviceFields{
		name: &in.Name, description: in.Description, accessConditions: in.AccessConditions,
		address: in.Address, location: in.Location, locationGiven: in.Location != nil, confidential: &in.Confidential,
		channel: &in.Channel, status: in.Status, requiredDocuments: orEmpty(in.RequiredDocuments),
		languages: orEmpty(in.Languages), legalStatuses: orEmpty(in.LegalStatuses),
		minAge: in.MinAge, maxAge: in.MaxAge, capacity: in.Capacity, freePlaces: in.FreePlaces,
		openingHours: orEmpty(in.OpeningHours), lastVerifiedAt: in.LastVerifiedAt,
	}
	f.check(&c)
	c.Ages(in.MinAge, in.MaxAge, "input")
	c.Places(in.Capacity, in.FreePlaces, "input")
	provider := keyOf(&c, "Actor", in.ProviderID, "input", "providerId")
	category := keyOf(&c, "ServiceCategory", in.CategoryID, "input", "categoryId")
	needs := keysOf(&c, "Need", in.NeedIds, "input", "needIds")
	if len(in.ZoneIds) == 0 {
		c.Add(model.UserErrorCodeRequired, "a service is available in at least one zone", "input", "zoneIds")
	}
	zones := keysOf(&c, "Zone", in.ZoneIds, "input", "zoneIds")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Service, error) {
		if err := mustExistAll(ctx, tx, ref{label: "Actor", field: "providerId", keys: []string{provider}},
			ref{label: "ServiceCategory", field: "categoryId", keys: []string{category}},
			ref{label: "Need", field: "needIds", keys: needs, list: true}, ref{label: "Zone", field: "zoneIds", keys: zones, list: true}); err != nil {
			return nil, err
		}
		if err := authorizeZones(ctx, tx, zones); err != nil {
			return nil, err
		}
		// The provider must lie wholly in a coordinator's zones too: its operators answer the
		// service's referrals.
		if err := authorizeAll(ctx, tx, "Actor", []string{provider}); err != nil {
			return nil, err
		}
		key := uuid.NewString()
		now := s.now()
		_, err := run(ctx, tx, `MATCH (a:Actor {id: $provider}), (c:ServiceCategory {id: $category})
			CREATE (a)-[:PROVIDES]->(n:Service {id: $id, createdAt: $now, updatedAt: $now, version: 1})-[:IN_CATEGORY]->(c)
			SET n += $props`, map[string]any{"id": key, "provider": provider, "category": category, "props": f.props(now), "now": now})
		if err != nil {
			return nil, err
		}
		if err := linkService(ctx, tx, key, needs, nil, zones, nil); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Service", key, decodeService)
	})
}

// UpdateService changes a service at the version the client read.
func (s *Store) UpdateService(ctx context.Context, in model.UpdateServiceInput) (*model.Service, error) {
	var c model.Check
	key := keyOf(&c, "Service", in.ID, "input", "id")
	f := serviceFields{
		name: in.Name, description: in.Description, accessConditions: in.AccessConditions,
		address: in.Address, location: in.Location.Value(), locationGiven: in.Location.IsSet(), confidential: in.Confidential,
		channel: in.Channel, status: in.Status, requiredDocuments: in.RequiredDocuments,
		languages: in.Languages, legalStatuses: in.LegalStatuses,
		minAge: in.MinAge, maxAge: in.MaxAge, capacity: in.Capacity, freePlaces: in.FreePlaces,
		openingHours: in.OpeningHours, lastVerifiedAt: in.LastVerifiedAt,
	}
	f.check(&c)
	var provider, category string
	if in.ProviderID != nil {
		provider = keyOf(&c, "Actor", *in.ProviderID, "input", "providerId")
	}
	if in.CategoryID != nil {
		category = keyOf(&c, "ServiceCategory", *in.CategoryID, "input", "categoryId")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Service, error) {
		if err := lock(ctx, tx, "Service", key, in.Version, "input", "id"); err != nil {
			return nil, err
		}
		old, err := getOne(ctx, tx, "Service", key, decodeService)
		if err != nil {
			return nil, err
		}
		// Ages and places are checked as they will stand, given or kept.
		c.Ages(or(in.MinAge, old.MinAge), or(in.MaxAge, old.MaxAge), "input")
		c.Places(or(in.Capacity, old.Capacity), or(in.FreePlaces, old.FreePlaces), "input")
		if err := c.Err(); err != nil {
			return nil, err
		}
		if provider != "" {
			if err := s.changeProvider(ctx, tx, key, provider); err != nil {
				return nil, err
			}
		}
		if category != "" {
			if err := mustExist(ctx, tx, "ServiceCategory", []string{category}, false, "input", "categoryId"); err != nil {
				return nil, err
			}
		}
		now := s.now()
		_, err = run(ctx, tx, `MATCH (n:Service {id: $id}) SET n += $props, `+touch+`
			WITH n
			CALL (n) { MATCH (a:Actor {id: $provider}) MATCH (n)<-[old:PROVIDES]-() DELETE old CREATE (a)-[:PROVIDES]->(n) }
			CALL (n) { MATCH (c:ServiceCategory {id: $category}) MATCH (n)-[old:IN_CATEGORY]->() DELETE old CREATE (n)-[:IN_CATEGORY]->(c) }`,
			map[string]any{"id": key, "props": f.props(now), "now": now, "provider": provider, "category": category})
		if err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Service", key, decodeService)
	})
}

// LinkService links a service to needs and zones, or unlinks it, leaving it at least one zone.
func (s *Store) LinkService(ctx context.Context, in model.LinkServiceInput) (*model.Service, error) {
	var c model.Check
	key := keyOf(&c, "Service", in.ServiceID, "input", "serviceId")
	addNeeds := keysOf(&c, "Need", in.AddNeedIds, "input", "addNeedIds")
	removeNeeds := keysOf(&c, "Need", in.RemoveNeedIds, "input", "removeNeedIds")
	addZones := keysOf(&c, "Zone", in.AddZoneIds, "input", "addZoneIds")
	removeZones := keysOf(&c, "Zone", in.RemoveZoneIds, "input", "removeZoneIds")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Service, error) {
		if err := lock(ctx, tx, "Service", key, in.Version, "input", "serviceId"); err != nil {
			return nil, err
		}
		if err := mustExist(ctx, tx, "Need", addNeeds, true, "input", "addNeedIds"); err != nil {
			return nil, err
		}
		if err := mustExist(ctx, tx, "Zone", addZones, true, "input", "addZoneIds"); err != nil {
			return nil, err
		}
		if len(addZones) > 0 {
			if err := authorizeZones(ctx, tx, addZones); err != nil {
				return nil, err
			}
		}
		if err := linkService(ctx, tx, key, addNeeds, removeNeeds, addZones, removeZones); err != nil {
			return nil, err
		}
		if err := authorizeAfter(ctx, tx, "Service", key); err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, "MATCH (n:Service {id: $id}) SET "+touch+" RETURN COUNT { (n)-[:AVAILABLE_IN]->() }",
			map[string]any{"id": key, "now": s.now()})
		if err != nil {
			return nil, err
		}
		if records[0].Values[0].(int64) == 0 {
			return nil, model.InputError(model.UserErrorCodeRequired, "a service is available in at least one zone", "input", "removeZoneIds")
		}
		return getOne(ctx, tx, "Service", key, decodeService)
	})
}

// DeleteService deletes a service and its links.
func (s *Store) DeleteService(ctx context.Context, in model.DeleteServiceInput) (string, error) {
	var c model.Check
	key := keyOf(&c, "Service", in.ID, "input", "id")
	if err := c.Err(); err != nil {
		return "", err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		if err := lock(ctx, tx, "Service", key, in.Version, "input", "id"); err != nil {
			return "", err
		}
		if err := hasDependants(ctx, tx, serviceHistory+" RETURN referrals, interventions, routes", key); err != nil {
			return "", err
		}
		_, err := run(ctx, tx, "MATCH (n:Service {id: $id}) DETACH DELETE n", map[string]any{"id": key})
		return key, err
	})
}

// serviceHistory counts what refers to the service $id: the referrals sent to it, the
// interventions it delivers and the routes that start or end at it.
const serviceHistory = `MATCH (s:Service {id: $id})
	WITH COUNT { (s)<-[:REFERRED_TO]-(:Referral) } AS referrals, COUNT { (s)<-[:DELIVERED_BY]-(:Intervention) } AS interventions,
	     COUNT { (s)<-[:FROM|TO]-(:Route) } AS routes`

// changeProvider checks that a service may pass to another provider. A service with referrals or
// interventions keeps its provider: the new one would reach every case ever sent to it, so the
// service is archived and a new one created instead. A coordinator gives a service only to an
// actor that lies wholly in its zones.
func (s *Store) changeProvider(ctx context.Context, tx neo4j.ManagedTransaction, key, provider string) error {
	if err := mustExist(ctx, tx, "Actor", []string{provider}, false, "input", "providerId"); err != nil {
		return err
	}
	records, err := run(ctx, tx, "MATCH (:Actor {id: $provider})-[:PROVIDES]->(s:Service {id: $id}) RETURN s.id", map[string]any{"id": key, "provider": provider})
	if err != nil || len(records) > 0 { // the same provider: nothing changes
		return err
	}
	records, err = run(ctx, tx, serviceHistory+" RETURN referrals + interventions", map[string]any{"id": key})
	if err != nil {
		return err
	}
	if n := records[0].Values[0].(int64); n > 0 {
		return model.InputError(model.UserErrorCodeHasDependants, fmt.Sprintf(
			"the service has %d referrals or interventions, which stay with the provider that received them: archive it and create a service for the new provider", n),
			"input", "providerId")
	}
	return authorizeAll(ctx, tx, "Actor", []string{provider})
}

// linkService adds and removes a service's needs and zones; links that exist are kept once.
func linkService(ctx context.Context, tx neo4j.ManagedTransaction, key string, addNeeds, removeNeeds, addZones, removeZones []string) error {
	_, err := run(ctx, tx, `MATCH (n:Service {id: $id})
		CALL (n) { MATCH (n)-[r:MEETS]->(x:Need) WHERE x.id IN $removeNeeds DELETE r }
		CALL (n) { MATCH (n)-[r:AVAILABLE_IN]->(z:Zone) WHERE z.id IN $removeZones DELETE r }
		CALL (n) { UNWIND $addNeeds AS k MATCH (x:Need {id: k}) MERGE (n)-[:MEETS]->(x) }
		CALL (n) { UNWIND $addZones AS k MATCH (z:Zone {id: k}) MERGE (n)-[:AVAILABLE_IN]->(z) }`,
		map[string]any{"id": key, "addNeeds": addNeeds, "removeNeeds": orEmpty(removeNeeds), "addZones": addZones, "removeZones": orEmpty(removeZones)})
	return err
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func or[T any](given, kept *T) *T {
	if given != nil {
		return given
	}
	return kept
}
