package store

import (
	"context"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/disclosure"
	"snodo/model"
)

// casesOfZone binds c to each case of the zone $zone or a zone inside it, once.
const casesOfZone = "MATCH (c:Case)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) WITH DISTINCT c "

// indicatorCases counts the cases opened, in charge at the end, closed (by outcome) and overdue.
var indicatorCases = casesOfZone + `
WITH c, c.openedAt >= $from AND c.openedAt < $to AS opened,
     c.openedAt < $to AND (c.closedAt IS NULL OR c.closedAt >= $to) AS inCharge,
     c.closedAt >= $from AND c.closedAt < $to AS closed
WITH c, opened, inCharge, closed,
     inCharge AND c.maxDurationDays IS NOT NULL AND c.openedAt + duration({days: c.maxDurationDays}) < $to AS overdue
RETURN [count(CASE WHEN opened THEN 1 END), sum(CASE WHEN opened THEN c.recordKey ELSE 0 END)],
       [count(CASE WHEN inCharge THEN 1 END), sum(CASE WHEN inCharge THEN c.recordKey ELSE 0 END)],
       [count(CASE WHEN closed THEN 1 END), sum(CASE WHEN closed THEN c.recordKey ELSE 0 END)],
       [count(CASE WHEN overdue THEN 1 END), sum(CASE WHEN overdue THEN c.recordKey ELSE 0 END)],
       [` + cellColumns("c", "closed AND c.outcome = %s", caseStandings[1:]) + `]`

// The other queries of the indicators; each reads $zone, $from and $to.
const (
	indicatorReferrals = casesOfZone + `
MATCH (c)-[:HAS_REFERRAL]->(r:Referral) WHERE r.sentAt >= $from AND r.sentAt < $to
RETURN r.status, r.acceptedAt IS NOT NULL, r.recordKey`
	indicatorTakingCharge = casesOfZone + `
WHERE c.openedAt >= $from AND c.openedAt < $to
MATCH (c)-[:HAS_REFERRAL]->(r:Referral) WHERE r.acceptedAt < $to
WITH c, min(r.acceptedAt) AS first
RETURN duration.inSeconds(c.openedAt, first).seconds / 86400.0`
	indicatorInterventions = casesOfZone + `
MATCH (c)-[:HAS_INTERVENTION]->(i:Intervention)-[:DELIVERED_BY]->(:Service)-[:IN_CATEGORY]->(cat:ServiceCategory)
WHERE i.startDate >= date($fromDay) AND i.startDate < date($toDay)
RETURN cat.code, count(i), sum(i.recordKey)`
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

// Indicators measures a zone's monitoring figures for a period, in one read transaction, for
// the disclosure layer to publish.
func (s *Store) Indicators(ctx context.Context, zoneID string, period model.Period) (*disclosure.IndicatorsTally, error) {
	var c model.Check
	zone := keyOf(&c, "Zone", zoneID, "zoneId")
	if err := filterErr(c); err != nil {
		return nil, err
	}
	q := query{params: map[string]any{}}
	q.mustExist("Zone", zone, "zoneId")
	from, to := period.Bounds()
	params := map[string]any{"zone": zone, "from": from.UTC(), "to": to.UTC(),
		"fromDay": from.Format(time.DateOnly), "toDay": to.Format(time.DateOnly),
		// Confidential shelters' places count for the network's roles only (SeesConfidential).
		"seesConfidential": SeesConfidential(ctx)}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*disclosure.IndicatorsTally, error) {
		if err := q.check(ctx, tx); err != nil {
			return nil, err
		}
		in := &disclosure.IndicatorsTally{ZoneID: zone, Period: period, Outcomes: map[string]disclosure.Cell{},
			Referrals: map[string]disclosure.Cell{}, Interventions: map[string]disclosure.Cell{}, Exploitation: map[string]disclosure.Cell{}}
		recs, err := run(ctx, tx, indicatorCases, params)
		if err != nil {
			return nil, err
		}
		v := recs[0].Values
		in.Opened, in.InCharge, in.Closed, in.Overdue = pairCell(v[0]), pairCell(v[1]), pairCell(v[2]), pairCell(v[3])
		for i, o := range v[4].([]any) {
			in.Outcomes[caseStandings[i+1]] = pairCell(o)
		}
		if recs, err = run(ctx, tx, indicatorReferrals, params); err != nil {
			return nil, err
		}
		for _, st := range model.AllReferralStatus {
			in.Referrals[string(st)] = disclosure.Cell{}
		}
		for _, r := range recs {
			status, key := r.Values[0].(string), int64(toInt(r.Values[2]))
			one := disclosure.Cell{N: 1, KeySum: key}
			in.Referrals[status] = in.Referrals[status].Plus(one)
			if r.Values[1] == true {
				in.Accepted = in.Accepted.Plus(one)
			} else if status == "REFUSED" {
				in.Refused = in.Refused.Plus(one)
			}
		}
		if recs, err = run(ctx, tx, indicatorTakingCharge, params); err != nil {
			return nil, err
		}
		for _, r := range recs {
			in.DaysToTakingCharge = append(in.DaysToTakingCharge, r.Values[0].(float64))
		}
		if recs, err = run(ctx, tx, indicatorInterventions, params); err != nil {
			return nil, err
		}
		for _, r := range recs {
			in.Interventions[r.Values[0].(string)] = disclosure.Cell{N: toInt(r.Values[1]), KeySum: int64(toInt(r.Values[2]))}
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
		in.ShelterPlacesOverTime = model.PlacesSeries(reports, period.WeekEnds(s.now()))
		if recs, err = run(ctx, tx, indicatorNeedsWithout, params); err != nil {
			return nil, err
		}
		for _, r := range recs {
			in.NeedsWithoutService = append(in.NeedsWithoutService, r.Values[0].(string))
		}
		if recs, err = run(ctx, tx, indicatorExploitation, params); err != nil {
			return nil, err
		}
		for _, r := range recs {
			in.Exploitation[r.Values[0].(string)] = disclosure.Cell{N: toInt(r.Values[1]), KeySum: int64(toInt(r.Values[2]))}
		}
		if recs, err = run(ctx, tx, indicatorActivity, params); err != nil {
			return nil, err
		}
		in.Activity = activityTallies(recs)
		if in.Targets, err = targetTallies(ctx, tx, params, period); err != nil {
			return nil, err
		}
		if recs, err = run(ctx, tx, indicatorContext, merge(params, map[string]any{"year": period.Year})); err != nil {
			return nil, err
		}
		for _, r := range recs {
			in.Context = append(in.Context, decodeContext(r.Values[0].(neo4j.Node)))
		}
		return in, nil
	})
}
