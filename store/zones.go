package store

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

var zoneOrders = map[model.ZoneOrderField]string{
	model.ZoneOrderFieldName:      "n.name",
	model.ZoneOrderFieldIstatCode: "coalesce(n.istatCode, '~')",
	model.ZoneOrderFieldCreatedAt: "n.createdAt.epochMillis",
}

// Zones lists zones by the filter, in the order asked (by name by default).
func (s *Store) Zones(ctx context.Context, f *model.ZoneFilter, by *model.ZoneOrder, p Page) (*model.ZoneConnection, error) {
	q := newQuery("Zone")
	if f != nil {
		var c model.Check
		q.search(&c, "zone_search", f.Search)
		if len(f.Kinds) > 0 {
			q.where("n.kind IN $kinds", "kinds", strs(f.Kinds))
		}
		if len(f.Statuses) > 0 {
			q.where("coalesce(n.status, 'ACTIVE') IN $statuses", "statuses", strs(f.Statuses))
		}
		if f.Within != nil {
			key := keyOf(&c, "Zone", *f.Within, "filter", "within")
			q.where("EXISTS { MATCH (n)-[:PART_OF]->+(:Zone {id: $within}) }", "within", key)
			q.mustExist("Zone", key, "filter.within")
		}
		c.Code(f.IstatCode, "filter", "istatCode")
		if f.IstatCode != nil {
			q.where("n.istatCode = $istat", "istat", *f.IstatCode)
		}
		if err := filterErr(c); err != nil {
			return nil, err
		}
	}
	o := order{expr: zoneOrders[model.ZoneOrderFieldName]}
	if by != nil {
		o = order{expr: zoneOrders[by.Field], desc: by.Direction != nil && *by.Direction == model.OrderDirectionDesc}
	}
	return list(ctx, s, q, p, o, decodeZone)
}

// CreateZone creates a zone under its parents.
func (s *Store) CreateZone(ctx context.Context, in model.CreateZoneInput) (*model.Zone, error) {
	var c model.Check
	c.Name(in.Name, "input", "name")
	c.IstatCode(in.Kind, in.IstatCode, "input", "istatCode")
	parents := keysOf(&c, "Zone", in.ParentIds, "input", "parentIds")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Zone, error) {
		key := uuid.NewString()
		if err := s.checkZone(ctx, tx, key, in.IstatCode, parents); err != nil {
			return nil, err
		}
		if err := authorizeZones(ctx, tx, parents); err != nil {
			return nil, err
		}
		status := model.RecordStatusActive
		if in.Status != nil {
			status = *in.Status
		}
		_, err := run(ctx, tx, `CREATE (n:Zone {id: $id, name: $name, kind: $kind, istatCode: $istat, status: $status,
			createdAt: $now, updatedAt: $now, version: 1})`, map[string]any{
			"id": key, "name": in.Name, "kind": string(in.Kind), "istat": emptyToNil(in.IstatCode), "status": string(status), "now": s.now(),
		})
		if err != nil {
			return nil, err
		}
		if err := setZoneParents(ctx, tx, key, parents); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Zone", key, decodeZone)
	})
}

// UpdateZone changes a zone at the version the client read.
func (s *Store) UpdateZone(ctx context.Context, in model.UpdateZoneInput) (*model.Zone, error) {
	var c model.Check
	key := keyOf(&c, "Zone", in.ID, "input", "id")
	if in.Name != nil {
		c.Name(*in.Name, "input", "name")
	}
	var parents []string
	if in.ParentIds != nil {
		parents = keysOf(&c, "Zone", in.ParentIds, "input", "parentIds")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Zone, error) {
		if err := lock(ctx, tx, "Zone", key, in.Version, "input", "id"); err != nil {
			return nil, err
		}
		z, err := getOne(ctx, tx, "Zone", key, decodeZone)
		if err != nil {
			return nil, err
		}
		// The ISTAT code is checked against the kind the zone will have, given or kept.
		kind, istat := z.Kind, z.IstatCode
		if in.Kind != nil {
			kind = *in.Kind
		}
		if in.IstatCode != nil {
			istat = in.IstatCode
		}
		c.IstatCode(kind, istat, "input", "istatCode")
		if err := c.Err(); err != nil {
			return nil, err
		}
		if err := s.checkZone(ctx, tx, key, in.IstatCode, parents); err != nil {
			return nil, err
		}
		if in.ParentIds != nil {
			if err := authorizeZones(ctx, tx, parents); err != nil {
				return nil, err
			}
		}
		props := map[string]any{}
		setIfGiven(props, "name", in.Name, func(v string) any { return v })
		setIfGiven(props, "kind", in.Kind, str[model.ZoneKind])
		setIfGiven(props, "status", in.Status, str[model.RecordStatus])
		if in.IstatCode != nil {
			props["istatCode"] = emptyToNil(in.IstatCode)
		}
		if _, err := run(ctx, tx, "MATCH (n:Zone {id: $id}) SET n += $props, "+touch,
			map[string]any{"id": key, "props": props, "now": s.now()}); err != nil {
			return nil, err
		}
		if in.ParentIds != nil {
			if _, err := run(ctx, tx, "MATCH (:Zone {id: $id})-[r:PART_OF]->(:Zone) DELETE r", map[string]any{"id": key}); err != nil {
				return nil, err
			}
			if err := setZoneParents(ctx, tx, key, parents); err != nil {
				return nil, err
			}
		}
		if err := authorizeAfter(ctx, tx, "Zone", key); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Zone", key, decodeZone)
	})
}

