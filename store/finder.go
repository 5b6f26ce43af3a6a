package store

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// FindServicesCypher reads the services that meet the need (or a narrower one) and are available in a
// zone that contains the asked zone (full coverage) or lies inside it (partial). A service
// reached both ways counts as full, through the nearest zone. A confidential service never
// matches "free places only" for a public reader ($seesConfidential false), whose answer must
// not tell whether it has places. It is exported for the benchmark
// that compares the GraphQL layer with the bare query.
const FindServicesCypher = finderMatches + `
RETURN s, best[0] AS zone, best[1] AS need, best[2] AS full, a.name AS askedZone, asked.labelEn AS askedNeed`

// finderMatches binds each matching service s once, with the best of the zones and needs it
// matches through; FindServicesCypher and the finder's source (finderSource) go on from it.
const finderMatches = `
MATCH (a:Zone {id: $zone}), (asked:Need {id: $need})
MATCH (asked)<-[:BROADER]-*(m0:Need)
WITH a, asked, collect(m0) AS needs
CALL (a) {
  MATCH (a)-[:PART_OF]->*(z:Zone) RETURN z, true AS full
  UNION
  MATCH (z:Zone)-[:PART_OF]->+(a) RETURN z, false AS full
}
MATCH (z)<-[:AVAILABLE_IN]-(s)-[:MEETS]->(m)
WHERE m IN needs AND s.status = 'ACTIVE'
  AND ($channels IS NULL OR s.channel IN $channels)
  AND (NOT $freeOnly OR (s.freePlaces > 0 AND ($seesConfidential OR NOT coalesce(s.confidential, false))))
WITH a, asked, s, z, m, full ORDER BY full DESC, z.name, m.code
WITH a, asked, s, collect([z, m, full])[0] AS best`

// finderSource is the finder's matches as the source of parts, one row per service, bound as
// root: the fields asked of the services (their provider, needs, zones) are read in the
// finder's own statement (store.Ahead), but only when there are at most $fold matches (whole):
// the matches are ranked here, in Go, so a page of 20 of 5,000 matches would otherwise read
// the fields of all 5,000 (on the region, 160 to 227 ms); then the page's own services are read
// a level after.
func finderSource(params map[string]any) Source {
	text := finderMatches + `
WITH a.name AS askedZone, asked.labelEn AS askedNeed, collect([s, best]) AS matches
WITH askedZone, askedNeed, matches, size(matches) <= $fold AS whole
UNWIND matches AS match
WITH match[0] AS root, match[1] AS best, askedZone, askedNeed, whole, match[0].id AS pid`
	return Source{text: text, params: params, key: fmt.Sprintf("finder\x00%v", params), node: "root", when: "whole"}
}

// finderRows is the part of the finder's source that reads the matches themselves: each
// service (whole: its rank and barriers read most of it), the zone and the need it matched
// through, whether the zone covers the asked one fully, and the asked zone's and need's names.
type finderRows struct {
	src  Source
	rows [][]any
}

func (p *finderRows) source() Source { return p.src }

func (p *finderRows) column(context.Context, *Store, string) (string, map[string]any) {
	return "[[root, best[0], best[1], best[2], askedZone, askedNeed, whole]]", nil
}

func (p *finderRows) take(_ string, items []any) { p.rows = append(p.rows, items[0].([]any)) }

// FindServices returns every active service that covers the need in the zone, best first,
// each with its coverage, reasons and barriers. Records not verified for staleAfter are stale.
// When there are at most fold matches (the page asked covers them all), the fields asked of
// their services are read with them (store.Ahead).
func (s *Store) FindServices(ctx context.Context, in model.FindServicesInput, staleAfter time.Duration, fold int) ([]*model.ServiceMatch, error) {
	var c model.Check
	q := query{params: map[string]any{}}
	zone := keyOf(&c, "Zone", in.ZoneID, "input", "zoneId")
	need := keyOf(&c, "Need", in.NeedID, "input", "needId")
	q.mustExist("Zone", zone, "input.zoneId")
	q.mustExist("Need", need, "input.needId")
	if p := in.Person; p != nil {
		if p.Age != nil && (*p.Age < 0 || *p.Age > 120) {
			c.Add(model.UserErrorCodeInvalid, "an age lies between 0 and 120", "input", "person", "age")
		}
		c.Languages(p.Languages, "input", "person", "languages")
	}
	if err := filterErr(c); err != nil {
		return nil, err
	}
	var channels any
	if len(in.Channels) > 0 {
		channels = strs(in.Channels)
	}
	now := s.now()
	// The finder first, as a statement of its own with what is asked of its services: the zone
	// and the need are checked only when nothing matched, to tell an ID with no node from a need
	// nobody meets there (a round-trip and a transaction less for every search that finds
	// something).
	self := &finderRows{src: finderSource(map[string]any{
		"zone": zone, "need": need, "channels": channels, "freeOnly": in.HasFreePlaces != nil && *in.HasFreePlaces,
		"seesConfidential": SeesConfidential(ctx), "fold": fold,
	})}
	parts, _, deliver := ahead(ctx, "Service", self.src)
	for i, p := range parts {
		parts[i] = whenPart{p}
	}
	if err := ReadParts(ctx, s, append([]Part{self}, parts...)); err != nil {
		return nil, err
	}
	records := self.rows
	if len(records) == 0 {
		_, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (struct{}, error) { return struct{}{}, q.check(ctx, tx) })
		return []*model.ServiceMatch{}, err
	}
	out := make([]*model.ServiceMatch, len(records))
	services := make([]any, len(records))
	for i, r := range records {
		// Barriers, reasons and rank are worked out on what the viewer may see, so that they
		// tell a public reader nothing of a confidential service's hours or places.
		svc := Visible(ctx, decodeService(r[0].(neo4j.Node)))
		services[i] = svc
		m := &model.ServiceMatch{
			Service: svc, ThroughZone: decodeZone(r[1].(neo4j.Node)), MatchedNeed: decodeNeed(r[2].(neo4j.Node)),
			Coverage: model.CoverageKindPartial, Stale: stale(svc, now, staleAfter),
			Barriers: model.Barriers(svc, in.Person, in.OpenAt),
		}
		if r[3] == true {
			m.Coverage = model.CoverageKindFull
		}
		if svc.PlacesUpdatedAt != nil {
			h := int(now.Sub(*svc.PlacesUpdatedAt).Hours())
			m.PlacesAgeHours = &h
		}
		m.Reasons = reasons(m, r[4].(string), r[5].(string))
		out[i] = m
	}
	if deliver != nil && records[0][6] == true {
		deliver(services) // the parts were read: whole
	}
	model.RankMatches(out)
	return out, nil
}

