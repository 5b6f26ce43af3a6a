package store

import (
	"context"
	"sort"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// The directory as other directories read it (the HSDS API and export of the hsds package):
// whole records with what they link to, read a page at a time by offset, one query per page.

// DirectoryService is a service with its links: its provider, category, needs and zones. The
// service is as the viewer may see it (Visible): a public reader never gets a confidential
// service's address, hours or places.
type DirectoryService struct {
	Service    *model.Service
	ProviderID string
	Category   *model.ServiceCategory
	Needs      []*model.Need
	Zones      []*model.Zone
}

// DirectoryActor is an actor with its parent's key and its zones.
type DirectoryActor struct {
	Actor    *model.Actor
	ParentID string
	Zones    []*model.Zone
}

// DirectoryTerm is a need or a category of the service catalogue, with its broader term.
type DirectoryTerm struct {
	ID, Code, LabelIt, LabelEn string
	// Category is true for a category of the catalogue, false for a need.
	Category bool
	// BroaderID is the key of the broader term, "" for a top term.
	BroaderID string
}

// DirectoryFilter selects the services (or the places where they are given) of a directory
// read. Keys are node keys; empty means any.
type DirectoryFilter struct {
	Search *string
	// Need and Category keep the services that meet the need or lie in the category, or in a
	// narrower one.
	Need, Category string
	// Term keeps the services that meet the need, or lie in the category, of this key (or a
	// narrower one).
	Term string
	// AnyNeed keeps the services that meet at least one need.
	AnyNeed  bool
	Provider string
	// ModifiedAfter keeps what changed at or after the time.
	ModifiedAfter *time.Time
	// WithPlace keeps the services whose place (address or coordinates) the viewer may see
	// (the HSDS service_at_location view).
	WithPlace bool
}

// DirectoryPage is a slice of a directory list by offset: Skip items, then at most Limit.
type DirectoryPage struct{ Skip, Limit int }

// serviceLinks returns, after a query that binds the service n, the service and its links.
const serviceLinks = ` RETURN n,
	[(a:Actor)-[:PROVIDES]->(n) | a.id][0] AS provider,
	[(n)-[:IN_CATEGORY]->(c:ServiceCategory) | c][0] AS category,
	[(n)-[:MEETS]->(x:Need) | x] AS needs,
	[(n)-[:AVAILABLE_IN]->(z:Zone) | z] AS zones`

// directoryServiceQuery is the filter as a list query over services n.
func directoryServiceQuery(ctx context.Context, f DirectoryFilter) (query, error) {
	q := newQuery("Service")
	var c model.Check
	q.search(&c, "service_search", f.Search)
	if err := filterErr(c); err != nil {
		return q, err
	}
	if f.Need != "" {
		q.where("EXISTS { MATCH (n)-[:MEETS]->(:Need)-[:BROADER]->*(:Need {id: $need}) }", "need", f.Need)
	}
	if f.Category != "" {
		q.where("EXISTS { MATCH (n)-[:IN_CATEGORY]->(:ServiceCategory)-[:BROADER]->*(:ServiceCategory {id: $category}) }", "category", f.Category)
	}
	if f.Term != "" {
		q.where(`(EXISTS { MATCH (n)-[:MEETS]->(:Need)-[:BROADER]->*(:Need {id: $term}) }
			OR EXISTS { MATCH (n)-[:IN_CATEGORY]->(:ServiceCategory)-[:BROADER]->*(:ServiceCategory {id: $term}) })`, "term", f.Term)
	}
	if f.AnyNeed {
		q.where("EXISTS { (n)-[:MEETS]->(:Need) }", "", nil)
	}
	if f.Provider != "" {
		q.where("EXISTS { MATCH (n)<-[:PROVIDES]-(:Actor {id: $provider}) }", "provider", f.Provider)
	}
	if f.ModifiedAfter != nil {
		q.where("n.updatedAt >= $modifiedAfter", "modifiedAfter", *f.ModifiedAfter)
	}
	if f.WithPlace {
		// The rule of Visible in Cypher: a public reader sees no confidential service's place.
		q.where("(n.address IS NOT NULL OR n.latitude IS NOT NULL) AND (NOT coalesce(n.confidential, false) OR $seesConfidential)", "seesConfidential", SeesConfidential(ctx))
	}
	return q, nil
}

// DirectoryServices reads a page of the services that match, by name, and counts them all.
func (s *Store) DirectoryServices(ctx context.Context, f DirectoryFilter, p DirectoryPage) ([]*DirectoryService, int, error) {
	q, err := directoryServiceQuery(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	return directoryPage(ctx, s, q, serviceLinks, p, func(records []*neo4j.Record) []*DirectoryService {
		return decodeDirectoryServices(ctx, records)
	})
}

// directoryPage reads, in one transaction, how many nodes the query matches and one page of
// them by name, each with the links that follow it, decoded.
func directoryPage[T any](ctx context.Context, s *Store, q query, links string, p DirectoryPage, decode func([]*neo4j.Record) []T) ([]T, int, error) {
	type result struct {
		rows  []T
		total int
	}
	r, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		records, err := run(ctx, tx, q.text()+" RETURN count(n)", q.params)
		if err != nil {
			return result{}, err
		}
		total := int(records[0].Values[0].(int64))
		records, err = run(ctx, tx, q.text()+" WITH n ORDER BY n.name, n.id SKIP $skip LIMIT $limit"+links,
			merge(q.params, map[string]any{"skip": p.Skip, "limit": p.Limit}))
		if err != nil {
			return result{}, err
		}
		return result{rows: decode(records), total: total}, nil
	})
	return r.rows, r.total, err
}

