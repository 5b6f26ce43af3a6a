package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/analysis"
	"snodo/model"
)

// walksCypher reads each case of a model with the stages it entered and the kinds of the
// actors it was referred to, in time order.
const walksCypher = `
MATCH (c:Case {modelId: $model})
WHERE ($zone IS NULL OR EXISTS { MATCH (c)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) })
  AND ($from IS NULL OR c.openedAt >= $from) AND ($to IS NULL OR c.openedAt < $to)
RETURN c.closedAt, c.outcome, c.stageId,
  COLLECT { MATCH (c)-[:HAS_EVENT]->(e:CaseEvent) WHERE e.kind IN ['OPENED', 'STAGE_MOVED'] RETURN [e.stageId, e.at] ORDER BY e.at },
  COLLECT { MATCH (c)-[:HAS_REFERRAL]->(r:Referral)-[:REFERRED_TO]->(t)
            RETURN coalesce(t.kind, COLLECT { MATCH (t)<-[:PROVIDES]-(o:Actor) RETURN o.kind }[0]) ORDER BY r.sentAt }`

// PathwaysTaken reads the walks of the cases of a model and the model's stages, in order.
func (s *Store) PathwaysTaken(ctx context.Context, in model.PathwaysInput) ([]analysis.CaseWalk, []*model.Stage, error) {
	var c model.Check
	q := query{params: map[string]any{}}
	pm := keyOf(&c, "PathwayModel", in.ModelID, "input", "modelId")
	params := periodParams(&c, &q, in.ZoneID, in.From, in.To)
	params["model"] = pm
	if err := filterErr(c); err != nil {
		return nil, nil, err
	}
	q.mustExist("PathwayModel", pm, "input.modelId")
	type result struct {
		walks  []analysis.CaseWalk
		stages []*model.Stage
	}
	r, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (result, error) {
		if err := q.check(ctx, tx); err != nil {
			return result{}, err
		}
		recs, err := run(ctx, tx, "MATCH (:PathwayModel {id: $model})-[:HAS_STAGE]->(n:Stage) RETURN n ORDER BY n.position", params)
		if err != nil {
			return result{}, err
		}
		var out result
		codes := map[string]string{}
		for _, rec := range recs {
			st := decodeStage(rec.Values[0].(neo4j.Node))
			out.stages = append(out.stages, st)
			codes[st.ID] = st.Code
		}
		if recs, err = run(ctx, tx, walksCypher, params); err != nil {
			return result{}, err
		}
		for _, rec := range recs {
			v := rec.Values
			var w analysis.CaseWalk
			if t, ok := v[0].(time.Time); ok {
				w.Closed = &t
			}
			if v[1] == string(model.CaseOutcomeDroppedOut) {
				w.DroppedAt = codes[str0(v[2])]
			}
			for _, e := range v[3].([]any) {
				pair := e.([]any)
				if pair[0] == nil {
					continue
				}
				w.Stages = append(w.Stages, codes[pair[0].(string)])
				w.Entered = append(w.Entered, pair[1].(time.Time))
			}
			for _, k := range v[4].([]any) {
				w.Kinds = append(w.Kinds, str0(k))
			}
			out.walks = append(out.walks, w)
		}
		return out, nil
	})
	return r.walks, r.stages, err
}
