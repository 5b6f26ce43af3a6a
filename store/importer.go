package store

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// ImportNode is a node to import: its key and its properties.
type ImportNode struct {
	ID    string
	Props map[string]any
}

// ImportLink is a relationship to import between two nodes, by key.
type ImportLink struct {
	From, To string
	Props    map[string]any
}

// Import is a whole network to load at once, with keys already chosen, so that loading it
// again finds the same nodes.
type Import struct {
	Nodes map[string][]ImportNode // by label
	Links map[LinkType][]ImportLink
}

// LinkType is a kind of relationship that can be imported.
type LinkType struct{ From, Type, To string }

// The relationships of the directory.
var (
	LinkZoneParent        = LinkType{"Zone", "PART_OF", "Zone"}
	LinkNeedBroader       = LinkType{"Need", "BROADER", "Need"}
	LinkCategoryBroader   = LinkType{"ServiceCategory", "BROADER", "ServiceCategory"}
	LinkActorZone         = LinkType{"Actor", "OPERATES_IN", "Zone"}
	LinkActorParent       = LinkType{"Actor", "PART_OF", "Actor"}
	LinkProvides          = LinkType{"Actor", "PROVIDES", "Service"}
	LinkServiceCategory   = LinkType{"Service", "IN_CATEGORY", "ServiceCategory"}
	LinkServiceNeed       = LinkType{"Service", "MEETS", "Need"}
	LinkServiceZone       = LinkType{"Service", "AVAILABLE_IN", "Zone"}
	LinkPartnershipZone   = LinkType{"Partnership", "COVERS", "Zone"}
	LinkPartnershipParent = LinkType{"Partnership", "PART_OF", "Partnership"}
	LinkMember            = LinkType{"Actor", "MEMBER_OF", "Partnership"}

	// Pathways, routes and cases: see cases.go for the properties each node keeps.
	LinkModelStage          = LinkType{"PathwayModel", "HAS_STAGE", "Stage"}
	LinkRouteFromActor      = LinkType{"Route", "FROM", "Actor"}
	LinkRouteFromService    = LinkType{"Route", "FROM", "Service"}
	LinkRouteToActor        = LinkType{"Route", "TO", "Actor"}
	LinkRouteToService      = LinkType{"Route", "TO", "Service"}
	LinkRouteNeed           = LinkType{"Route", "FOR", "Need"}
	LinkRouteStage          = LinkType{"Route", "IN_STAGE", "Stage"}
	LinkRoutePartnership    = LinkType{"Route", "GOVERNED_BY", "Partnership"}
	LinkCaseZone            = LinkType{"Case", "IN_ZONE", "Zone"}
	LinkCaseNeed            = LinkType{"Case", "HAS_NEED", "Need"}
	LinkCaseModel           = LinkType{"Case", "FOLLOWS", "PathwayModel"}
	LinkCaseStage           = LinkType{"Case", "AT_STAGE", "Stage"}
	LinkCaseActor           = LinkType{"Case", "MANAGED_BY", "Actor"}
	LinkCaseReferral        = LinkType{"Case", "HAS_REFERRAL", "Referral"}
	LinkCaseIntervention    = LinkType{"Case", "HAS_INTERVENTION", "Intervention"}
	LinkCaseEvent           = LinkType{"Case", "HAS_EVENT", "CaseEvent"}
	LinkReferralFrom        = LinkType{"Referral", "REFERRED_FROM", "Actor"}
	LinkReferralToActor     = LinkType{"Referral", "REFERRED_TO", "Actor"}
	LinkReferralToService   = LinkType{"Referral", "REFERRED_TO", "Service"}
	LinkReferralNeed        = LinkType{"Referral", "FOR", "Need"}
	LinkInterventionNeed    = LinkType{"Intervention", "FOR", "Need"}
	LinkInterventionService = LinkType{"Intervention", "DELIVERED_BY", "Service"}
	LinkEventReferral       = LinkType{"CaseEvent", "ABOUT", "Referral"}
	// Projects, activity, context and targets (store/activity.go, store/context.go).
	LinkCaseProject     = LinkType{"Case", "FUNDED_BY", "Partnership"}
	LinkServiceActivity = LinkType{"Service", "RECORDED_ACTIVITY", "Activity"}
	LinkActivityZone    = LinkType{"Activity", "IN_ZONE", "Zone"}
	LinkZoneContext     = LinkType{"Zone", "HAS_CONTEXT", "ZoneContext"}
	LinkProjectTarget   = LinkType{"Partnership", "HAS_TARGET", "ProjectTarget"}
	LinkTargetZone      = LinkType{"ProjectTarget", "IN_ZONE", "Zone"}
)

