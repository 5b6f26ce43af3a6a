package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/model"
)

// A zone's context indicators are kept one node a value: (:Zone)-[:HAS_CONTEXT]->(:ZoneContext
// {zoneId, year, indicator, value, source...}), one per zone, year and indicator. A project's
// targets are (:Partnership)-[:HAS_TARGET]->(:ProjectTarget)-[:IN_ZONE]->(:Zone); a case funded
// by a project is (:Case {projectId})-[:FUNDED_BY]->(:Partnership).

var (
	// ZoneContext lists a zone's context values, newest year first, then in the order of the
	// indicators.
	ZoneContext = nodeRel("(:Zone {id: pid})-[:HAS_CONTEXT]->(n:ZoneContext)", "(9999 - n.year) * 100 + n.position", decodeContext)
	// PartnershipTargets lists a project's targets by first day.
	PartnershipTargets = nodeRel("(:Partnership {id: pid})-[:HAS_TARGET]->(n:ProjectTarget)", "toString(n.from) + n.id", decodeTarget)
)

func decodeContext(n neo4j.Node) *model.ZoneContextValue {
	p := props(n.Props)
	v, _ := p["value"].(float64)
	return &model.ZoneContextValue{Indicator: model.ContextIndicator(p.str("indicator")), Year: deref(p.optInt("year")), Value: v,
		Source: p.str("source"), Note: p.optStr("note"), EnteredBy: p.str("enteredBy")}
}

func decodeTarget(n neo4j.Node) *model.ProjectTarget {
	p := props(n.Props)
	t := &model.ProjectTarget{ID: p.str("id"), ProjectID: p.str("projectId"), Description: p.str("description"),
		Measure: model.TargetMeasure(p.str("measure")), Count: deref(p.optInt("count")), ZoneID: p.str("zoneId")}
	if d := p.optDate("from"); d != nil {
		t.From = *d
	}
	if d := p.optDate("to"); d != nil {
		t.To = *d
	}
	return t
}

// percentIndicators are the context indicators given in percent.
var percentIndicators = []model.ContextIndicator{model.ContextIndicatorForeignResidentsShare, model.ContextIndicatorUnemploymentRate,
	model.ContextIndicatorForeignUnemploymentRate, model.ContextIndicatorUnemploymentRateCompared}

// SetZoneContext sets a zone's context indicators for a year, with their source: a coordinator
// for a zone it keeps. The values given replace the year's values of the same indicators.
func (s *Store) SetZoneContext(ctx context.Context, in model.SetZoneContextInput) ([]*model.ZoneContextValue, error) {
	var c model.Check
	zone := keyOf(&c, "Zone", in.ZoneID, "input", "zoneId")
	if in.Year < 1900 || in.Year > s.now().Year() {
		c.Add(model.UserErrorCodeInvalid, fmt.Sprintf("a year from 1900 to %d", s.now().Year()), "input", "year")
	}
	if in.Source == "" {
		c.Add(model.UserErrorCodeRequired, "say where the figures come from", "input", "source")
	}
	c.Text(&in.Source, 1000, "input", "source")
	if len(in.Values) == 0 {
		c.Add(model.UserErrorCodeRequired, "give at least one value", "input", "values")
	}
	seen := map[model.ContextIndicator]bool{}
	rows := make([]map[string]any, 0, len(in.Values))
	for i, v := range in.Values {
		at := []string{"input", "values", fmt.Sprint(i)}
		if seen[v.Indicator] {
			c.Add(model.UserErrorCodeInvalid, "each indicator once", append(at, "indicator")...)
		}
		seen[v.Indicator] = true
		if v.Value < 0 || slices.Contains(percentIndicators, v.Indicator) && v.Value > 100 {
			c.Add(model.UserErrorCodeInvalid, "not negative, and a percentage at most 100", append(at, "value")...)
		}
		c.Text(v.Note, 1000, append(at, "note")...)
		rows = append(rows, map[string]any{"indicator": string(v.Indicator), "position": slices.Index(model.AllContextIndicator, v.Indicator),
			"value": v.Value, "note": emptyToNil(v.Note)})
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) ([]*model.ZoneContextValue, error) {
		if err := mustExistAll(ctx, tx, ref{label: "Zone", field: "zoneId", keys: []string{zone}}); err != nil {
			return nil, err
		}
		if err := authorize(ctx, tx, "Zone", zone); err != nil {
			return nil, err
		}
		now := s.now()
		if _, err := run(ctx, tx, `MATCH (z:Zone {id: $zone}) UNWIND $rows AS row
			MERGE (z)-[:HAS_CONTEXT]->(n:ZoneContext {zoneId: z.id, year: $year, indicator: row.indicator})
			ON CREATE SET n.id = randomUUID(), n.createdAt = $now, n.version = 0
			SET n.position = row.position, n.value = row.value, n.note = row.note, n.source = $source, n.enteredBy = $by,
				n.updatedAt = $now, n.version = n.version + 1`,
			map[string]any{"zone": zone, "year": in.Year, "rows": rows, "source": in.Source, "by": auth.From(ctx).Subject, "now": now}); err != nil {
			return nil, err
		}
		recs, err := run(ctx, tx, "MATCH (:Zone {id: $zone})-[:HAS_CONTEXT]->(n:ZoneContext {year: $year}) RETURN n ORDER BY n.position",
			map[string]any{"zone": zone, "year": in.Year})
		if err != nil {
			return nil, err
		}
		out := make([]*model.ZoneContextValue, len(recs))
		for i, r := range recs {
			out[i] = decodeContext(r.Values[0].(neo4j.Node))
		}
		return out, nil
	})
}

// MaxTargetCount bounds a target's count.
const MaxTargetCount = 1000000