func stale(s *model.Service, now time.Time, after time.Duration) bool {
	return s.LastVerifiedAt == nil || s.LastVerifiedAt.Before(now.Add(-after))
}

// reasons says why a service matched, in words a case manager reads.
func reasons(m *model.ServiceMatch, askedZone, askedNeed string) []string {
	var out []string
	zoneName, needLabel := m.ThroughZone.Name, m.MatchedNeed.LabelEn
	if needLabel == askedNeed {
		out = append(out, "answers the need: "+askedNeed)
	} else {
		out = append(out, fmt.Sprintf("answers %s, a narrower need of %s", needLabel, askedNeed))
	}
	switch {
	case m.Coverage == model.CoverageKindPartial:
		out = append(out, fmt.Sprintf("available in %s, inside %s: covers only part of it", zoneName, askedZone))
	case zoneName == askedZone:
		out = append(out, "available in "+askedZone)
	default:
		out = append(out, fmt.Sprintf("available in %s, which contains %s", zoneName, askedZone))
	}
	if m.Service.Capacity != nil && m.Service.FreePlaces != nil && *m.Service.FreePlaces > 0 {
		out = append(out, fmt.Sprintf("%d free places of %d", *m.Service.FreePlaces, *m.Service.Capacity))
	}
	if m.Stale {
		out = append(out, "its record was not verified recently: check before referring")
	}
	return out
}

// coverageCypher counts, for each zone measured and each need, the active services for the need
// (or a narrower one) available in a zone that contains it (full) or lies inside it (partial).
// Confidential services count, but not among those with free places for a public reader.
const coverageCypher = `
MATCH (root:Zone {id: $zone})
CALL (root) {
  MATCH (z:Zone)-[:PART_OF]->*(root)
  WHERE ($level IS NULL AND z = root) OR z.kind = $level
  RETURN DISTINCT z
}
UNWIND $needs AS nid
MATCH (n:Need {id: nid})
CALL (z, n) {
  OPTIONAL MATCH (n)<-[:BROADER]-*(:Need)<-[:MEETS]-(s:Service {status: 'ACTIVE'})-[:AVAILABLE_IN]->(y:Zone)
  WITH DISTINCT s, y
  WITH s, max(CASE WHEN y IS NULL THEN 0 WHEN EXISTS { (z)-[:PART_OF]->*(y) } THEN 2
                   WHEN EXISTS { (y)-[:PART_OF]->+(z) } THEN 1 ELSE 0 END) AS cov
  RETURN count(CASE WHEN cov = 2 THEN 1 END) AS full, count(CASE WHEN cov = 1 THEN 1 END) AS partial,
         count(CASE WHEN cov > 0 AND s.freePlaces > 0 AND ($seesConfidential OR NOT coalesce(s.confidential, false)) THEN 1 END) AS free,
         count(CASE WHEN cov > 0 AND coalesce(s.lastVerifiedAt < $staleBefore, true) THEN 1 END) AS stale
}
RETURN z, n, full, partial, free, stale ORDER BY z.name, n.code`

