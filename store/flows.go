package store

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/disclosure"
	"snodo/model"
	"snodo/relay"
)

// flowsScope binds r to each referral sent in the period ($from, $to) and in scope.
const flowsScope = `
MATCH (r:Referral) WHERE r.sentAt >= $from AND r.sentAt < $to
MATCH (c:Case)-[:HAS_REFERRAL]->(r)
WHERE ($zone IS NULL OR EXISTS { MATCH (c)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) })
  AND ($model IS NULL OR c.modelId = $model)
  AND ($need IS NULL OR EXISTS { MATCH (r)-[:FOR]->(:Need)-[:BROADER]->*(:Need {id: $need}) })`

// flowCounts counts the referrals of each flow (f and t are its ends), and sums their record
// keys for the disclosure layer. Accepted and completed are as they stood at the end of the
// period, so that a closed period's counts do not change.
const flowCounts = `
WITH f, t, r,
     r.acceptedAt < $to AS accepted, r.status = 'REFUSED' AS refused,
     r.status = 'COMPLETED' AND r.completedAt < $to AS completed
WITH f, t, count(*) AS sent, sum(r.recordKey) AS sentKeys,
     count(CASE WHEN accepted THEN 1 END) AS accepted, sum(CASE WHEN accepted THEN r.recordKey ELSE 0 END) AS acceptedKeys,
     count(CASE WHEN refused THEN 1 END) AS refused, sum(CASE WHEN refused THEN r.recordKey ELSE 0 END) AS refusedKeys,
     count(CASE WHEN completed THEN 1 END) AS completed, sum(CASE WHEN completed THEN r.recordKey ELSE 0 END) AS completedKeys,
     count(CASE WHEN r.offRoute THEN 1 END) AS offRoute, sum(CASE WHEN r.offRoute THEN r.recordKey ELSE 0 END) AS offRouteKeys,
     collect(CASE WHEN accepted THEN r.acceptedAt.epochSeconds - r.sentAt.epochSeconds END) AS toAccept,
     collect(CASE WHEN completed THEN r.completedAt.epochSeconds - r.sentAt.epochSeconds END) AS toComplete
WHERE sent >= $least
ORDER BY sent DESC, f, t LIMIT $limit
RETURN f, t, sent, sentKeys, accepted, acceptedKeys, refused, refusedKeys, completed, completedKeys, offRoute, offRouteKeys,
       toAccept, toComplete`

// flowsByActor counts the referrals in scope by their two ends, the sending actor's key and
// the recipient's global ID, read from the referral's own properties: expanding a million
// referrals to their ends would triple the query's cost.
const flowsByActor = flowsScope + `
WITH r, r.fromId AS f, r.toId AS t` + flowCounts

// flowsByKind counts them by the kinds of their ends, from $fromKinds and $toKinds.
const flowsByKind = flowsScope + `
WITH r, coalesce($fromKinds[r.fromId], '') AS f, coalesce($toKinds[r.toId], '') AS t` + flowCounts

// flowKindsCypher reads the kind of every actor by key, and of every recipient by global ID
// (a service's is its provider's), for rolling flows up.
const flowKindsCypher = `
MATCH (a:Actor) RETURN a.id AS key, 'Actor' AS label, a.kind AS kind
UNION ALL
MATCH (a:Actor)-[:PROVIDES]->(s:Service) RETURN s.id AS key, 'Service' AS label, a.kind AS kind`

// FlowEnd names an end of a flow: its label, and its global ID when not rolled up.
type FlowEnd struct {
	Name string
	ID   string
}

// MaxFlows is the most flows one request returns.
const MaxFlows = 1000

// FlowsQuery is a checked question about flows, which ReferralFlows answers in pages of
// growing size until the disclosure layer has what it needs.
type FlowsQuery struct {
	params map[string]any
	q      query
	byKind bool
	// First is how many flows were asked for.
	First int
}

// FlowsQuery checks the input of referralFlows for the period given.
func (s *Store) FlowsQuery(in model.FlowsInput, period model.Period) (*FlowsQuery, error) {
	var c model.Check
	fq := &FlowsQuery{q: query{params: map[string]any{}}, byKind: in.ByActorKind != nil && *in.ByActorKind, First: 100}
	fq.params = scopeParams(&c, &fq.q, in.ZoneID, period)
	fq.params["model"], fq.params["need"] = nil, nil
	if in.NeedID != nil {
		k := keyOf(&c, "Need", *in.NeedID, "input", "needId")
		fq.q.mustExist("Need", k, "input.needId")
		fq.params["need"] = k
	}
	if in.ModelID != nil {
		k := keyOf(&c, "PathwayModel", *in.ModelID, "input", "modelId")
		fq.q.mustExist("PathwayModel", k, "input.modelId")
		fq.params["model"] = k
	}
	if in.First != nil {
		fq.First = *in.First
	}
	if fq.First < 1 || fq.First > MaxFlows {
		c.Add(model.UserErrorCodeInvalid, fmt.Sprintf("a number of flows from 1 to %d", MaxFlows), "input", "first")
	}
	return fq, filterErr(c)
}

