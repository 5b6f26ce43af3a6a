package store

import (
	"context"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

var partnershipOrders = map[model.PartnershipOrderField]string{
	model.PartnershipOrderFieldTitle:     "n.title",
	model.PartnershipOrderFieldStartDate: "coalesce(toString(n.startDate), '~')",
	model.PartnershipOrderFieldEndDate:   "coalesce(toString(n.endDate), '~')",
}

// Partnerships lists partnerships by the filter, in the order asked (by title by default).
func (s *Store) Partnerships(ctx context.Context, f *model.PartnershipFilter, by *model.PartnershipOrder, p Page) (*model.PartnershipConnection, error) {
	q := newQuery("Partnership")
	if f != nil {
		var c model.Check
		q.search(&c, "partnership_search", f.Search)
		if len(f.Kinds) > 0 {
			q.where("n.kind IN $kinds", "kinds", strs(f.Kinds))
		}
		if len(f.Statuses) > 0 {
			q.where("n.status IN $statuses", "statuses", strs(f.Statuses))
		}
		if f.Zone != nil {
			key := keyOf(&c, "Zone", *f.Zone, "filter", "zone")
			q.where("EXISTS { MATCH (n)-[:COVERS]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) }", "zone", key)
			q.mustExist("Zone", key, "filter.zone")
		}
		if f.Member != nil {
			key := keyOf(&c, "Actor", *f.Member, "filter", "member")
			q.where("EXISTS { MATCH (n)<-[:MEMBER_OF]-(:Actor {id: $member}) }", "member", key)
			q.mustExist("Actor", key, "filter.member")
		}
		if f.EndingBefore != nil {
			q.where("n.endDate <= $endingBefore", "endingBefore", dateParam(f.EndingBefore))
		}
		if err := filterErr(c); err != nil {
			return nil, err
		}
	}
	o := order{expr: partnershipOrders[model.PartnershipOrderFieldTitle]}
	if by != nil {
		o = order{expr: partnershipOrders[by.Field], desc: by.Direction != nil && *by.Direction == model.OrderDirectionDesc}
	}
	return list(ctx, s, q, p, o, decodePartnership)
}

// CreatePartnership creates a partnership over its zones.
func (s *Store) CreatePartnership(ctx context.Context, in model.CreatePartnershipInput) (*model.Partnership, error) {
	var c model.Check
	CheckPartnership(&c, in.Title, in.Description, in.StartDate, in.EndDate, "input")
	zones := keysOf(&c, "Zone", in.ZoneIds, "input", "zoneIds")
	parent := optKeyOf(&c, "Partnership", in.ParentID, "input", "parentId")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Partnership, error) {
		if err := checkPartnershipRefs(ctx, tx, zones, parent); err != nil {
			return nil, err
		}
		if err := authorizeZones(ctx, tx, zones); err != nil {
			return nil, err
		}
		key := uuid.NewString()
		status := model.PartnershipStatusActive
		if in.Status != nil {
			status = *in.Status
		}
		props := map[string]any{
			"title": in.Title, "kind": string(in.Kind), "status": string(status), "description": emptyToNil(in.Description),
			"startDate": dateParam(in.StartDate), "endDate": dateParam(in.EndDate),
		}
		if _, err := run(ctx, tx, "CREATE (n:Partnership {id: $id, createdAt: $now, updatedAt: $now, version: 1}) SET n += $props",
			map[string]any{"id": key, "props": props, "now": s.now()}); err != nil {
			return nil, err
		}
		if err := setPartnershipLinks(ctx, tx, key, zones, parent); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Partnership", key, decodePartnership)
	})
}

