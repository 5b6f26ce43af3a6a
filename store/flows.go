package store

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/analysis"
	"snodo/model"
	"snodo/relay"
)

// flowsScope binds r to each referral in scope.
const flowsScope = `
MATCH (c:Case)-[:HAS_REFERRAL]->(r:Referral)
WHERE ($zone IS NULL OR EXISTS { MATCH (c)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) })
  AND ($from IS NULL OR r.sentAt >= $from) AND ($to IS NULL OR r.sentAt < $to)
  AND ($model IS NULL OR c.modelId = $model)
  AND ($need IS NULL OR EXISTS { MATCH (r)-[:FOR]->(:Need)-[:BROADER]->*(:Need {id: $need}) })`

// flowCounts counts the referrals of each flow: f and t are its ends.
const flowCounts = `
WITH f, t, count(*) AS sent, count(r.acceptedAt) AS accepted,
     count(CASE r.status WHEN 'REFUSED' THEN 1 END) AS refused, count(CASE r.status WHEN 'COMPLETED' THEN 1 END) AS completed,
     count(CASE r.status WHEN 'FAILED' THEN 1 END) AS failed, count(CASE WHEN r.offRoute THEN 1 END) AS offRoute`

// flowsByActor counts the referrals in scope by their two ends, the sending actor's key and
// the recipient's global ID, most sent first, and returns the times to acceptance and
// completion, in seconds, of the flows kept. The ends are read from the referral's own
// properties: expanding a million referrals to their ends would triple the query's cost. The
// referrals are collected as they are, and their times computed for the flows kept only.
const flowsByActor = flowsScope + `
WITH r, r.fromId AS f, r.toId AS t` + flowCounts + `, collect(r) AS refs
ORDER BY sent DESC, f, t LIMIT $first
RETURN f, t, sent, accepted, refused, completed, failed, offRoute,
       [x IN refs WHERE x.acceptedAt IS NOT NULL | x.acceptedAt.epochSeconds - x.sentAt.epochSeconds],
       [x IN refs WHERE x.status = 'COMPLETED' AND x.completedAt IS NOT NULL | x.completedAt.epochSeconds - x.sentAt.epochSeconds]`

// flowsByKind counts them by the kinds of their ends, from $fromKinds and $toKinds. There are
// few flows between kinds, each of many referrals, so the times are collected directly.
const flowsByKind = flowsScope + `
WITH r, coalesce($fromKinds[r.fromId], '') AS f, coalesce($toKinds[r.toId], '') AS t` + flowCounts + `,
     collect(r.acceptedAt.epochSeconds - r.sentAt.epochSeconds) AS toAccept,
     collect(CASE r.status WHEN 'COMPLETED' THEN r.completedAt.epochSeconds - r.sentAt.epochSeconds END) AS toComplete
ORDER BY sent DESC, f, t LIMIT $first
RETURN f, t, sent, accepted, refused, completed, failed, offRoute, toAccept, toComplete`

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

