package store

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/model"
)

// zonesOf are the patterns from a node of each label to the zones it lies in, which decide
// whether a coordinator may change it.
var zonesOf = map[string]string{
	"Zone":        "(n)-[:PART_OF]->*(c:Zone)",
	"Actor":       "(n)-[:OPERATES_IN]->(:Zone)-[:PART_OF]->*(c:Zone)",
	"Service":     "(n)-[:AVAILABLE_IN]->(:Zone)-[:PART_OF]->*(c:Zone)",
	"Partnership": "(n)-[:COVERS]->(:Zone)-[:PART_OF]->*(c:Zone)",
}

// authorize is the data-layer half of access control (the schema's @hasRole is the other): it
// checks that the viewer may change the node. Admins may change anything; coordinators what
// lies in their zones; service operators the services of their own actor.
func authorize(ctx context.Context, tx neo4j.ManagedTransaction, label, key string) error {
	v := auth.From(ctx)
	var cypher string
	params := map[string]any{"id": key}
	switch {
	case v.Role == auth.Admin:
		return nil
	case v.Role == auth.Coordinator && zonesOf[label] != "":
		cypher = "MATCH (n:" + label + " {id: $id}) RETURN EXISTS { MATCH " + zonesOf[label] + " WHERE c.id IN $scope }"
		params["scope"] = orEmpty(v.ZoneIDs)
	case v.Role == auth.CaseManager && label == "Case":
		cypher = "MATCH (n:Case {id: $id}) RETURN n.managingActorId = $actor"
		params["actor"] = v.ActorID
	case v.Is(auth.CaseManager, auth.ServiceOperator) && label == "Referral":
		// Either end may move a referral; authorizeReferral says which end may make which move.
		cypher = "MATCH (n:Referral {id: $id}) RETURN n.fromId = $actor OR " + recipientIs
		params["actor"] = v.ActorID
	case v.Role == auth.ServiceOperator && label == "Service":
		cypher = "MATCH (n:Service {id: $id}) RETURN EXISTS { MATCH (n)<-[:PROVIDES]-(:Actor {id: $actor}) }"
		params["actor"] = v.ActorID
	default:
		return forbidden(v)
	}
	records, err := run(ctx, tx, cypher, params)
	if err != nil {
		return err
	}
	if len(records) > 0 && records[0].Values[0] != true {
		return forbidden(v)
	}
	return nil
}

// authorizeZones checks that a coordinator keeps every zone a write puts a node in; other roles
// that reach a write are admins, who may put nodes anywhere.
func authorizeZones(ctx context.Context, tx neo4j.ManagedTransaction, zones []string) error {
	v := auth.From(ctx)
	if v.Role == auth.Admin {
		return nil
	}
	if v.Role != auth.Coordinator || len(zones) == 0 {
		return forbidden(v)
	}
	records, err := run(ctx, tx, `UNWIND $zones AS zid MATCH (n:Zone {id: zid})
		RETURN all(z IN collect(EXISTS { MATCH (n)-[:PART_OF]->*(c:Zone) WHERE c.id IN $scope }) WHERE z)`,
		map[string]any{"zones": zones, "scope": orEmpty(v.ZoneIDs)})
	if err != nil {
		return err
	}
	if records[0].Values[0] != true {
		return forbidden(v)
	}
	return nil
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