// UpdatePartnership changes a partnership at the version the client read.
func (s *Store) UpdatePartnership(ctx context.Context, in model.UpdatePartnershipInput) (*model.Partnership, error) {
	var c model.Check
	key := keyOf(&c, "Partnership", in.ID, "input", "id")
	if in.Title != nil {
		c.Name(*in.Title, "input", "title")
	}
	c.Text(in.Description, model.MaxTextLength, "input", "description")
	zones := keysOf(&c, "Zone", in.ZoneIds, "input", "zoneIds")
	parent := optKeyOf(&c, "Partnership", in.ParentID, "input", "parentId")
	if parent != nil && *parent == key {
		c.Add(model.UserErrorCodeCycle, "a partnership cannot be part of itself", "input", "parentId")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Partnership, error) {
		if err := lock(ctx, tx, "Partnership", key, in.Version, "input", "id"); err != nil {
			return nil, err
		}
		old, err := getOne(ctx, tx, "Partnership", key, decodePartnership)
		if err != nil {
			return nil, err
		}
		c.DateRange(or(in.StartDate, old.StartDate), or(in.EndDate, old.EndDate), "input", "endDate")
		if err := c.Err(); err != nil {
			return nil, err
		}
		if err := checkPartnershipRefs(ctx, tx, zones, parent); err != nil {
			return nil, err
		}
		if in.ZoneIds != nil {
			if err := authorizeZones(ctx, tx, zones); err != nil {
				return nil, err
			}
		}
		if err := parentCycle(ctx, tx, "Partnership", key, parent); err != nil {
			return nil, err
		}
		props := map[string]any{}
		setIfGiven(props, "title", in.Title, func(v string) any { return v })
		setIfGiven(props, "kind", in.Kind, str[model.PartnershipKind])
		setIfGiven(props, "status", in.Status, str[model.PartnershipStatus])
		if in.Description != nil {
			props["description"] = emptyToNil(in.Description)
		}
		if in.StartDate != nil {
			props["startDate"] = dateParam(in.StartDate)
		}
		if in.EndDate != nil {
			props["endDate"] = dateParam(in.EndDate)
		}
		if _, err := run(ctx, tx, "MATCH (n:Partnership {id: $id}) SET n += $props, "+touch,
			map[string]any{"id": key, "props": props, "now": s.now()}); err != nil {
			return nil, err
		}
		if in.ZoneIds != nil {
			if _, err := run(ctx, tx, "MATCH (:Partnership {id: $id})-[r:COVERS]->() DELETE r", map[string]any{"id": key}); err != nil {
				return nil, err
			}
		}
		if parent != nil {
			if _, err := run(ctx, tx, "MATCH (:Partnership {id: $id})-[r:PART_OF]->() DELETE r", map[string]any{"id": key}); err != nil {
				return nil, err
			}
		}
		if err := setPartnershipLinks(ctx, tx, key, zones, parent); err != nil {
			return nil, err
		}
		if err := authorizeAfter(ctx, tx, "Partnership", key); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Partnership", key, decodePartnership)
	})
}

// DeletePartnership deletes a partnership with no sub-partnerships, and its memberships.
func (s *Store) DeletePartnership(ctx context.Context, in model.DeletePartnershipInput) (string, error) {
	var c model.Check
	key := keyOf(&c, "Partnership", in.ID, "input", "id")
	if err := c.Err(); err != nil {
		return "", err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		if err := lock(ctx, tx, "Partnership", key, in.Version, "input", "id"); err != nil {
			return "", err
		}
		if err := hasDependants(ctx, tx, "MATCH (p:Partnership {id: $id}) RETURN COUNT { (p)<-[:PART_OF]-(:Partnership) } AS `sub-partnerships`, COUNT { (p)<-[:GOVERNED_BY]-(:Route) } AS routes", key); err != nil {
			return "", err
		}
		_, err := run(ctx, tx, "MATCH (n:Partnership {id: $id}) DETACH DELETE n", map[string]any{"id": key})
		return key, err
	})
}

// membershipChange is what the three membership mutations share: which partnership at which
// version, which actor, and the role and date to set.
type membershipChange struct {
	partnership, actor string
	version            int
	role               *model.MemberRole
	since              *model.Date
}

// AddMember adds an actor to a partnership, refusing a second membership of the same actor.
func (s *Store) AddMember(ctx context.Context, in model.AddMemberInput) (*model.Partnership, error) {
	return s.changeMembership(ctx, membershipChange{in.PartnershipID, in.ActorID, in.Version, &in.Role, in.Since}, func(ctx context.Context, tx neo4j.ManagedTransaction, m membershipChange, member bool) error {
		if member {
			return model.InputError(model.UserErrorCodeDuplicate, "the actor is a member already; change its role instead", "input", "actorId")
		}
		// A coordinator adds only actors that lie wholly in its zones, as it edits only those.
		if err := authorizeAll(ctx, tx, "Actor", []string{m.actor}); err != nil {
			return err
		}
		_, err := run(ctx, tx, `MATCH (a:Actor {id: $actor}), (p:Partnership {id: $partnership})
			CREATE (a)-[:MEMBER_OF {role: $role, since: $since}]->(p)`, m.params())
		return err
	})
}