// DeleteZone deletes a zone that nothing depends on any more.
func (s *Store) DeleteZone(ctx context.Context, in model.DeleteZoneInput) (string, error) {
	var c model.Check
	key := keyOf(&c, "Zone", in.ID, "input", "id")
	if err := c.Err(); err != nil {
		return "", err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		if err := lock(ctx, tx, "Zone", key, in.Version, "input", "id"); err != nil {
			return "", err
		}
		// A zone with cases is archived instead (updateZone with status ARCHIVED).
		if err := hasDependants(ctx, tx, `MATCH (z:Zone {id: $id}) RETURN
			COUNT { (z)<-[:PART_OF]-(:Zone) } AS `+"`child zones`"+`,
			COUNT { (z)<-[:OPERATES_IN]-(:Actor) } AS actors,
			COUNT { (z)<-[:AVAILABLE_IN]-(:Service) } AS services,
			COUNT { (z)<-[:COVERS]-(:Partnership) } AS partnerships,
			COUNT { (z)<-[:IN_ZONE]-(:Case) } AS cases`, key); err != nil {
			return "", err
		}
		_, err := run(ctx, tx, "MATCH (n:Zone {id: $id}) DETACH DELETE n", map[string]any{"id": key})
		return key, err
	})
}

// checkZone checks what a zone's write must respect: its parents exist and do not lie inside it
// (which would make the zone graph cyclic), and its ISTAT code is not another zone's.
func (s *Store) checkZone(ctx context.Context, tx neo4j.ManagedTransaction, key string, istat *string, parents []string) error {
	if err := mustExist(ctx, tx, "Zone", parents, true, "input", "parentIds"); err != nil {
		return err
	}
	var errs model.InputErrors
	if len(parents) > 0 {
		records, err := run(ctx, tx, `MATCH (p:Zone) WHERE p.id IN $parents
			AND (p.id = $id OR EXISTS { MATCH (p)-[:PART_OF]->+(:Zone {id: $id}) }) RETURN p.name`,
			map[string]any{"id": key, "parents": parents})
		if err != nil {
			return err
		}
		for _, r := range records {
			errs.Add(model.UserErrorCodeCycle, fmt.Sprintf("%s lies inside this zone, so it cannot contain it", r.Values[0]), "input", "parentIds")
		}
	}
	if istat != nil && *istat != "" {
		records, err := run(ctx, tx, "MATCH (z:Zone {istatCode: $istat}) WHERE z.id <> $id RETURN z.name",
			map[string]any{"id": key, "istat": *istat})
		if err != nil {
			return err
		}
		for _, r := range records {
			errs.Add(model.UserErrorCodeDuplicate, fmt.Sprintf("%s already has this ISTAT code", r.Values[0]), "input", "istatCode")
		}
	}
	return errs.Err()
}

func setZoneParents(ctx context.Context, tx neo4j.ManagedTransaction, key string, parents []string) error {
	_, err := run(ctx, tx, `MATCH (z:Zone {id: $id}) UNWIND $parents AS pid MATCH (p:Zone {id: pid})
		CREATE (z)-[:PART_OF]->(p)`, map[string]any{"id": key, "parents": parents})
	return err
}
