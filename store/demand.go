package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/disclosure"
	"snodo/model"
)

// demandCypher measures, for each zone and top-level need area asked, the demand of the cases
// of the zone (or a zone inside it) for the area (or a narrower need): the cases open at the
// end of the period that need it, and of those the ones not taken in charge for it then (no
// referral for it accepted by then that was not on the waiting list then); and the referrals
// for it sent in the period or on the waiting list at some time in it.
const demandCypher = `
UNWIND $zones AS zid MATCH (z:Zone {id: zid})
UNWIND $needs AS nid MATCH (n:Need {id: nid})
CALL (z, n) {
  MATCH (c:Case)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(z)
  WITH DISTINCT c
  WHERE c.openedAt < $to AND (c.closedAt IS NULL OR c.closedAt >= $to)
    AND EXISTS { (c)-[:HAS_NEED]->(:Need)-[:BROADER]->*(n) }
  WITH c, EXISTS { MATCH (c)-[:HAS_REFERRAL]->(r:Referral)-[:FOR]->(:Need)-[:BROADER]->*(n)
      WHERE r.acceptedAt < $to AND NOT coalesce(r.onHoldAt < $to AND (r.holdEndedAt IS NULL OR r.holdEndedAt >= $to), false) } AS served
  RETURN [count(c), coalesce(sum(c.recordKey), 0)] AS open,
         [count(CASE WHEN NOT served THEN 1 END), coalesce(sum(CASE WHEN NOT served THEN c.recordKey ELSE 0 END), 0)] AS unmet
}
CALL (z, n) {
  MATCH (c:Case)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(z)
  WITH DISTINCT c
  MATCH (c)-[:HAS_REFERRAL]->(r:Referral)-[:FOR]->(:Need)-[:BROADER]->*(n)
  WITH DISTINCT r
  WHERE (r.sentAt >= $from AND r.sentAt < $to) OR (r.onHoldAt < $to AND (r.holdEndedAt IS NULL OR r.holdEndedAt >= $from))
  RETURN collect([r.sentAt >= $from AND r.sentAt < $to, r.status = 'REFUSED' AND r.refusalReason = 'NO_PLACES',
                  r.onHoldAt, r.holdEndedAt, r.recordKey]) AS refs
}
RETURN z.id, n.id, open, unmet, refs`

// Demand measures demand beside supply in the zone, or each of its zones of the level, for
// each top-level need area, in the period, for the disclosure layer to publish. The supply is
// the coverage matrix's (Coverage), as the directory stands now.
func (s *Store) Demand(ctx context.Context, in model.DemandInput, period model.Period, staleAfter time.Duration) ([]disclosure.NeedDemandTally, error) {
	cov, err := s.Coverage(ctx, model.CoverageInput{ZoneID: in.ZoneID, Level: in.Level}, staleAfter)
	if err != nil {
		return nil, err
	}
	zoneName, needCode := map[string]string{}, map[string]string{}
	zones, needs := []string{}, []string{}
	for _, z := range cov.Zones {
		zoneName[z.ID] = z.Name
		zones = append(zones, z.ID)
	}
	for _, n := range cov.Needs {
		needCode[n.ID] = n.Code
		needs = append(needs, n.ID)
	}
	from, to := period.Bounds()
	from, to = from.UTC(), to.UTC()
	type pair struct{ zone, need string }
	measured, err := read(ctx, s, func(tx neo4j.ManagedTransaction) (map[pair]disclosure.NeedDemandTally, error) {
		recs, err := run(ctx, tx, demandCypher, map[string]any{"zones": zones, "needs": needs, "from": from, "to": to})
		if err != nil {
			return nil, err
		}
		out := map[pair]disclosure.NeedDemandTally{}
		for _, r := range recs {
			t := disclosure.NeedDemandTally{OpenCases: pairCell(r.Values[2]), Unmet: pairCell(r.Values[3])}
			for _, item := range r.Values[4].([]any) {
				row := item.([]any)
				one := disclosure.Cell{N: 1, KeySum: int64(toInt(row[4]))}
				if row[0] == true {
					t.ReferralsSent = t.ReferralsSent.Plus(one)
					if row[1] == true {
						t.RefusedNoPlaces = t.RefusedNoPlaces.Plus(one)
					}
				}
				held, ok := row[2].(time.Time)
				if !ok || !held.Before(to) {
					continue
				}
				end, left := row[3].(time.Time)
				if !left || !end.Before(to) {
					t.Waiting, end = t.Waiting.Plus(one), to
				}
				if !end.Before(from) {
					t.WaitDays = append(t.WaitDays, end.Sub(held).Hours()/24)
				}
			}
			out[pair{r.Values[0].(string), r.Values[1].(string)}] = t
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	rows := make([]disclosure.NeedDemandTally, 0, len(cov.Cells))
	for _, cell := range cov.Cells {
		t := measured[pair{cell.ZoneID, cell.NeedID}]
		t.ZoneID, t.ZoneName, t.NeedID, t.NeedCode = cell.ZoneID, zoneName[cell.ZoneID], cell.NeedID, needCode[cell.NeedID]
		t.Full, t.Partial, t.WithFreePlaces = cell.Full, cell.Partial, cell.WithFreePlaces
		rows = append(rows, t)
	}
	return rows, nil
}
