package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

var actorOrders = map[model.ActorOrderField]string{
	model.ActorOrderFieldName:      "n.name",
	model.ActorOrderFieldCreatedAt: "n.createdAt.epochMillis",
	model.ActorOrderFieldUpdatedAt: "n.updatedAt.epochMillis",
}

// Actors lists actors by the filter, in the order asked (by name by default).
func (s *Store) Actors(ctx context.Context, f *model.ActorFilter, by *model.ActorOrder, p Page) (*model.ActorConnection, error) {
	q := newQuery("Actor")
	if f != nil {
		var c model.Check
		q.search(&c, "actor_search", f.Search)
		if len(f.Kinds) > 0 {
			q.where("n.kind IN $kinds", "kinds", strs(f.Kinds))
		}
		if len(f.Statuses) > 0 {
			q.where("coalesce(n.status, 'ACTIVE') IN $statuses", "statuses", strs(f.Statuses))
		}
		if f.Zone != nil {
			key := keyOf(&c, "Zone", *f.Zone, "filter", "zone")
			q.where("EXISTS { MATCH (n)-[:OPERATES_IN]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) }", "zone", key)
			q.mustExist("Zone", key, "filter.zone")
		}
		if f.Partnership != nil {
			key := keyOf(&c, "Partnership", *f.Partnership, "filter", "partnership")
			q.where("EXISTS { MATCH (n)-[:MEMBER_OF]->(:Partnership {id: $partnership}) }", "partnership", key)
			q.mustExist("Partnership", key, "filter.partnership")
		}
		if f.Need != nil {
			key := keyOf(&c, "Need", *f.Need, "filter", "need")
			q.where("EXISTS { MATCH (n)-[:PROVIDES]->(:Service)-[:MEETS]->(:Need)-[:BROADER]->*(:Need {id: $need}) }", "need", key)
			q.mustExist("Need", key, "filter.need")
		}
		if err := filterErr(c); err != nil {
			return nil, err
		}
	}
	o := order{expr: actorOrders[model.ActorOrderFieldName]}
	if by != nil {
		o = order{expr: actorOrders[by.Field], desc: by.Direction != nil && *by.Direction == model.OrderDirectionDesc}
	}
	return list(ctx, s, q, p, o, decodeActor)
}

// CreateActor creates an actor in its zones.
func (s *Store) CreateActor(ctx context.Context, in model.CreateActorInput) (*model.Actor, error) {
	var c model.Check
	c.Name(in.Name, "input", "name")
	c.Text(in.Description, model.MaxTextLength, "input", "description")
	c.TaxCode(in.TaxCode, "input", "taxCode")
	c.Contacts(in.Contacts, "input", "contacts")
	c.Location(in.Location, "input", "location")
	if len(in.ZoneIds) == 0 {
		c.Add(model.UserErrorCodeRequired, "an actor operates in at least one zone", "input", "zoneIds")
	}
	zones := keysOf(&c, "Zone", in.ZoneIds, "input", "zoneIds")
	parent := optKeyOf(&c, "Actor", in.ParentID, "input", "parentId")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Actor, error) {
		key := uuid.NewString()
		if err := checkActorRefs(ctx, tx, zones, parent); err != nil {
			return nil, err
		}
		if err := authorizeZones(ctx, tx, zones); err != nil {
			return nil, err
		}
		status := model.RecordStatusActive
		if in.Status != nil {
			status = *in.Status
		}
		props := merge(contactProps(in.Contacts), LocationProps(in.Location), map[string]any{
			"name": in.Name, "kind": string(in.Kind), "status": string(status),
			"description": emptyToNil(in.Description), "taxCode": emptyToNil(in.TaxCode),
		})
		if _, err := run(ctx, tx, "CREATE (n:Actor {id: $id, createdAt: $now, updatedAt: $now, version: 1}) SET n += $props",
			map[string]any{"id": key, "props": props, "now": s.now()}); err != nil {
			return nil, err
		}
		if err := setActorLinks(ctx, tx, key, zones, parent); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Actor", key, decodeActor)
	})
}