// AddProjectTarget adds a target to a funded project: a coordinator for a project and a zone it
// keeps.
func (s *Store) AddProjectTarget(ctx context.Context, in model.AddProjectTargetInput) (*model.ProjectTarget, error) {
	var c model.Check
	project := keyOf(&c, "Partnership", in.PartnershipID, "input", "partnershipId")
	zone := keyOf(&c, "Zone", in.ZoneID, "input", "zoneId")
	c.Name(in.Description, "input", "description")
	if in.Count < 1 || in.Count > MaxTargetCount {
		c.Add(model.UserErrorCodeInvalid, fmt.Sprintf("a count from 1 to %d", MaxTargetCount), "input", "count")
	}
	if in.To.Before(in.From.Time) {
		c.Add(model.UserErrorCodeInvalid, "the last day comes before the first", "input", "to")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.ProjectTarget, error) {
		if err := mustExistAll(ctx, tx, ref{label: "Zone", field: "zoneId", keys: []string{zone}}); err != nil {
			return nil, err
		}
		if err := mustBeProject(ctx, tx, project, "input", "partnershipId"); err != nil {
			return nil, err
		}
		if err := authorize(ctx, tx, "Partnership", project); err != nil {
			return nil, err
		}
		if auth.From(ctx).Role == auth.Coordinator {
			if err := authorizeZones(ctx, tx, []string{zone}); err != nil {
				return nil, err
			}
		}
		key, now := NewKey(), s.now()
		if _, err := run(ctx, tx, `MATCH (p:Partnership {id: $project}), (z:Zone {id: $zone})
			CREATE (p)-[:HAS_TARGET]->(t:ProjectTarget {id: $id, projectId: p.id, zoneId: z.id, description: $description, measure: $measure,
				count: $count, from: $from, to: $to, createdAt: $now, updatedAt: $now, version: 1})-[:IN_ZONE]->(z)`,
			map[string]any{"project": project, "zone": zone, "id": key, "description": in.Description, "measure": string(in.Measure),
				"count": in.Count, "from": neo4j.DateOf(in.From.Time), "to": neo4j.DateOf(in.To.Time), "now": now}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "ProjectTarget", key, decodeTarget)
	})
}

// indicatorContext reads the zone's context: of each indicator, the latest value for $year or
// an earlier year.
const indicatorContext = `
MATCH (:Zone {id: $zone})-[:HAS_CONTEXT]->(n:ZoneContext) WHERE n.year <= $year
WITH n ORDER BY n.year DESC
WITH n.indicator AS indicator, collect(n)[0] AS n
RETURN n ORDER BY n.position`

// targetsOfZone reads the targets set in the zone or a zone inside it whose span meets the
// period ($fromDay to $toDay).
const targetsOfZone = `
MATCH (t:ProjectTarget)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone})
WHERE t.from < date($toDay) AND t.to >= date($fromDay)
WITH DISTINCT t
RETURN t ORDER BY t.from, t.id`

// targetAchieved counts a project's cases in the target's zone (or a zone inside it) that
// reached the target's measure from $a to $b.
var targetAchieved = map[model.TargetMeasure]string{
	model.TargetMeasureCasesOpened: `
MATCH (c:Case)-[:FUNDED_BY]->(:Partnership {id: $project})
WHERE c.openedAt >= $a AND c.openedAt < $b AND EXISTS { (c)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $tzone}) }
RETURN [count(c), coalesce(sum(c.recordKey), 0)]`,
	model.TargetMeasureCasesTakenInCharge: `
MATCH (c:Case)-[:FUNDED_BY]->(:Partnership {id: $project})
WHERE EXISTS { (c)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $tzone}) }
MATCH (c)-[:HAS_REFERRAL]->(r:Referral) WHERE r.acceptedAt IS NOT NULL
WITH c, min(r.acceptedAt) AS first WHERE first >= $a AND first < $b
RETURN [count(c), coalesce(sum(c.recordKey), 0)]`,
}

// TargetMonths are the whole months of a target's span inside the period: from the first
// month the span touches to the last, cut to the period. Achievement is counted by whole
// months, so that no target drawn around a few days isolates a few people.
func TargetMonths(t *model.ProjectTarget, period model.Period) (from, to time.Time) {
	pFrom, pTo := period.Bounds()
	loc := pFrom.Location()
	from = time.Date(t.From.Year(), t.From.Month(), 1, 0, 0, 0, 0, loc)
	to = time.Date(t.To.Year(), t.To.Month(), 1, 0, 0, 0, 0, loc).AddDate(0, 1, 0)
	if from.Before(pFrom) {
		from = pFrom
	}
	if to.After(pTo) {
		to = pTo
	}
	return from, to
}

// targetTallies measures, in the read transaction of the indicators, the targets of the zone
// against what their projects' cases achieved in the period.
func targetTallies(ctx context.Context, tx neo4j.ManagedTransaction, params map[string]any, period model.Period) ([]disclosure.TargetTally, error) {
	recs, err := run(ctx, tx, targetsOfZone, params)
	if err != nil {
		return nil, err
	}
	out := []disclosure.TargetTally{}
	for _, r := range recs {
		t := decodeTarget(r.Values[0].(neo4j.Node))
		a, b := TargetMonths(t, period)
		got, err := run(ctx, tx, targetAchieved[t.Measure], map[string]any{"project": t.ProjectID, "tzone": t.ZoneID, "a": a.UTC(), "b": b.UTC()})
		if err != nil {
			return nil, err
		}
		out = append(out, disclosure.TargetTally{Target: t, Months: a.Format("2006-01") + ".." + b.AddDate(0, -1, 0).Format("2006-01"),
			Achieved: pairCell(got[0].Values[0])})
	}
	return out, nil
}