// DirectoryServiceByID reads one service with its links; nil when there is none.
func (s *Store) DirectoryServiceByID(ctx context.Context, key string) (*DirectoryService, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*DirectoryService, error) {
		records, err := run(ctx, tx, "MATCH (n:Service {id: $id})"+serviceLinks, map[string]any{"id": key})
		if err != nil || len(records) == 0 {
			return nil, err
		}
		return decodeDirectoryServices(ctx, records)[0], nil
	})
}

func decodeDirectoryServices(ctx context.Context, records []*neo4j.Record) []*DirectoryService {
	out := make([]*DirectoryService, len(records))
	for i, r := range records {
		d := &DirectoryService{Service: Visible(ctx, decodeService(r.Values[0].(neo4j.Node)))}
		d.ProviderID, _ = r.Values[1].(string)
		if c, ok := r.Values[2].(neo4j.Node); ok {
			d.Category = decodeCategory(c)
		}
		for _, x := range r.Values[3].([]any) {
			d.Needs = append(d.Needs, decodeNeed(x.(neo4j.Node)))
		}
		for _, z := range r.Values[4].([]any) {
			d.Zones = append(d.Zones, decodeZone(z.(neo4j.Node)))
		}
		out[i] = d
	}
	return out
}

// actorLinks returns, after a query that binds the actor n, the actor and its links.
const actorLinks = ` RETURN n, [(n)-[:PART_OF]->(p:Actor) | p.id][0] AS parent, [(n)-[:OPERATES_IN]->(z:Zone) | z] AS zones`

// DirectoryActors reads a page of the actors that match the search, by name, and counts them.
func (s *Store) DirectoryActors(ctx context.Context, search *string, p DirectoryPage) ([]*DirectoryActor, int, error) {
	q := newQuery("Actor")
	var c model.Check
	q.search(&c, "actor_search", search)
	if err := filterErr(c); err != nil {
		return nil, 0, err
	}
	return directoryPage(ctx, s, q, actorLinks, p, decodeDirectoryActors)
}

// DirectoryActorByID reads one actor with its links; nil when there is none.
func (s *Store) DirectoryActorByID(ctx context.Context, key string) (*DirectoryActor, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*DirectoryActor, error) {
		records, err := run(ctx, tx, "MATCH (n:Actor {id: $id})"+actorLinks, map[string]any{"id": key})
		if err != nil || len(records) == 0 {
			return nil, err
		}
		return decodeDirectoryActors(records)[0], nil
	})
}

func decodeDirectoryActors(records []*neo4j.Record) []*DirectoryActor {
	out := make([]*DirectoryActor, len(records))
	for i, r := range records {
		d := &DirectoryActor{Actor: decodeActor(r.Values[0].(neo4j.Node))}
		d.ParentID, _ = r.Values[1].(string)
		for _, z := range r.Values[2].([]any) {
			d.Zones = append(d.Zones, decodeZone(z.(neo4j.Node)))
		}
		out[i] = d
	}
	return out
}

