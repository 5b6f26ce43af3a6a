package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/analysis"
	"snodo/model"
)

// walksCypher reads each case of a model opened in the period with the stages it entered and
// the kinds of the actors it was referred to, in time order, up to the end of the period, and
// its record key; a case closed after the period's end is still open at its end.
const walksCypher = `
MATCH (c:Case) WHERE c.openedAt >= $from AND c.openedAt < $to AND c.modelId = $model
  AND ($zone IS NULL OR EXISTS { MATCH (c)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) })
WITH c, c.closedAt < $to AS closed
RETURN CASE WHEN closed THEN c.closedAt END, CASE WHEN closed THEN c.outcome END, c.stageId,
  COLLECT { MATCH (c)-[:HAS_EVENT]->(e:CaseEvent) WHERE e.kind IN ['OPENED', 'STAGE_MOVED'] AND e.at < $to RETURN [e.stageId, e.at] ORDER BY e.at },
  COLLECT { MATCH (c)-[:HAS_REFERRAL]->(r:Referral)-[:REFERRED_TO]->(t) WHERE r.sentAt < $to
            RETURN coalesce(t.kind, COLLECT { MATCH (t)<-[:PROVIDES]-(o:Actor) RETURN o.kind }[0]) ORDER BY r.sentAt },
  c.recordKey`

// PathwaysTaken reads the walks of the cases of a model opened in a period, up to its end, and
// the model's stages, in order.
func (s *Store) PathwaysTaken(ctx context.Context, in model.PathwaysInput, period model.Period) ([]analysis.CaseWalk, []*model.Stage, error) {
	var c model.Check
	q := query{params: map[string]any{}}
	pm := keyOf(&c, "PathwayModel", in.ModelID, "input", "modelId")
	params := scopeParams(&c, &q, in.ZoneID, period)
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
			w.Key = int64(toInt(v[5]))
			out.walks = append(out.walks, w)
		}
		return out, nil
	})
	return r.walks, r.stages, err
}