// ReferralFlows measures the flows of referrals between actors, or actor kinds: the first
// ones (100 by default) by referrals sent.
func (s *Store) ReferralFlows(ctx context.Context, in model.FlowsInput) ([]analysis.Flow, map[string]FlowEnd, error) {
	var c model.Check
	q := query{params: map[string]any{}}
	params := periodParams(&c, &q, in.ZoneID, in.From, in.To)
	params["model"], params["need"] = nil, nil
	if in.NeedID != nil {
		k := keyOf(&c, "Need", *in.NeedID, "input", "needId")
		q.mustExist("Need", k, "input.needId")
		params["need"] = k
	}
	if in.ModelID != nil {
		k := keyOf(&c, "PathwayModel", *in.ModelID, "input", "modelId")
		q.mustExist("PathwayModel", k, "input.modelId")
		params["model"] = k
	}
	first := 100
	if in.First != nil {
		first = *in.First
	}
	if first < 1 || first > MaxFlows {
		c.Add(model.UserErrorCodeInvalid, fmt.Sprintf("a number of flows from 1 to %d", MaxFlows), "input", "first")
	}
	if err := filterErr(c); err != nil {
		return nil, nil, err
	}
	byKind := in.ByActorKind != nil && *in.ByActorKind
	params["first"] = first
	type result struct {
		flows []analysis.Flow
		ends  map[string]FlowEnd
	}
	r, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		if err := q.check(ctx, tx); err != nil {
			return result{}, err
		}
		if byKind {
			fromKinds, toKinds := map[string]any{}, map[string]any{}
			records, err := run(ctx, tx, flowKindsCypher, nil)
			if err != nil {
				return result{}, err
			}
			for _, rec := range records {
				key, label, kind := rec.Values[0].(string), rec.Values[1].(string), str0(rec.Values[2])
				if label == "Actor" {
					fromKinds[key] = kind
				}
				toKinds[relay.GlobalID(label, key)] = kind
			}
			params["fromKinds"], params["toKinds"] = fromKinds, toKinds
		}
		cypher := flowsByActor
		if byKind {
			cypher = flowsByKind
		}
		records, err := run(ctx, tx, cypher, params)
		if err != nil {
			return result{}, err
		}
		out := result{ends: map[string]FlowEnd{}}
		for _, rec := range records {
			v := rec.Values
			t := analysis.Tally{From: v[0].(string), To: v[1].(string), Sent: int(v[2].(int64)), Accepted: int(v[3].(int64)),
				Refused: int(v[4].(int64)), Completed: int(v[5].(int64)), Failed: int(v[6].(int64)), OffRoute: int(v[7].(int64)),
				DaysToAccept: days(v[8]), DaysToComplete: days(v[9])}
			out.flows = append(out.flows, t.Flow())
		}
		if byKind {
			for _, f := range out.flows {
				out.ends[f.From], out.ends[f.To] = FlowEnd{Name: f.From}, FlowEnd{Name: f.To}
			}
			return out, nil
		}
		out.ends, err = flowEnds(ctx, tx, out.flows)
		return out, err
	})
	if err != nil {
		return nil, nil, err
	}
	return r.flows, r.ends, nil
}

// MaxFlows is the most flows one request returns.
const MaxFlows = 1000

// flowEnds names the ends of the flows between actors: senders by key, recipients by global ID.
func flowEnds(ctx context.Context, tx neo4j.ManagedTransaction, flows []analysis.Flow) (map[string]FlowEnd, error) {
	keys := map[string][]string{}
	for _, f := range flows {
		keys["Actor"] = append(keys["Actor"], f.From)
		if label, key, err := relay.ParseGlobalID(f.To); err == nil {
			keys[label] = append(keys[label], key)
		}
	}
	records, err := run(ctx, tx, `MATCH (a:Actor) WHERE a.id IN $actors RETURN 'Actor' AS label, a.id AS key, a.name AS name
		UNION ALL MATCH (s:Service) WHERE s.id IN $services RETURN 'Service' AS label, s.id AS key, s.name AS name`,
		map[string]any{"actors": keys["Actor"], "services": keys["Service"]})
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

// days turns a list of seconds into days.
func days(v any) []float64 {
	list, _ := v.([]any)
	out := make([]float64, len(list))
	for i, s := range list {
		out[i] = float64(s.(int64)) / 86400
	}
	return out
}

func str0(v any) string {
	s, _ := v.(string)
	return s
}

// periodParams reads the scope shared by the research queries: an optional zone, which must
// exist, and an optional period; absent ones are null parameters.
func periodParams(c *model.Check, q *query, zoneID *string, from, to *time.Time) map[string]any {
	params := map[string]any{"zone": nil, "from": nil, "to": nil}
	if zoneID != nil {
		k := keyOf(c, "Zone", *zoneID, "input", "zoneId")
		q.mustExist("Zone", k, "input.zoneId")
		params["zone"] = k
	}
	if from != nil {
		params["from"] = *from
	}
	if to != nil {
		params["to"] = *to
	}
	return params
}