// UpdateMember changes a member's role or joining date.
func (s *Store) UpdateMember(ctx context.Context, in model.UpdateMemberInput) (*model.Partnership, error) {
	return s.changeMembership(ctx, membershipChange{in.PartnershipID, in.ActorID, in.Version, in.Role, in.Since}, func(ctx context.Context, tx neo4j.ManagedTransaction, m membershipChange, member bool) error {
		if !member {
			return model.InputError(model.UserErrorCodeNotFound, "the actor is not a member", "input", "actorId")
		}
		params := m.params()
		params["setRole"], params["setSince"] = m.role != nil, m.since != nil
		_, err := run(ctx, tx, `MATCH (:Actor {id: $actor})-[r:MEMBER_OF]->(:Partnership {id: $partnership})
			SET r.role = CASE WHEN $setRole THEN $role ELSE r.role END,
			    r.since = CASE WHEN $setSince THEN $since ELSE r.since END`, params)
		return err
	})
}

// RemoveMember removes an actor from a partnership.
func (s *Store) RemoveMember(ctx context.Context, in model.RemoveMemberInput) (*model.Partnership, error) {
	return s.changeMembership(ctx, membershipChange{partnership: in.PartnershipID, actor: in.ActorID, version: in.Version}, func(ctx context.Context, tx neo4j.ManagedTransaction, m membershipChange, member bool) error {
		if !member {
			return model.InputError(model.UserErrorCodeNotFound, "the actor is not a member", "input", "actorId")
		}
		_, err := run(ctx, tx, "MATCH (:Actor {id: $actor})-[r:MEMBER_OF]->(:Partnership {id: $partnership}) DELETE r", m.params())
		return err
	})
}

func (m membershipChange) params() map[string]any {
	var role any
	if m.role != nil {
		role = string(*m.role)
	}
	return map[string]any{"actor": m.actor, "partnership": m.partnership, "role": role, "since": dateParam(m.since)}
}

// changeMembership runs a membership change under the partnership's lock and version, after
// checking that both ends exist; change learns whether the actor is a member already.
func (s *Store) changeMembership(ctx context.Context, m membershipChange,
	change func(context.Context, neo4j.ManagedTransaction, membershipChange, bool) error) (*model.Partnership, error) {
	var c model.Check
	m.partnership = keyOf(&c, "Partnership", m.partnership, "input", "partnershipId")
	m.actor = keyOf(&c, "Actor", m.actor, "input", "actorId")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Partnership, error) {
		if err := lock(ctx, tx, "Partnership", m.partnership, m.version, "input", "partnershipId"); err != nil {
			return nil, err
		}
		if err := mustExist(ctx, tx, "Actor", []string{m.actor}, false, "input", "actorId"); err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, "RETURN EXISTS { MATCH (:Actor {id: $actor})-[:MEMBER_OF]->(:Partnership {id: $partnership}) }", m.params())
		if err != nil {
			return nil, err
		}
		if err := change(ctx, tx, m, records[0].Values[0] == true); err != nil {
			return nil, err
		}
		if _, err := run(ctx, tx, "MATCH (n:Partnership {id: $id}) SET "+touch, map[string]any{"id": m.partnership, "now": s.now()}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Partnership", m.partnership, decodePartnership)
	})
}

func checkPartnershipRefs(ctx context.Context, tx neo4j.ManagedTransaction, zones []string, parent *string) error {
	if err := mustExist(ctx, tx, "Zone", zones, true, "input", "zoneIds"); err != nil {
		return err
	}
	if parent != nil && *parent != "" {
		return mustExist(ctx, tx, "Partnership", []string{*parent}, false, "input", "parentId")
	}
	return nil
}

func setPartnershipLinks(ctx context.Context, tx neo4j.ManagedTransaction, key string, zones []string, parent *string) error {
	return setLinks(ctx, tx, "Partnership", "COVERS", key, zones, parent)
}
