package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/analysis"
	"snodo/model"
	"snodo/relay"
)

// flowsCypher reads the referrals in scope with their ends and the times they were accepted
// and completed, from the case events.
const flowsCypher = `
MATCH (c:Case)-[:HAS_REFERRAL]->(r:Referral)-[:REFERRED_FROM]->(a:Actor), (r)-[:REFERRED_TO]->(t)
WHERE ($zone IS NULL OR EXISTS { MATCH (c)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) })
  AND ($from IS NULL OR r.sentAt >= $from) AND ($to IS NULL OR r.sentAt < $to)
  AND ($model IS NULL OR c.modelId = $model)
  AND ($need IS NULL OR EXISTS { MATCH (r)-[:FOR]->(:Need)-[:BROADER]->*(:Need {id: $need}) })
OPTIONAL MATCH (t)<-[:PROVIDES]-(owner:Actor)
RETURN a.id, a.name, a.kind, t.id, labels(t)[0], t.name, coalesce(owner.kind, t.kind), r.status, r.sentAt, r.offRoute,
       COLLECT { MATCH (r)<-[:ABOUT]-(e:CaseEvent {status: 'ACCEPTED'}) RETURN e.at ORDER BY e.at LIMIT 1 }[0],
       COLLECT { MATCH (r)<-[:ABOUT]-(e:CaseEvent {status: 'COMPLETED'}) RETURN e.at ORDER BY e.at LIMIT 1 }[0]`

// FlowEnd names an end of a flow: its label, and its global ID when not rolled up.
type FlowEnd struct {
	Name string
	ID   string
}

// ReferralFlows measures the flows of referrals between actors, or actor kinds.
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
	if err := filterErr(c); err != nil {
		return nil, nil, err
	}
	byKind := in.ByActorKind != nil && *in.ByActorKind
	type result struct {
		refs []analysis.Referral
		ends map[string]FlowEnd
	}
	r, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		if err := q.check(ctx, tx); err != nil {
			return result{}, err
		}
		records, err := run(ctx, tx, flowsCypher, params)
		if err != nil {
			return result{}, err
		}
		out := result{ends: map[string]FlowEnd{}}
		for _, rec := range records {
			v := rec.Values
			from, to := v[0].(string), v[3].(string)
			fromEnd := FlowEnd{Name: v[1].(string), ID: relay.GlobalID("Actor", from)}
			toEnd := FlowEnd{Name: str0(v[5]), ID: relay.GlobalID(v[4].(string), to)}
			if byKind {
				from, to = str0(v[2]), str0(v[6])
				fromEnd, toEnd = FlowEnd{Name: from}, FlowEnd{Name: to}
			}
			out.ends[from], out.ends[to] = fromEnd, toEnd
			ref := analysis.Referral{From: from, To: to, Status: v[7].(string), SentAt: v[8].(time.Time), OffRoute: v[9] == true}
			if t, ok := v[10].(time.Time); ok {
				ref.AcceptedAt = &t
			}
			if t, ok := v[11].(time.Time); ok {
				ref.CompletedAt = &t
			}
			out.refs = append(out.refs, ref)
		}
		return out, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return analysis.Flows(r.refs), r.ends, nil
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
