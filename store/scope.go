package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/model"
)

// A coordinator keeps a set of zones ($scope) and everything inside them at any depth. It may
// change an object only when all of it lies there: every zone an actor operates in, a service
// is available in or a partnership covers, both ends of a route. The predicates below say so in
// Cypher, and authorize and authorizeAll apply them before a write (to what the object is) and
// after it (to what it becomes), so that an object partly outside is refused as a whole.

// zoneInScope is the predicate that the zone z lies in a zone of $scope.
func zoneInScope(z string) string {
	return "EXISTS { MATCH (" + z + ")-[:PART_OF]->*(kept:Zone) WHERE kept.id IN $scope }"
}

// placedRels are the relationships from an actor, a service or a partnership to its zones.
const placedRels = "OPERATES_IN|AVAILABLE_IN|COVERS"

// whollyInScope is the predicate that the node x lies wholly in $scope: a zone inside one of
// the coordinator's zones, or an actor, service or partnership with at least one zone and none
// outside them.
func whollyInScope(x string) string {
	return "CASE WHEN " + x + ":Zone THEN " + zoneInScope(x) +
		" ELSE EXISTS { (" + x + ")-[:" + placedRels + "]->(:Zone) } AND NOT EXISTS { MATCH (" + x + ")-[:" + placedRels + "]->(z:Zone) WHERE NOT " + zoneInScope("z") + " } END"
}

// scopeOf are the predicates, by label, that the node n lies wholly in $scope.
var scopeOf = map[string]string{
	"Zone":        whollyInScope("n"),
	"Actor":       whollyInScope("n"),
	"Service":     whollyInScope("n"),
	"Partnership": whollyInScope("n"),
	// A route lies in scope when both its ends do.
	"Route": routeInScope("n"),
}

// routeInScope is the predicate that both ends of the route r lie wholly in $scope.
func routeInScope(r string) string {
	return "EXISTS { MATCH (a)<-[:FROM]-(" + r + ")-[:TO]->(b) WHERE " + whollyInScope("a") + " AND " + whollyInScope("b") + " }"
}

// changeRule is the one rule of who may change a node as it stands: a Cypher predicate over
// the node n of the label and its parameters. Admins may change anything (allowAll);
// coordinators what lies wholly in their zones; case managers the cases their actor manages;
// either end of a referral the referral; service operators the services of their own actor.
// Pathway models are changed by admins only: every case of every zone that follows a model
// moves with it, so no coordinator's zones contain one. ok is false when the viewer may change
// no node of the label.
func changeRule(v auth.Viewer, label string) (pred string, params map[string]any, allowAll, ok bool) {
	switch {
	case v.Role == auth.Admin:
		return "true", nil, true, true
	case v.Role == auth.Coordinator && scopeOf[label] != "":
		return scopeOf[label], map[string]any{"scope": orEmpty(v.ZoneIDs)}, false, true
	case v.Role == auth.CaseManager && label == "Case":
		return "n.managingActorId = $actor", map[string]any{"actor": v.ActorID}, false, true
	case v.Is(auth.CaseManager, auth.ServiceOperator) && label == "Referral":
		// Either end may move a referral; authorizeReferral says which end may make which move.
		return "n.fromId = $actor OR " + recipientIs, map[string]any{"actor": v.ActorID}, false, true
	case v.Role == auth.ServiceOperator && label == "Service":
		return "EXISTS { MATCH (n)<-[:PROVIDES]-(:Actor {id: $actor}) }", map[string]any{"actor": v.ActorID}, false, true
	}
	return "", nil, false, false
}

// authorize is the data-layer half of access control (the schema's @hasRole is the other): it
// checks, by changeRule, that the viewer may change the node as it stands.
func authorize(ctx context.Context, tx neo4j.ManagedTransaction, label, key string) error {
	v := auth.From(ctx)
	pred, params, allowAll, ok := changeRule(v, label)
	if !ok {
		return forbidden(v)
	}
	if allowAll {
		return nil
	}
	records, err := run(ctx, tx, "MATCH (n:"+label+" {id: $id}) RETURN "+pred, merge(params, map[string]any{"id": key}))
	if err != nil {
		return err
	}
	if len(records) > 0 && records[0].Values[0] != true {
		return forbidden(v)
	}
	return nil
}

// MayChange answers, for each key of the label, whether the viewer may change the node as it
// stands, by the rule authorize applies before every write (changeRule), in one statement for
// all the keys: the API's viewerCanEdit. Keys with no node are false.
func (s *Store) MayChange(ctx context.Context, label string, keys []string) (map[string]bool, error) {
	out := make(map[string]bool, len(keys))
	for _, k := range keys {
		out[k] = false
	}
	if _, _, _, ok := changeRule(auth.From(ctx), label); !ok {
		return out, nil // no rule lets the viewer change such a node: nothing to read
	}
	part := &MayChangePart{Label: label, From: Keys(keys)}
	if err := readPartsTx(ctx, s, part); err != nil {
		return nil, err
	}
	for k, may := range part.Out {
		out[k] = may
	}
	return out, nil
}

