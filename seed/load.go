package seed

import (
	"context"
	"maps"
	"time"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/store"
)

// namespace makes the demo network's IDs: the same key always gives the same ID.
var namespace = uuid.MustParse("6f1c4f0e-5b7a-4d3e-9a51-2f0d8c7e6a10")

// ID returns the node ID of the record of the kind with the key.
func ID(kind, key string) string { return uuid.NewSHA1(namespace, []byte(kind+":"+key)).String() }

// Load writes the network through the store; loading it twice writes nothing the second time
// (cases, whose IDs are random, are found by their codes).
func Load(ctx context.Context, st *store.Store, n Network) (map[string]int, error) {
	codes := []string{}
	for _, c := range n.allCases() {
		codes = append(codes, c.Code)
	}
	loaded, err := st.ExistingCaseCodes(ctx, codes)
	if err != nil {
		return nil, err
	}
	return st.Import(ctx, n.importSkipping(loaded))
}

// Import turns the network into the store's bulk form, keys into IDs; each call gives its
// cases new random IDs.
func (n Network) Import() store.Import { return n.importSkipping(nil) }

// importSkipping is Import without the cases whose codes are in skip.
func (n Network) importSkipping(skip map[string]bool) store.Import {
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	node := func(label, key string, props map[string]any) {
		im.Nodes[label] = append(im.Nodes[label], store.ImportNode{ID: ID(label, key), Props: props})
	}
	link := func(lt store.LinkType, from, to string, props map[string]any) {
		im.Links[lt] = append(im.Links[lt], store.ImportLink{From: ID(lt.From, from), To: ID(lt.To, to), Props: props})
	}
	for _, z := range n.Zones {
		node("Zone", z.Key, map[string]any{"name": z.Name, "kind": z.Kind, "istatCode": opt(z.IstatCode), "status": "ACTIVE"})
		for _, p := range z.Parents {
			link(store.LinkZoneParent, z.Key, p, nil)
		}
	}
	for _, x := range n.Needs {
		node("Need", x.Code, map[string]any{"code": x.Code, "labelIt": x.LabelIt, "labelEn": x.LabelEn})
		if x.Broader != "" {
			link(store.LinkNeedBroader, x.Code, x.Broader, nil)
		}
	}
	for _, c := range n.Categories {
		node("ServiceCategory", c.Code, map[string]any{"code": c.Code, "labelIt": c.LabelIt, "labelEn": c.LabelEn})
		if c.Broader != "" {
			link(store.LinkCategoryBroader, c.Code, c.Broader, nil)
		}
	}
	for _, a := range n.Actors {
		node("Actor", a.Key, merge(map[string]any{
			"name": a.Name, "kind": a.Kind, "description": opt(a.Description), "taxCode": opt(a.TaxCode),
			"phone": opt(a.Phone), "email": opt(a.Email), "website": opt(a.Website), "address": opt(a.Address),
			"status": "ACTIVE",
		}, store.LocationProps(a.Location.input())))
		for _, z := range a.Zones {
			link(store.LinkActorZone, a.Key, z, nil)
		}
		if a.Parent != "" {
			link(store.LinkActorParent, a.Key, a.Parent, nil)
		}
	}
	for _, s := range n.Services {
		status := s.Status
		if status == "" {
			status = "ACTIVE"
		}
		props := map[string]any{
			"name": s.Name, "description": opt(s.Description), "channel": s.Channel, "status": status,
			"accessConditions": opt(s.AccessConditions), "requiredDocuments": list(s.RequiredDocuments),
			"languages": list(s.Languages), "legalStatuses": list(s.LegalStatuses),
			"openingHours": list(s.OpeningHours), "minAge": optInt(s.MinAge), "maxAge": optInt(s.MaxAge),
			"lastVerifiedAt": optDate(s.LastVerified), "confidential": s.Confidential,
		}
		maps.Copy(props, store.LocationProps(s.Location.input()))
		if s.Capacity > 0 {
			props["capacity"], props["freePlaces"] = s.Capacity, s.FreePlaces
			props["placesUpdatedAt"] = optDateTime(s.LastVerified)
		}
		node("Service", s.Key, props)
		link(store.LinkProvides, s.Provider, s.Key, nil)
		link(store.LinkServiceCategory, s.Key, s.Category, nil)
		for _, x := range s.Needs {
			link(store.LinkServiceNeed, s.Key, x, nil)
		}
		for _, z := range s.Zones {
			link(store.LinkServiceZone, s.Key, z, nil)
		}
	}
	for _, p := range n.Partnerships {
		status := p.Status
		if status == "" {
			status = "ACTIVE"
		}
		node("Partnership", p.Key, map[string]any{
			"title": p.Title, "kind": p.Kind, "status": status, "description": opt(p.Description),
			"startDate": optDate(p.StartDate), "endDate": optDate(p.EndDate),
		})
		for _, z := range p.Zones {
			link(store.LinkPartnershipZone, p.Key, z, nil)
		}
		if p.Parent != "" {
			link(store.LinkPartnershipParent, p.Key, p.Parent, nil)
		}
		for _, m := range p.Members {
			link(store.LinkMember, m.Actor, p.Key, map[string]any{"role": m.Role, "since": optDate(m.Since)})
		}
	}
	n.importPathways(node, link)
	n.importCases(node, link, skip)
	n.importFigures(node, link)
	return im
}

// merge copies b into a.
func merge(a, b map[string]any) map[string]any {
	maps.Copy(a, b)
	return a
}

// opt maps "" to no property at all.
func opt(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func optDate(s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return neo4j.DateOf(t)
}

func optDateTime(s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return t.Add(9 * time.Hour)
}