// TermFilter selects needs and catalogue categories. Needs and Categories choose the
// taxonomies (both when neither is set); Parent keeps the terms right under it; TopOnly the
// terms with no broader one.
type TermFilter struct {
	Search            *string
	Needs, Categories bool
	Parent            string
	TopOnly           bool
	// ID keeps the one term with this key.
	ID string
}

// DirectoryTerms reads a page of the needs and categories that match, by code, and counts them.
func (s *Store) DirectoryTerms(ctx context.Context, f TermFilter, p DirectoryPage) ([]*DirectoryTerm, int, error) {
	if f.Search != nil {
		var c model.Check
		if c.Search(f.Search, "search"); len(c.InputErrors) > 0 {
			return nil, 0, filterErr(c)
		}
	}
	if !f.Needs && !f.Categories {
		f.Needs, f.Categories = true, true
	}
	params := map[string]any{"needs": f.Needs, "categories": f.Categories, "parent": f.Parent, "topOnly": f.TopOnly, "id": f.ID,
		"search": "", "skip": p.Skip, "limit": p.Limit}
	if f.Search != nil {
		params["search"] = fold(*f.Search)
	}
	// Needs and categories are a few hundred at most: both are read by label and filtered.
	const terms = `CALL () {
			MATCH (n:Need) WHERE $needs RETURN n, false AS category
			UNION ALL
			MATCH (n:ServiceCategory) WHERE $categories RETURN n, true AS category
		}
		WITH n, category, [(n)-[:BROADER]->(b) | b.id][0] AS broader
		WHERE ($id = '' OR n.id = $id) AND ($parent = '' OR broader = $parent) AND (NOT $topOnly OR broader IS NULL)
		  AND ($search = '' OR any(t IN [n.code, n.labelIt, n.labelEn] WHERE toLower(t) CONTAINS $search))`
	type result struct {
		rows  []*DirectoryTerm
		total int
	}
	r, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		records, err := run(ctx, tx, terms+" RETURN count(n)", params)
		if err != nil {
			return result{}, err
		}
		total := int(records[0].Values[0].(int64))
		records, err = run(ctx, tx, terms+" RETURN n, category, broader ORDER BY category, n.code, n.id SKIP $skip LIMIT $limit", params)
		if err != nil {
			return result{}, err
		}
		out := make([]*DirectoryTerm, len(records))
		for i, rec := range records {
			n := props(rec.Values[0].(neo4j.Node).Props)
			t := &DirectoryTerm{ID: n.str("id"), Code: n.str("code"), LabelIt: n.str("labelIt"), LabelEn: n.str("labelEn"),
				Category: rec.Values[1] == true}
			t.BroaderID, _ = rec.Values[2].(string)
			out[i] = t
		}
		return result{rows: out, total: total}, nil
	})
	return r.rows, r.total, err
}

// DirectoryZone is a zone with the keys of all its parents: the zone graph, whose second
// parents (a municipality in a province and in a social district) HSDS cannot carry.
type DirectoryZone struct {
	Zone    *model.Zone
	Parents []string
}

// DirectoryZones reads a page of the zones, by ISTAT code then name, and counts them.
func (s *Store) DirectoryZones(ctx context.Context, p DirectoryPage) ([]*DirectoryZone, int, error) {
	type result struct {
		rows  []*DirectoryZone
		total int
	}
	r, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		records, err := run(ctx, tx, "MATCH (n:Zone) RETURN count(n)", nil)
		if err != nil {
			return result{}, err
		}
		total := int(records[0].Values[0].(int64))
		records, err = run(ctx, tx, `MATCH (n:Zone) WITH n ORDER BY coalesce(n.istatCode, 'zzzzzz'), n.name, n.id SKIP $skip LIMIT $limit
			RETURN n, [(n)-[:PART_OF]->(p:Zone) | p.id] AS parents`, map[string]any{"skip": p.Skip, "limit": p.Limit})
		if err != nil {
			return result{}, err
		}
		out := make([]*DirectoryZone, len(records))
		for i, rec := range records {
			z := &DirectoryZone{Zone: decodeZone(rec.Values[0].(neo4j.Node))}
			for _, p := range rec.Values[1].([]any) {
				z.Parents = append(z.Parents, p.(string))
			}
			sort.Strings(z.Parents)
			out[i] = z
		}
		return result{rows: out, total: total}, nil
	})
	return r.rows, r.total, err
}