// MayChangePart reads MayChange for many nodes of a label, as a part of a combined statement:
// the read ahead of viewerCanEdit with the level that asks it (loaders/prefetch.go).
type MayChangePart struct {
	Label string
	From  Source
	Out   map[string]bool // by key; false, or absent, when the viewer may not change it
}

func (p *MayChangePart) source() Source { return p.From }

func (p *MayChangePart) column(ctx context.Context, _ *Store, _ string) (string, map[string]any) {
	pred, params, _, ok := changeRule(auth.From(ctx), p.Label)
	if !ok {
		return "[]", nil
	}
	return "COLLECT { MATCH (n:" + p.Label + " {id: pid}) RETURN " + pred + " }", params
}

func (p *MayChangePart) take(pid string, items []any) {
	if p.Out == nil {
		p.Out = map[string]bool{}
	}
	p.Out[pid] = len(items) > 0 && items[0] == true
}

// authorizeAll checks that a coordinator keeps every node of the keys wholly (zones, actors or
// services, by label): the zones a write puts a node in, the provider it gives a service, the
// actor it adds to a partnership, the ends of a route. Admins pass; other roles never reach
// such a write.
func authorizeAll(ctx context.Context, tx neo4j.ManagedTransaction, label string, keys []string) error {
	v := auth.From(ctx)
	if v.Role == auth.Admin {
		return nil
	}
	if v.Role != auth.Coordinator || len(keys) == 0 {
		return forbidden(v)
	}
	records, err := run(ctx, tx, "UNWIND $keys AS k MATCH (n:"+label+" {id: k}) RETURN count(n) = size($keys) AND all(ok IN collect("+whollyInScope("n")+") WHERE ok)",
		map[string]any{"keys": keys, "scope": orEmpty(v.ZoneIDs)})
	if err != nil {
		return err
	}
	if records[0].Values[0] != true {
		return forbidden(v)
	}
	return nil
}

// authorizeZones checks that a coordinator keeps every zone a write puts a node in.
func authorizeZones(ctx context.Context, tx neo4j.ManagedTransaction, zones []string) error {
	return authorizeAll(ctx, tx, "Zone", zones)
}

// authorizeAfter checks, after a write that moved a node, that a coordinator still keeps all of
// it: a change may not carry an object out of the zones that allowed it.
func authorizeAfter(ctx context.Context, tx neo4j.ManagedTransaction, label, key string) error {
	if auth.From(ctx).Role != auth.Coordinator {
		return nil
	}
	return authorize(ctx, tx, label, key)
}

func forbidden(v auth.Viewer) error {
	if v.Role == auth.Coordinator {
		return model.Errorf(model.CodeForbidden, "this lies outside the zones you keep")
	}
	return model.Errorf(model.CodeForbidden, "a %s may not change this", v.Role)
}

// recipientIs is the predicate on a referral n that the actor $actor receives it, itself or
// through one of its services.
const recipientIs = "EXISTS { MATCH (n)-[:REFERRED_TO]->(t) WHERE t.id = $actor OR EXISTS { (t)<-[:PROVIDES]-(:Actor {id: $actor}) } }"

// authorizeReferral checks that the viewer is at the end of the referral that makes the move:
// the recipient answers, the sender cancels.
func authorizeReferral(ctx context.Context, tx neo4j.ManagedTransaction, key string, byRecipient bool) error {
	v := auth.From(ctx)
	if v.Role == auth.Admin {
		return nil
	}
	cypher := "MATCH (n:Referral {id: $id}) RETURN n.fromId = $actor"
	if byRecipient {
		cypher = "MATCH (n:Referral {id: $id}) RETURN " + recipientIs
	}
	records, err := run(ctx, tx, cypher, map[string]any{"id": key, "actor": v.ActorID})
	if err != nil {
		return err
	}
	if len(records) == 0 || records[0].Values[0] != true {
		if byRecipient {
			return model.Errorf(model.CodeForbidden, "only the recipient of a referral answers it")
		}
		return model.Errorf(model.CodeForbidden, "only the sender of a referral cancels it")
	}
	return nil
}

// SeesConfidential reports whether the viewer works in the network (ADMIN, COORDINATOR,
// CASE_MANAGER, SERVICE_OPERATOR) and so sees what a confidential service hides from public
// readers (anonymous visitors and researchers): its address, opening hours and places.
func SeesConfidential(ctx context.Context) bool {
	return auth.From(ctx).Is(auth.Admin, auth.Coordinator, auth.CaseManager, auth.ServiceOperator)
}

// Visible is the service as the viewer may see it: all of it in the network, the public part
// of a confidential service otherwise.
func Visible(ctx context.Context, s *model.Service) *model.Service {
	if !s.Confidential || SeesConfidential(ctx) {
		return s // a service that is not confidential is all public: no need to ask who reads
	}
	return s.Public()
}