// Coverage counts the active services that cover each need in each zone measured: the zone, or
// its zones of the given kind; the top-level needs unless needs are given.
func (s *Store) Coverage(ctx context.Context, in model.CoverageInput, staleAfter time.Duration) (*model.Coverage, error) {
	var c model.Check
	q := query{params: map[string]any{}}
	zone := keyOf(&c, "Zone", in.ZoneID, "input", "zoneId")
	q.mustExist("Zone", zone, "input.zoneId")
	needs := keysOf(&c, "Need", in.NeedIds, "input", "needIds")
	for i, n := range needs {
		q.mustExist("Need", n, fmt.Sprintf("input.needIds.%d", i))
	}
	if err := filterErr(c); err != nil {
		return nil, err
	}
	var level any
	if in.Level != nil {
		level = string(*in.Level)
	}
	staleBefore := neo4j.DateOf(s.now().Add(-staleAfter))
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Coverage, error) {
		if err := q.check(ctx, tx); err != nil {
			return nil, err
		}
		if in.NeedIds == nil {
			records, err := run(ctx, tx, "MATCH (n:Need) WHERE NOT (n)-[:BROADER]->() RETURN n.id ORDER BY n.code", nil)
			if err != nil {
				return nil, err
			}
			for _, r := range records {
				needs = append(needs, r.Values[0].(string))
			}
		}
		records, err := run(ctx, tx, coverageCypher, map[string]any{"zone": zone, "level": level, "needs": needs, "staleBefore": staleBefore,
			"seesConfidential": SeesConfidential(ctx)})
		if err != nil {
			return nil, err
		}
		cov := &model.Coverage{}
		seenZone, seenNeed := map[string]bool{}, map[string]bool{}
		for _, r := range records {
			z, n := decodeZone(r.Values[0].(neo4j.Node)), decodeNeed(r.Values[1].(neo4j.Node))
			if !seenZone[z.ID] {
				seenZone[z.ID] = true
				cov.Zones = append(cov.Zones, z)
			}
			if !seenNeed[n.ID] {
				seenNeed[n.ID] = true
				cov.Needs = append(cov.Needs, n)
			}
			cov.Cells = append(cov.Cells, &model.CoverageCell{
				ZoneID: z.ID, NeedID: n.ID, Full: toInt(r.Values[2]), Partial: toInt(r.Values[3]),
				WithFreePlaces: toInt(r.Values[4]), Stale: toInt(r.Values[5]),
			})
		}
		sortNeeds(cov.Needs)
		return cov, nil
	})
}

func toInt(v any) int {
	n, _ := v.(int64)
	return int(n)
}

func sortNeeds(ns []*model.Need) {
	for i := 1; i < len(ns); i++ {
		for j := i; j > 0 && ns[j].Code < ns[j-1].Code; j-- {
			ns[j], ns[j-1] = ns[j-1], ns[j]
		}
	}
}

// UpdatePlaces reports a service's free places at the version read, or takes and frees places
// under the service's lock, so that concurrent operators never lose an update.
func (s *Store) UpdatePlaces(ctx context.Context, in model.UpdatePlacesInput) (*model.Service, error) {
	var c model.Check
	key := keyOf(&c, "Service", in.ServiceID, "input", "serviceId")
	switch {
	case (in.FreePlaces == nil) == (in.Delta == nil):
		c.Add(model.UserErrorCodeRequired, "give freePlaces or delta, one of them", "input", "freePlaces")
	case in.FreePlaces != nil && in.Version == nil:
		c.Add(model.UserErrorCodeRequired, "a count of free places is reported at the version read", "input", "version")
	case in.Delta != nil && in.Capacity != nil:
		c.Add(model.UserErrorCodeInvalid, "change the capacity with a count of free places, not with a delta", "input", "capacity")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Service, error) {
		version := -1
		if in.Version != nil {
			version = *in.Version
		}
		if err := lock(ctx, tx, "Service", key, version, "input", "serviceId"); err != nil {
			return nil, err
		}
		old, err := getOne(ctx, tx, "Service", key, decodeService)
		if err != nil {
			return nil, err
		}
		capacity, free := or(in.Capacity, old.Capacity), in.FreePlaces
		if capacity == nil {
			return nil, model.InputError(model.UserErrorCodeInvalid, "the service has no places: set its capacity first", "input", "capacity")
		}
		if in.Delta != nil {
			n := deref(old.FreePlaces) + *in.Delta
			free = &n
		}
		c.Places(capacity, free, "input")
		if err := c.Err(); err != nil {
			if in.Delta != nil { // the count is not the user's: say what the delta did
				return nil, model.InputError(model.UserErrorCodeInvalid,
					fmt.Sprintf("%d free places of %d now: a delta of %d would leave %d", deref(old.FreePlaces), *capacity, *in.Delta, *free), "input", "delta")
			}
			return nil, err
		}
		// Each report is also kept as a :PlacesReport, so places can be followed over time.
		if _, err := run(ctx, tx, "MATCH (n:Service {id: $id}) SET n.capacity = $capacity, n.freePlaces = $free, n.placesUpdatedAt = $now, "+touch+
			" CREATE (n)-[:REPORTED]->(:PlacesReport {at: $now, free: $free, capacity: $capacity})",
			map[string]any{"id": key, "capacity": *capacity, "free": *free, "now": s.now()}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Service", key, decodeService)
	})
}

// deref is the value p points to, or the zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