// importLabels are the labels Import writes, in an order where every link's ends exist first.
var importLabels = []string{"Zone", "Need", "ServiceCategory", "Actor", "Service", "Partnership",
	"PathwayModel", "Stage", "Route", "Case", "Referral", "Intervention", "CaseEvent", "Activity", "ZoneContext", "ProjectTarget"}

// recordLabels are the labels of records about people, which carry a record key (NewRecordKey).
var recordLabels = map[string]bool{"Case": true, "Referral": true, "Intervention": true, "Activity": true}

// importBatch is how many rows one UNWIND writes.
const importBatch = 1000

// Import loads generated records in batched UNWIND writes, each its own transaction, without the
// mutations' checks: the demo's case history and figures (seed), and the generated networks of
// the benchmarks (internal/gen). A directory that people wrote, the demo's included, goes
// through ImportDirectory instead. Nodes that exist keep their properties; missing
// relationships are added. It returns how many nodes and relationships it created.
func (s *Store) Import(ctx context.Context, in Import) (map[string]int, error) {
	created := map[string]int{}
	now := s.now()
	for _, label := range importLabels {
		// Props may bring their own createdAt, as generated histories do.
		cypher := "UNWIND $rows AS row MERGE (n:" + label + " {id: row.id}) " +
			"ON CREATE SET n.createdAt = $now, n.updatedAt = $now, n.version = 1, n += row.props"
		rows := in.Nodes[label]
		for i := 0; i < len(rows); i += importBatch {
			batch := make([]map[string]any, 0, importBatch)
			for _, r := range rows[i:min(i+importBatch, len(rows))] {
				props := r.Props
				if recordLabels[label] && props["recordKey"] == nil {
					props = merge(props, map[string]any{"recordKey": NewRecordKey()})
				}
				batch = append(batch, map[string]any{"id": r.ID, "props": props})
			}
			n, err := s.importBatch(ctx, cypher, batch, now)
			if err != nil {
				return nil, fmt.Errorf("importing %s nodes: %w", label, err)
			}
			created[label] += n.NodesCreated()
		}
	}
	for lt, links := range in.Links {
		cypher := fmt.Sprintf("UNWIND $rows AS row MATCH (a:%s {id: row.from}) MATCH (b:%s {id: row.to}) "+
			"MERGE (a)-[r:%s]->(b) ON CREATE SET r += row.props", lt.From, lt.To, lt.Type)
		for i := 0; i < len(links); i += importBatch {
			batch := make([]map[string]any, 0, importBatch)
			for _, l := range links[i:min(i+importBatch, len(links))] {
				props := l.Props
				if props == nil {
					props = map[string]any{}
				}
				batch = append(batch, map[string]any{"from": l.From, "to": l.To, "props": props})
			}
			n, err := s.importBatch(ctx, cypher, batch, now)
			if err != nil {
				return nil, fmt.Errorf("importing %s links: %w", lt.Type, err)
			}
			created[lt.Type] += n.RelationshipsCreated()
		}
	}
	return created, nil
}

func (s *Store) importBatch(ctx context.Context, cypher string, rows []map[string]any, now any) (neo4j.Counters, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (neo4j.Counters, error) {
		result, err := tx.Run(ctx, cypher, driverParams(map[string]any{"rows": rows, "now": now}))
		if err != nil {
			return nil, err
		}
		summary, err := result.Consume(ctx)
		if err != nil {
			return nil, err
		}
		return summary.Counters(), nil
	})
}

// Empty reports whether the database holds no zone, the mark of a fresh database.
func (s *Store) Empty(ctx context.Context) (bool, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (bool, error) {
		records, err := run(ctx, tx, "RETURN NOT EXISTS { MATCH (:Zone) }", nil)
		if err != nil {
			return false, err
		}
		return records[0].Values[0].(bool), nil
	})
}
