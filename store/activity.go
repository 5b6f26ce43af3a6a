package store

import (
	"context"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/model"
)

// MaxActivityCount bounds the count of one activity record.
const MaxActivityCount = 100000

// An activity record is a record about people like a case: it carries a record key, and it is
// read only as aggregates (Indicators.activity), never one by one.

func decodeActivity(n neo4j.Node) *model.ActivityRecord {
	p := props(n.Props)
	a := &model.ActivityRecord{ID: p.str("id"), ServiceID: p.str("serviceId"), ZoneID: p.str("zoneId"),
		Kind: model.ActivityKind(p.str("kind")), Count: deref(p.optInt("count")), RecordedBy: p.str("recordedBy")}
	if d := p.optDate("from"); d != nil {
		a.From = *d
	}
	if d := p.optDate("to"); d != nil {
		a.To = *d
	}
	if v := p.optStr("exploitation"); v != nil {
		k := model.ExploitationKind(*v)
		a.Exploitation = &k
	}
	if v := p.optStr("gender"); v != nil {
		g := model.Gender(*v)
		a.Gender = &g
	}
	if v := p.optStr("ageBand"); v != nil {
		b := model.AgeBand(*v)
		a.AgeBand = &b
	}
	return a
}

// optEnum passes an optional enum value to Cypher.
func optEnum[T ~string](v *T) any {
	if v == nil {
		return nil
	}
	return string(*v)
}

// RecordActivity records what a service's outreach did: by an operator of the service's own
// actor (or an admin), in a zone the service is available in or one inside such a zone.
func (s *Store) RecordActivity(ctx context.Context, in model.RecordActivityInput) (*model.ActivityRecord, error) {
	var c model.Check
	service := keyOf(&c, "Service", in.ServiceID, "input", "serviceId")
	zone := keyOf(&c, "Zone", in.ZoneID, "input", "zoneId")
	to := in.From
	if in.To != nil {
		to = *in.To
	}
	today := model.Date{Time: time.Date(s.now().Year(), s.now().Month(), s.now().Day(), 0, 0, 0, 0, time.UTC)}
	switch {
	case to.Before(in.From.Time):
		c.Add(model.UserErrorCodeInvalid, "the last day comes before the first", "input", "to")
	case to.After(today.Time):
		c.Add(model.UserErrorCodeInvalid, "activity is recorded once done: the last day is after today", "input", "to")
	case to.After(in.From.AddDate(1, 0, 0)):
		c.Add(model.UserErrorCodeInvalid, "a record spans at most a year", "input", "to")
	}
	if in.Count < 1 || in.Count > MaxActivityCount {
		c.Add(model.UserErrorCodeInvalid, fmt.Sprintf("a count from 1 to %d", MaxActivityCount), "input", "count")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.ActivityRecord, error) {
		if err := mustExistAll(ctx, tx, ref{label: "Service", field: "serviceId", keys: []string{service}},
			ref{label: "Zone", field: "zoneId", keys: []string{zone}}); err != nil {
			return nil, err
		}
		if err := authorize(ctx, tx, "Service", service); err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, `MATCH (s:Service {id: $service}), (z:Zone {id: $zone})
			RETURN EXISTS { MATCH (s)-[:AVAILABLE_IN]->(:Zone)<-[:PART_OF]-*(z) }`, map[string]any{"service": service, "zone": zone})
		if err != nil {
			return nil, err
		}
		if records[0].Values[0] != true {
			return nil, model.InputError(model.UserErrorCodeInvalid, "the service is not available in this zone", "input", "zoneId")
		}
		key, now := NewKey(), s.now()
		if _, err := run(ctx, tx, `MATCH (s:Service {id: $service}), (z:Zone {id: $zone})
			CREATE (s)-[:RECORDED_ACTIVITY]->(a:Activity {id: $id, serviceId: s.id, zoneId: z.id, kind: $kind, from: $from, to: $to,
				count: $count, exploitation: $exploitation, gender: $gender, ageBand: $ageBand, recordedBy: $by,
				recordKey: $recordKey, createdAt: $now, updatedAt: $now, version: 1})-[:IN_ZONE]->(z)`,
			map[string]any{"service": service, "zone": zone, "id": key, "kind": string(in.Kind), "from": neo4j.DateOf(in.From.Time),
				"to": neo4j.DateOf(to.Time), "count": in.Count, "exploitation": optEnum(in.Exploitation), "gender": optEnum(in.Gender),
				"ageBand": optEnum(in.AgeBand), "by": auth.From(ctx).Subject, "recordKey": NewRecordKey(), "now": now}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Activity", key, decodeActivity)
	})
}

// indicatorActivity reads the activity records of the zone (or a zone inside it) whose days lie
// wholly in the period: a record that spans more is not split.
const indicatorActivity = `
MATCH (a:Activity)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone})
WHERE a.from >= date($fromDay) AND a.to < date($toDay)
WITH DISTINCT a
RETURN a.kind, a.count, a.recordKey, coalesce(a.exploitation, 'UNSTATED'), coalesce(a.gender, 'UNSTATED'), coalesce(a.ageBand, 'UNSTATED')`

// activityTallies measures the activity records read by indicatorActivity: for each kind, the
// cell of its records (their counts summed, their keys summed) and its breakdowns.
func activityTallies(recs []*neo4j.Record) []disclosure.ActivityTally {
	out := make([]disclosure.ActivityTally, len(model.AllActivityKind))
	at := map[string]int{}
	for i, k := range model.AllActivityKind {
		out[i] = disclosure.ActivityTally{Kind: k, Exploitation: map[string]disclosure.Cell{}, Gender: map[string]disclosure.Cell{}, AgeBand: map[string]disclosure.Cell{}}
		at[string(k)] = i
	}
	for _, r := range recs {
		i, ok := at[r.Values[0].(string)]
		if !ok {
			continue
		}
		cell := disclosure.Cell{N: toInt(r.Values[1]), KeySum: int64(toInt(r.Values[2]))}
		t := &out[i]
		t.Count = t.Count.Plus(cell)
		t.Exploitation[r.Values[3].(string)] = t.Exploitation[r.Values[3].(string)].Plus(cell)
		t.Gender[r.Values[4].(string)] = t.Gender[r.Values[4].(string)].Plus(cell)
		t.AgeBand[r.Values[5].(string)] = t.AgeBand[r.Values[5].(string)].Plus(cell)
	}
	return out
}

// indicatorExploitation counts the cases opened in the period by kind of exploitation.
var indicatorExploitation = casesOfZone + `
WHERE c.openedAt >= $from AND c.openedAt < $to
RETURN coalesce(c.exploitation, 'UNSTATED'), count(c), sum(c.recordKey)`

// mustBeProject refuses a partnership that is not a funded project.
func mustBeProject(ctx context.Context, tx neo4j.ManagedTransaction, key string, path ...string) error {
	records, err := run(ctx, tx, "MATCH (p:Partnership {id: $id}) RETURN p.kind", map[string]any{"id": key})
	if err != nil {
		return err
	}
	if len(records) == 0 {
		return model.InputError(model.UserErrorCodeNotFound, "no Partnership has this ID", path...)
	}
	if records[0].Values[0] != string(model.PartnershipKindFundedProject) {
		return model.InputError(model.UserErrorCodeInvalid, "a project is a partnership of kind FUNDED_PROJECT", path...)
	}
	return nil
}
