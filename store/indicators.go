package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/analysis"
	"snodo/model"
)

// casesOfZone binds c to each case of the zone $zone or a zone inside it, once.
const casesOfZone = "MATCH (c:Case)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) WITH DISTINCT c "

// The queries of the indicators; each reads $zone, $from and $to.
const (
	indicatorCases = casesOfZone + `
RETURN count(CASE WHEN c.openedAt >= $from AND c.openedAt < $to THEN 1 END),
       count(CASE WHEN c.openedAt < $to AND (c.closedAt IS NULL OR c.closedAt >= $to) THEN 1 END),
       count(CASE WHEN c.closedAt >= $from AND c.closedAt < $to THEN 1 END),
       count(CASE WHEN c.openedAt < $to AND (c.closedAt IS NULL OR c.closedAt >= $to) AND c.maxDurationDays IS NOT NULL
                   AND c.openedAt + duration({days: c.maxDurationDays}) < $to THEN 1 END),
       [o IN collect(CASE WHEN c.closedAt >= $from AND c.closedAt < $to THEN c.outcome END) WHERE o IS NOT NULL]`
	indicatorReferrals = casesOfZone + `
MATCH (c)-[:HAS_REFERRAL]->(r:Referral) WHERE r.sentAt >= $from AND r.sentAt < $to
RETURN r.status, r.acceptedAt IS NOT NULL`
	indicatorTakingCharge = casesOfZone + `
WHERE c.openedAt >= $from AND c.openedAt < $to
MATCH (c)-[:HAS_REFERRAL]->(r:Referral) WHERE r.acceptedAt IS NOT NULL
WITH c, min(r.acceptedAt) AS first
RETURN duration.inSeconds(c.openedAt, first).seconds / 86400.0`
	indicatorInterventions = casesOfZone + `
MATCH (c)-[:HAS_INTERVENTION]->(i:Intervention)-[:DELIVERED_BY]->(:Service)-[:IN_CATEGORY]->(cat:ServiceCategory)
WHERE i.startDate >= date($from) AND i.startDate < date($to)
RETURN cat.code, count(i)`
	indicatorShelters = `
MATCH (s:Service {channel: 'SHELTER', status: 'ACTIVE'})
WHERE EXISTS { MATCH (s)-[:AVAILABLE_IN]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) }
  AND ($seesConfidential OR NOT coalesce(s.confidential, false))
RETURN coalesce(sum(s.freePlaces), 0), coalesce(sum(s.capacity), 0)`
	indicatorPlacesReports = `
MATCH (s:Service {channel: 'SHELTER', status: 'ACTIVE'})-[:REPORTED]->(p:PlacesReport)
WHERE p.at < $to AND EXISTS { MATCH (s)-[:AVAILABLE_IN]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) }
  AND ($seesConfidential OR NOT coalesce(s.confidential, false))
RETURN s.id, p.at, p.free, p.capacity`
	indicatorNeedsWithout = `
MATCH (a:Zone {id: $zone}), (n:Need) WHERE NOT (n)-[:BROADER]->()
AND NOT EXISTS {
  MATCH (n)<-[:BROADER]-*(:Need)<-[:MEETS]-(s:Service {status: 'ACTIVE'})-[:AVAILABLE_IN]->(y:Zone)
  WHERE EXISTS { (a)-[:PART_OF]->*(y) } OR EXISTS { (y)-[:PART_OF]->+(a) }
}
RETURN n.id ORDER BY n.code`
)

// Indicators computes a zone's monitoring figures for a quarter, in one read transaction.
func (s *Store) Indicators(ctx context.Context, zoneID string, quarter model.Quarter) (*model.Indicators, error) {
	var c model.Check
	zone := keyOf(&c, "Zone", zoneID, "zoneId")
	if err := filterErr(c); err != nil {
		return nil, err
	}
	q := query{params: map[string]any{}}
	q.mustExist("Zone", zone, "zoneId")
	from, to := quarter.Bounds()
	// Confidential shelters' places count for the network's roles only (SeesConfidential).
	params := map[string]any{"zone": zone, "from": from, "to": to, "seesConfidential": SeesConfidential(ctx)}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Indicators, error) {
		if err := q.check(ctx, tx); err != nil {
			return nil, err
		}
		in := &model.Indicators{ZoneID: zone, Quarter: quarter.String(), Outcomes: map[string]int{}, Referrals: map[string]int{}, InterventionsByCategory: map[string]int{}}
		recs, err := run(ctx, tx, indicatorCases, params)
		if err != nil {
			return nil, err
		}
		v := recs[0].Values
		in.CasesOpened, in.CasesInCharge, in.CasesClosed, in.OverdueCases = toInt(v[0]), toInt(v[1]), toInt(v[2]), toInt(v[3])
		for _, o := range v[4].([]any) {
			in.Outcomes[o.(string)]++
		}
		if recs, err = run(ctx, tx, indicatorReferrals, params); err != nil {
			return nil, err
		}
		accepted, refused := 0, 0
		for _, r := range recs {
			in.Referrals[r.Values[0].(string)]++
			if r.Values[1] == true {
				accepted++
			} else if r.Values[0] == "REFUSED" {
				refused++
			}
		}
		if accepted+refused > 0 {
			rate := float64(accepted) / float64(accepted+refused)
			in.AcceptanceRate = &rate
		}
		if recs, err = run(ctx, tx, indicatorTakingCharge, params); err != nil {
			return nil, err
		}
		var days []float64
		for _, r := range recs {
			days = append(days, r.Values[0].(float64))
		}
		if len(days) > 0 {
			m := analysis.Percentile(days, 50)
			in.MedianDaysToTakingCharge = &m
		}
		if recs, err = run(ctx, tx, indicatorInterventions, params); err != nil {
			return nil, err
		}
		for _, r := range recs {
			in.InterventionsByCategory[r.Values[0].(string)] = toInt(r.Values[1])
		}
		if recs, err = run(ctx, tx, indicatorShelters, params); err != nil {
			return nil, err
		}
		in.ShelterPlacesFree, in.ShelterCapacity = toInt(recs[0].Values[0]), toInt(recs[0].Values[1])
		if recs, err = run(ctx, tx, indicatorPlacesReports, params); err != nil {
			return nil, err
		}
		reports := make([]model.PlacesReport, len(recs))
		for i, r := range recs {
			reports[i] = model.PlacesReport{Service: r.Values[0].(string), At: r.Values[1].(time.Time), Free: toInt(r.Values[2]), Capacity: toInt(r.Values[3])}
		}
		in.ShelterPlacesOverTime = model.PlacesSeries(reports, quarter.WeekEnds(s.now()))
		if recs, err = run(ctx, tx, indicatorNeedsWithout, params); err != nil {
			return nil, err
		}
		for _, r := range recs {
			in.NeedsWithoutService = append(in.NeedsWithoutService, r.Values[0].(string))
		}
		return in, nil
	})
}
