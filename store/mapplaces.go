package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// MaxMapPlaces bounds each list of a map: actors, services.
const MaxMapPlaces = 1000

// mapActorsCypher and mapServicesCypher read the located records of a zone from the zone (its
// id index) down the zone graph. A confidential service is left out here, for every viewer,
// not hidden later: what a map is given is what it may draw.
const (
	mapActorsCypher = `
MATCH (:Zone {id: $zone})<-[:PART_OF]-*(:Zone)<-[:OPERATES_IN]-(a:Actor)
WHERE a.latitude IS NOT NULL AND a.longitude IS NOT NULL AND coalesce(a.status, 'ACTIVE') = 'ACTIVE'
WITH DISTINCT a ORDER BY a.name, a.id LIMIT $limit
RETURN a`
	mapServicesCypher = `
MATCH (:Zone {id: $zone})<-[:PART_OF]-*(:Zone)<-[:AVAILABLE_IN]-(s:Service {status: 'ACTIVE'})
WHERE s.latitude IS NOT NULL AND s.longitude IS NOT NULL AND NOT coalesce(s.confidential, false)
WITH DISTINCT s ORDER BY s.name, s.id LIMIT $limit
RETURN s`
)

// MapPlaces reads the located actors and services of a zone, confidential services never.
func (s *Store) MapPlaces(ctx context.Context, zoneID string) (*model.MapPlaces, error) {
	var c model.Check
	q := query{params: map[string]any{}}
	zone := keyOf(&c, "Zone", zoneID, "zoneId")
	q.mustExist("Zone", zone, "zoneId")
	if err := filterErr(c); err != nil {
		return nil, err
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*model.MapPlaces, error) {
		if err := q.check(ctx, tx); err != nil {
			return nil, err
		}
		params := map[string]any{"zone": zone, "limit": MaxMapPlaces}
		out := &model.MapPlaces{Actors: []*model.Actor{}, Services: []*model.Service{}}
		records, err := run(ctx, tx, mapActorsCypher, params)
		if err != nil {
			return nil, err
		}
		for _, r := range records {
			out.Actors = append(out.Actors, decodeActor(r.Values[0].(neo4j.Node)))
		}
		if records, err = run(ctx, tx, mapServicesCypher, params); err != nil {
			return nil, err
		}
		for _, r := range records {
			out.Services = append(out.Services, decodeService(r.Values[0].(neo4j.Node)))
		}
		return out, nil
	})
}