// ReferralFlows counts the flows of referrals between actors, or actor kinds: at most limit of
// those with at least least referrals, most referrals first, with their ends named.
func (s *Store) ReferralFlows(ctx context.Context, fq *FlowsQuery, limit, least int) ([]disclosure.FlowTally, error) {
	params := merge(fq.params, map[string]any{"limit": limit, "least": least})
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]disclosure.FlowTally, error) {
		if err := fq.q.check(ctx, tx); err != nil {
			return nil, err
		}
		cypher := flowsByActor
		if fq.byKind {
			fromKinds, toKinds := map[string]any{}, map[string]any{}
			records, err := run(ctx, tx, flowKindsCypher, nil)
			if err != nil {
				return nil, err
			}
			for _, rec := range records {
				key, label, kind := rec.Values[0].(string), rec.Values[1].(string), str0(rec.Values[2])
				if label == "Actor" {
					fromKinds[key] = kind
				}
				toKinds[relay.GlobalID(label, key)] = kind
			}
			params["fromKinds"], params["toKinds"] = fromKinds, toKinds
			cypher = flowsByKind
		}
		records, err := run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		cell := func(v []any, i int) disclosure.Cell {
			return disclosure.Cell{N: toInt(v[i]), KeySum: int64(toInt(v[i+1]))}
		}
		out := make([]disclosure.FlowTally, 0, len(records))
		for _, rec := range records {
			v := rec.Values
			out = append(out, disclosure.FlowTally{From: v[0].(string), To: v[1].(string),
				Sent: cell(v, 2), Accepted: cell(v, 4), Refused: cell(v, 6), Completed: cell(v, 8), OffRoute: cell(v, 10),
				DaysToAccept: days(v[12]), DaysToComplete: days(v[13])})
		}
		if fq.byKind {
			return out, nil
		}
		ends, err := flowEnds(ctx, tx, out)
		for i, f := range out {
			from, to := ends[f.From], ends[f.To]
			out[i].From, out[i].FromID, out[i].To, out[i].ToID = from.Name, from.ID, to.Name, to.ID
		}
		return out, err
	})
}

// flowEnds names the ends of the flows between actors: senders by key, recipients by global ID.
func flowEnds(ctx context.Context, tx neo4j.ManagedTransaction, flows []disclosure.FlowTally) (map[string]FlowEnd, error) {
	keys := map[string][]string{}
	for _, f := range flows {
		keys["Actor"] = append(keys["Actor"], f.From)
		if label, key, err := relay.ParseGlobalID(f.To); err == nil {
			keys[label] = append(keys[label], key)
		}
	}
	records, err := run(ctx, tx, `MATCH (a:Actor) WHERE a.id IN $actors RETURN 'Actor' AS label, a.id AS key, a.name AS name
		UNION ALL MATCH (s:Service) WHERE s.id IN $services RETURN 'Service' AS label, s.id AS key, s.name AS name`,
		map[string]any{"actors": orEmpty(keys["Actor"]), "services": orEmpty(keys["Service"])})
	if err != nil {
		return nil, err
	}
	ends := map[string]FlowEnd{}
	for _, rec := range records {
		label, key, name := rec.Values[0].(string), rec.Values[1].(string), str0(rec.Values[2])
		id := relay.GlobalID(label, key)
		ends[id] = FlowEnd{Name: name, ID: id}
		if label == "Actor" {
			ends[key] = FlowEnd{Name: name, ID: id}
		}
	}
	return ends, nil
}

// days turns a list of seconds into days; nulls are left out.
func days(v any) []float64 {
	list, _ := v.([]any)
	out := make([]float64, 0, len(list))
	for _, s := range list {
		if n, ok := s.(int64); ok {
			out = append(out, float64(n)/86400)
		}
	}
	return out
}

func str0(v any) string {
	s, _ := v.(string)
	return s
}

// scopeParams reads the scope shared by the research queries: an optional zone, which must
// exist, and the period, as $from and $to.
func scopeParams(c *model.Check, q *query, zoneID *string, period model.Period) map[string]any {
	from, to := period.Bounds()
	params := map[string]any{"zone": nil, "from": from.UTC(), "to": to.UTC()}
	if zoneID != nil {
		k := keyOf(c, "Zone", *zoneID, "input", "zoneId")
		q.mustExist("Zone", k, "input.zoneId")
		params["zone"] = k
	}
	return params
}