// UpdateActor changes an actor at the version the client read.
func (s *Store) UpdateActor(ctx context.Context, in model.UpdateActorInput) (*model.Actor, error) {
	var c model.Check
	key := keyOf(&c, "Actor", in.ID, "input", "id")
	if in.Name != nil {
		c.Name(*in.Name, "input", "name")
	}
	c.Text(in.Description, model.MaxTextLength, "input", "description")
	c.TaxCode(in.TaxCode, "input", "taxCode")
	c.Contacts(in.Contacts, "input", "contacts")
	c.Location(in.Location.Value(), "input", "location")
	if in.ZoneIds != nil && len(in.ZoneIds) == 0 {
		c.Add(model.UserErrorCodeRequired, "an actor operates in at least one zone", "input", "zoneIds")
	}
	zones := keysOf(&c, "Zone", in.ZoneIds, "input", "zoneIds")
	parent := optKeyOf(&c, "Actor", in.ParentID, "input", "parentId")
	if parent != nil && *parent == key {
		c.Add(model.UserErrorCodeCycle, "an actor cannot belong to itself", "input", "parentId")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Actor, error) {
		if err := lock(ctx, tx, "Actor", key, in.Version, "input", "id"); err != nil {
			return nil, err
		}
		if err := checkActorRefs(ctx, tx, zones, parent); err != nil {
			return nil, err
		}
		if in.ZoneIds != nil {
			if err := authorizeZones(ctx, tx, zones); err != nil {
				return nil, err
			}
		}
		if err := parentCycle(ctx, tx, "Actor", key, parent); err != nil {
			return nil, err
		}
		props := map[string]any{}
		if in.Description != nil {
			props["description"] = emptyToNil(in.Description)
		}
		if in.TaxCode != nil {
			props["taxCode"] = emptyToNil(in.TaxCode)
		}
		if in.Contacts != nil {
			props = merge(props, contactProps(in.Contacts))
		}
		if in.Location.IsSet() {
			props = merge(props, LocationProps(in.Location.Value()))
		}
		setIfGiven(props, "name", in.Name, func(v string) any { return v })
		setIfGiven(props, "kind", in.Kind, str[model.ActorKind])
		setIfGiven(props, "status", in.Status, str[model.RecordStatus])
		if _, err := run(ctx, tx, "MATCH (n:Actor {id: $id}) SET n += $props, "+touch,
			map[string]any{"id": key, "props": props, "now": s.now()}); err != nil {
			return nil, err
		}
		if in.ZoneIds != nil {
			if _, err := run(ctx, tx, "MATCH (:Actor {id: $id})-[r:OPERATES_IN]->() DELETE r", map[string]any{"id": key}); err != nil {
				return nil, err
			}
		}
		if parent != nil {
			if _, err := run(ctx, tx, "MATCH (:Actor {id: $id})-[r:PART_OF]->() DELETE r", map[string]any{"id": key}); err != nil {
				return nil, err
			}
		}
		if err := setActorLinks(ctx, tx, key, zones, parent); err != nil {
			return nil, err
		}
		if err := authorizeAfter(ctx, tx, "Actor", key); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Actor", key, decodeActor)
	})
}

// DeleteActor deletes an actor that provides no service and has no member actors; its
// memberships go with it.
func (s *Store) DeleteActor(ctx context.Context, in model.DeleteActorInput) (string, error) {
	var c model.Check
	key := keyOf(&c, "Actor", in.ID, "input", "id")
	if err := c.Err(); err != nil {
		return "", err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		if err := lock(ctx, tx, "Actor", key, in.Version, "input", "id"); err != nil {
			return "", err
		}
		// An actor with history is archived instead (updateActor with status ARCHIVED): its cases,
		// referrals and routes name it.
		if err := hasDependants(ctx, tx, `MATCH (a:Actor {id: $id}) RETURN
			COUNT { (a)-[:PROVIDES]->(:Service) } AS services,
			COUNT { (a)<-[:PART_OF]-(:Actor) } AS `+"`member actors`"+`,
			COUNT { (a)<-[:MANAGED_BY]-(:Case) } AS `+"`managed cases`"+`,
			COUNT { (a)<-[:REFERRED_FROM|REFERRED_TO]-(:Referral) } AS referrals,
			COUNT { (a)<-[:FROM|TO]-(:Route) } AS routes`, key); err != nil {
			return "", err
		}
		_, err := run(ctx, tx, "MATCH (n:Actor {id: $id}) DETACH DELETE n", map[string]any{"id": key})
		return key, err
	})
}

// contactProps are the contact properties of an actor; contacts not given are removed.
func contactProps(c *model.ContactsInput) map[string]any {
	if c == nil {
		c = &model.ContactsInput{}
	}
	return map[string]any{
		"phone": emptyToNil(c.Phone), "email": emptyToNil(c.Email),
		"website": emptyToNil(c.Website), "address": emptyToNil(c.Address),
	}
}

func checkActorRefs(ctx context.Context, tx neo4j.ManagedTransaction, zones []string, parent *string) error {
	if err := mustExist(ctx, tx, "Zone", zones, true, "input", "zoneIds"); err != nil {
		return err
	}
	if parent != nil && *parent != "" {
		return mustExist(ctx, tx, "Actor", []string{*parent}, false, "input", "parentId")
	}
	return nil
}

func setActorLinks(ctx context.Context, tx neo4j.ManagedTransaction, key string, zones []string, parent *string) error {
	return setLinks(ctx, tx, "Actor", "OPERATES_IN", key, zones, parent)
}
