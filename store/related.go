package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
)

// Rel is a relationship field: a Cypher pattern from the parent node, whose ID is pid, to the
// related nodes n (and, for memberships, the relationship r), the order of the related nodes,
// and how to read one. Loaders fetch a Rel for many parents in one round-trip.
type Rel[T any] struct {
	pattern string
	order   order
	withRel bool
	decode  func(pid string, n neo4j.Node, r *neo4j.Relationship) T
	// guard, when set, is a predicate on pid and n that a related node must meet for the
	// viewer, with its parameters: case-level data (caseread.go).
	guard func(ctx context.Context, s *Store) (string, map[string]any)
}

// guardOf is the rel's guard for the viewer, "true" when it has none.
func (rel Rel[T]) guardOf(ctx context.Context, s *Store) (string, map[string]any) {
	if rel.guard == nil {
		return "true", nil
	}
	return rel.guard(ctx, s)
}

func nodeRel[T any](pattern, sortExpr string, decode func(neo4j.Node) T) Rel[T] {
	return Rel[T]{pattern: pattern, order: order{expr: sortExpr}, decode: func(_ string, n neo4j.Node, _ *neo4j.Relationship) T { return decode(n) }}
}

// The relationship fields of the directory.
var (
	ZoneParents         = nodeRel("(:Zone {id: pid})-[:PART_OF]->(n:Zone)", "n.name", decodeZone)
	ZoneChildren        = nodeRel("(:Zone {id: pid})<-[:PART_OF]-(n:Zone)", "n.name", decodeZone)
	ZoneActors          = nodeRel("(:Zone {id: pid})<-[:OPERATES_IN]-(n:Actor)", "n.name", decodeActor)
	ZoneServices        = nodeRel("(:Zone {id: pid})<-[:AVAILABLE_IN]-(n:Service)", "n.name", decodeService)
	ActorZones          = nodeRel("(:Actor {id: pid})-[:OPERATES_IN]->(n:Zone)", "n.name", decodeZone)
	ActorParent         = nodeRel("(:Actor {id: pid})-[:PART_OF]->(n:Actor)", "n.name", decodeActor)
	ActorChildren       = nodeRel("(:Actor {id: pid})<-[:PART_OF]-(n:Actor)", "n.name", decodeActor)
	ActorServices       = nodeRel("(:Actor {id: pid})-[:PROVIDES]->(n:Service)", "n.name", decodeService)
	ServiceProvider     = nodeRel("(:Service {id: pid})<-[:PROVIDES]-(n:Actor)", "n.name", decodeActor)
	ServiceCategory     = nodeRel("(:Service {id: pid})-[:IN_CATEGORY]->(n:ServiceCategory)", "n.code", decodeCategory)
	ServiceNeeds        = nodeRel("(:Service {id: pid})-[:MEETS]->(n:Need)", "n.code", decodeNeed)
	ServiceZones        = nodeRel("(:Service {id: pid})-[:AVAILABLE_IN]->(n:Zone)", "n.name", decodeZone)
	NeedBroader         = nodeRel("(:Need {id: pid})-[:BROADER]->(n:Need)", "n.code", decodeNeed)
	NeedNarrower        = nodeRel("(:Need {id: pid})<-[:BROADER]-(n:Need)", "n.code", decodeNeed)
	NeedServices        = nodeRel("(:Need {id: pid})<-[:BROADER*0..]-(:Need)<-[:MEETS]-(n:Service)", "n.name", decodeService)
	CategoryBroader     = nodeRel("(:ServiceCategory {id: pid})-[:BROADER]->(n:ServiceCategory)", "n.code", decodeCategory)
	CategoryNarrower    = nodeRel("(:ServiceCategory {id: pid})<-[:BROADER]-(n:ServiceCategory)", "n.code", decodeCategory)
	PartnershipZones    = nodeRel("(:Partnership {id: pid})-[:COVERS]->(n:Zone)", "n.name", decodeZone)
	PartnershipParent   = nodeRel("(:Partnership {id: pid})-[:PART_OF]->(n:Partnership)", "n.title", decodePartnership)
	PartnershipChildren = nodeRel("(:Partnership {id: pid})<-[:PART_OF]-(n:Partnership)", "n.title", decodePartnership)

	// ActorMemberships are an actor's memberships, by partnership title.
	ActorMemberships = Rel[*model.Membership]{
		pattern: "(:Actor {id: pid})-[r:MEMBER_OF]->(n:Partnership)",
		order:   order{expr: "n.title"}, withRel: true,
		decode: func(pid string, n neo4j.Node, r *neo4j.Relationship) *model.Membership {
			return decodeMembership(pid, n.Props["id"].(string), r)
		},
	}
	// PartnershipMembers are a partnership's members, leads first, then by actor name.
	PartnershipMembers = Rel[*model.Membership]{
		pattern: "(:Partnership {id: pid})<-[r:MEMBER_OF]-(n:Actor)",
		order:   order{expr: "CASE r.role WHEN 'LEAD' THEN '0' ELSE '1' END + n.name"}, withRel: true,
		decode: func(pid string, n neo4j.Node, r *neo4j.Relationship) *model.Membership {
			return decodeMembership(n.Props["id"].(string), pid, r)
		},
	}
)

func decodeMembership(actorID, partnershipID string, r *neo4j.Relationship) *model.Membership {
	p := props(r.Props)
	return &model.Membership{ActorID: actorID, PartnershipID: partnershipID, Role: model.MemberRole(p.str("role")), Since: p.optDate("since")}
}

// Related reads a relationship field of many parents at once: every related node of each.
func Related[T any](ctx context.Context, s *Store, rel Rel[T], ids []string) (map[string][]T, error) {
	part := &RelatedPart[T]{Rel: &rel, From: Keys(ids)}
	if err := readPartsTx(ctx, s, part); err != nil {
		return nil, err
	}
	if part.Out == nil {
		return map[string][]T{}, nil
	}
	return part.Out, nil
}

// RelatedPages reads the same page of a relationship field for many parents at once. The pages
// have no Count: the caller counts through RelatedCounts, batched too.
func RelatedPages[T any](ctx context.Context, s *Store, rel Rel[T], ids []string, p Page) (map[string]*model.Connection[T], error) {
	part := &PagePart[T]{Rel: &rel, From: Keys(ids), Page: p}
	if err := readPartsTx(ctx, s, part); err != nil {
		return nil, err
	}
	out := make(map[string]*model.Connection[T], len(ids))
	for _, pid := range ids {
		out[pid] = part.Of(pid)
	}
	return out, nil
}

// RelatedCounts counts the related nodes of many parents at once.
func RelatedCounts[T any](ctx context.Context, s *Store, rel Rel[T], ids []string) (map[string]int, error) {
	part := &CountPart[T]{Rel: &rel, From: Keys(ids)}
	if err := readPartsTx(ctx, s, part); err != nil {
		return nil, err
	}
	if part.Out == nil {
		return map[string]int{}, nil
	}
	return part.Out, nil
}

func relVar(withRel bool) string {
	if withRel {
		return ", r"
	}
	return ""
}
