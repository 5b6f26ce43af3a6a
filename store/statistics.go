package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/disclosure"
	"snodo/model"
)

// caseStandings are where a case stood at the end of a period: open, or closed with an outcome.
var caseStandings = []string{"OPEN", "INCLUDED", "TRANSFERRED", "DROPPED_OUT", "OTHER"}

// cellColumns are the Cypher return items that count, and sum the record keys of, the rows of
// x for which each condition of conds (with %s for the value) holds, for each value.
func cellColumns(x, cond string, values []string) string {
	var cols []string
	for _, v := range values {
		c := strings.ReplaceAll(cond, "%s", "'"+v+"'")
		cols = append(cols, fmt.Sprintf("[count(CASE WHEN %s THEN 1 END), sum(CASE WHEN %s THEN %s.recordKey ELSE 0 END)]", c, c, x))
	}
	return strings.Join(cols, ", ")
}

// caseCountsCypher counts the cases opened in the period per zone measured (the zone, or its
// zones of a kind), by where they stood at the end of the period, and sums their record keys.
var caseCountsCypher = `MATCH (root:Zone {id: $zone})
CALL (root) { MATCH (z:Zone)-[:PART_OF]->*(root) WHERE ($level IS NULL AND z = root) OR z.kind = $level RETURN DISTINCT z }
CALL (z) {
  OPTIONAL MATCH (c:Case)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(z)
  WHERE c.openedAt >= $from AND c.openedAt < $to
  WITH DISTINCT c
  WITH c, CASE WHEN c IS NULL THEN null WHEN c.closedAt IS NULL OR c.closedAt >= $to THEN 'OPEN' ELSE c.outcome END AS stood
  RETURN [` + cellColumns("c", "stood = %s", caseStandings) + `] AS cells
}
RETURN z.id, cells ORDER BY z.name, z.id`

// CaseCounts counts the cases opened in a period per zone measured, by where they stood at its
// end: open, or closed with each outcome. Rows are by zone name.
func (s *Store) CaseCounts(ctx context.Context, in model.CaseCountsInput, period model.Period) ([]disclosure.CaseCountTally, error) {
	var c model.Check
	q := query{params: map[string]any{}}
	zone := in.ZoneID
	params := scopeParams(&c, &q, &zone, period)
	if err := filterErr(c); err != nil {
		return nil, err
	}
	params["level"] = nil
	if in.Level != nil {
		params["level"] = string(*in.Level)
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]disclosure.CaseCountTally, error) {
		if err := q.check(ctx, tx); err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, caseCountsCypher, params)
		if err != nil {
			return nil, err
		}
		out := make([]disclosure.CaseCountTally, 0, len(records))
		for _, rec := range records {
			cells := rec.Values[1].([]any)
			cell := func(i int) disclosure.Cell { return pairCell(cells[i]) }
			out = append(out, disclosure.CaseCountTally{ZoneID: rec.Values[0].(string),
				Open: cell(0), Included: cell(1), Transferred: cell(2), DroppedOut: cell(3), Other: cell(4)})
		}
		return out, nil
	})
}

// pairCell reads a [count, sum of record keys] pair.
func pairCell(v any) disclosure.Cell {
	p := v.([]any)
	return disclosure.Cell{N: toInt(p[0]), KeySum: int64(toInt(p[1]))}
}

// RecordAggregateQuery records an aggregate query and spends a day of its subject's budget, in
// one transaction; it returns how many aggregate queries the subject has made that day.
func (s *Store) RecordAggregateQuery(ctx context.Context, q disclosure.Query) (int, error) {
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		records, err := run(ctx, tx, `MERGE (b:AggregateBudget {id: $subject + '/' + $day})
			ON CREATE SET b.subject = $subject, b.day = $day, b.used = 0
			SET b.used = b.used + 1
			CREATE (:AggregateQuery {at: $at, subject: $subject, role: $role, query: $name, day: $day, exact: $exact})
			RETURN b.used`, map[string]any{"subject": q.Subject, "day": q.Day, "at": q.At.UTC(), "role": q.Role, "name": q.Name, "exact": q.Exact})
		if err != nil {
			return 0, err
		}
		return toInt(records[0].Values[0]), nil
	})
}

// Now is the store's clock: the one answer Snodo gives to what time it is.
func (s *Store) Now() time.Time { return s.now() }

// RecordExactReport writes in the audit log that the data controller produced an exact report
// of the zone's figures for the period.
func (s *Store) RecordExactReport(ctx context.Context, by, zoneID, period string) error {
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (any, error) {
		return run(ctx, tx, `CREATE (:AuditEntry {id: $id, at: $at, subject: $by, role: 'ADMIN', action: 'READ',
			operation: 'report --exact ' + $period, targetId: $zone})`,
			map[string]any{"id": uuid.NewString(), "at": s.now().UTC(), "by": by, "period": period, "zone": zoneID})
	})
	return err
}
