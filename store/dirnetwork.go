package store

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
	"snodo/relay"
)

// The network's own records beside the directory, which ImportDirectory imports as it imports
// zones, actors and services: partnerships with their members, pathway models with their
// stages, and designed routes. HSDS carries none of them; Snodo's extension files do.

// MemberRecord is an actor's membership of an imported partnership.
type MemberRecord struct {
	Actor string
	Role  model.MemberRole
	Since *model.Date
}

// StageRecord is a stage of an imported pathway model, in its order; its ID is kept.
type StageRecord struct {
	ID          string
	Code, Name  string
	AllowedBack []string
}

// CheckPartnership checks a partnership's own fields by the rules of createPartnership; at is
// the path of the record's fields.
func CheckPartnership(c *model.Check, title string, description *string, start, end *model.Date, at ...string) {
	c.Name(title, append(at, "title")...)
	c.Text(description, model.MaxTextLength, append(at, "description")...)
	c.DateRange(start, end, append(at, "endDate")...)
}

// CheckPathwayModel checks a model's fields and stages by the rules of createPathwayModel.
func CheckPathwayModel(c *model.Check, name string, description *string, maxDurationDays *int, stages []*model.StageInput, at ...string) {
	c.Name(name, append(at, "name")...)
	c.Text(description, model.MaxTextLength, append(at, "description")...)
	checkDuration(c, maxDurationDays, false, at...)
	checkStages(c, stages, at...)
}

// CheckRoute checks a route's fields by the rules of createRoute: two different ends and an
// instrument of one line.
func CheckRoute(c *model.Check, from, to string, instrument *string, at ...string) {
	if from != "" && from == to {
		c.Add(model.UserErrorCodeInvalid, "a route goes from one end to another", append(at, "toId")...)
	}
	c.Line(instrument, model.MaxItemLength, append(at, "instrument")...)
}

// routeEndLinks are a route's links that name its ends, by the label at the other end.
var routeEndLinks = map[string]string{"fromActor": "Actor", "fromService": "Service", "toActor": "Actor", "toService": "Service"}

// prepareRoute derives a route's stored references from its links, as createRoute stores them:
// the global IDs of its ends, stage and partnership, and the keys of its needs.
func prepareRoute(r DirectoryRecord) (DirectoryRecord, error) {
	end := func(side string) (string, error) {
		var out []string
		for _, name := range []string{side + "Actor", side + "Service"} {
			for _, k := range r.Links[name] {
				out = append(out, relay.GlobalID(routeEndLinks[name], k))
			}
		}
		if len(out) != 1 {
			return "", &RecordError{r.Label, r.ID, r.Ref, side, "a route has one actor or service at each end"}
		}
		return out[0], nil
	}
	from, err := end("from")
	if err != nil {
		return r, err
	}
	to, err := end("to")
	if err != nil {
		return r, err
	}
	opt := func(label, name string) any {
		if ks := r.Links[name]; len(ks) == 1 {
			return relay.GlobalID(label, ks[0])
		}
		return nil
	}
	needs := slices.Clone(r.Links["needs"])
	if needs == nil {
		needs = []string{}
	}
	r.Props = merge(r.Props, map[string]any{"fromId": from, "toId": to, "needIds": needs,
		"stageId": opt("Stage", "stage"), "partnershipId": opt("Partnership", "partnership")})
	return r, nil
}

// sameMembers reports whether the partnership has exactly the members of the record.
func sameMembers(ctx context.Context, tx neo4j.ManagedTransaction, r DirectoryRecord) (bool, error) {
	have, err := run(ctx, tx, `MATCH (:Partnership {id: $id})<-[m:MEMBER_OF]-(a:Actor)
		RETURN a.id, m.role, m.since ORDER BY a.id`, map[string]any{"id": r.ID})
	if err != nil {
		return false, err
	}
	want := sortedMembers(r.Members)
	if len(have) != len(want) {
		return false, nil
	}
	for i, h := range have {
		w := want[i]
		if h.Values[0] != w.Actor || h.Values[1] != string(w.Role) || !sameValue(h.Values[2], dateParam(w.Since)) {
			return false, nil
		}
	}
	return true, nil
}

func sortedMembers(ms []MemberRecord) []MemberRecord {
	out := slices.Clone(ms)
	sort.Slice(out, func(i, j int) bool { return out[i].Actor < out[j].Actor })
	return out
}

// setMembers makes the record's members the partnership's, refusing an actor that is not there
// or is named twice.
func setMembers(ctx context.Context, tx neo4j.ManagedTransaction, r DirectoryRecord) error {
	rows := make([]map[string]any, 0, len(r.Members))
	seen := map[string]bool{}
	for _, m := range r.Members {
		if seen[m.Actor] {
			return &RecordError{r.Label, r.ID, r.Ref, "members", fmt.Sprintf("names the actor %s twice", m.Actor)}
		}
		seen[m.Actor] = true
		rows = append(rows, map[string]any{"actor": m.Actor, "role": string(m.Role), "since": dateParam(m.Since)})
	}
	missing, err := run(ctx, tx, "UNWIND $rows AS row OPTIONAL MATCH (a:Actor {id: row.actor}) WITH row, a WHERE a IS NULL RETURN row.actor",
		map[string]any{"rows": rows})
	if err != nil {
		return err
	}
	if len(missing) > 0 {
		return &RecordError{r.Label, r.ID, r.Ref, "members", fmt.Sprintf("no Actor has the ID %v", missing[0].Values[0])}
	}
	_, err = run(ctx, tx, `MATCH (p:Partnership {id: $id})
		CALL (p) { MATCH (p)<-[old:MEMBER_OF]-(:Actor) DELETE old }
		WITH p UNWIND $rows AS row MATCH (a:Actor {id: row.actor})
		CREATE (a)-[:MEMBER_OF {role: row.role, since: row.since}]->(p)`, map[string]any{"id": r.ID, "rows": rows})
	return err
}

// sameStages reports whether the model has exactly the record's stages, in its order.
func sameStages(ctx context.Context, tx neo4j.ManagedTransaction, r DirectoryRecord) (bool, error) {
	have, err := run(ctx, tx, `MATCH (:PathwayModel {id: $id})-[:HAS_STAGE]->(s:Stage)
		RETURN s.id, s.code, s.name, s.allowedBack ORDER BY s.position`, map[string]any{"id": r.ID})
	if err != nil {
		return false, err
	}
	if len(have) != len(r.Stages) {
		return false, nil
	}
	for i, h := range have {
		w := r.Stages[i]
		if h.Values[0] != w.ID || h.Values[1] != w.Code || h.Values[2] != w.Name || !sameValue(h.Values[3], orEmpty(w.AllowedBack)) {
			return false, nil
		}
	}
	return true, nil
}

// importStages makes the record's stages the model's, as updatePathwayModel does, keeping the
// stages' IDs.
func importStages(ctx context.Context, tx neo4j.ManagedTransaction, r DirectoryRecord) error {
	stages := make([]*model.StageInput, len(r.Stages))
	ids := make([]string, len(r.Stages))
	for i, st := range r.Stages {
		stages[i] = &model.StageInput{Code: st.Code, Name: st.Name, AllowedBack: st.AllowedBack}
		ids[i] = st.ID
	}
	err := setStages(ctx, tx, r.ID, stages, ids)
	if me, ok := model.AsInputErrors(err); ok {
		return &RecordError{r.Label, r.ID, r.Ref, "stages", me[0].Message}
	}
	return err
}

// newStageID is the ID of a new stage when none is given.
func newStageID(ids []string, i int) string {
	if i < len(ids) && ids[i] != "" {
		return ids[i]
	}
	return uuid.NewString()
}

// NetworkPartnership is a partnership as an export writes it: the partnership, its zones,
// parent and members.
type NetworkPartnership struct {
	Partnership *model.Partnership
	Zones       []string
	Parent      string
	Members     []MemberRecord
}

// NetworkModel is a pathway model with its stages in order.
type NetworkModel struct {
	Model  *model.PathwayModel
	Stages []*model.Stage
}

// NetworkRoute is a route with its ends' labels and keys, needs, stage and partnership.
type NetworkRoute struct {
	Route              *model.Route
	FromLabel, From    string
	ToLabel, To        string
	Needs              []string
	Stage, Partnership string
}

// NetworkRecords are the network's partnerships, pathway models and routes, each in the order
// of its ID, for an export of the whole directory.
type NetworkRecords struct {
	Partnerships []NetworkPartnership
	Models       []NetworkModel
	Routes       []NetworkRoute
}

// DirectoryNetwork reads the network's partnerships, pathway models and routes in one read
// transaction: three statements, whatever their number.
func (s *Store) DirectoryNetwork(ctx context.Context) (NetworkRecords, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (NetworkRecords, error) {
		var out NetworkRecords
		records, err := run(ctx, tx, `MATCH (n:Partnership) WITH n ORDER BY n.id
			RETURN n, [(n)-[:COVERS]->(z:Zone) | z.id] AS zones, [(n)-[:PART_OF]->(p:Partnership) | p.id][0] AS parent,
			       [(n)<-[m:MEMBER_OF]-(a:Actor) | [a.id, m.role, m.since]] AS members`, nil)
		if err != nil {
			return out, err
		}
		for _, rec := range records {
			p := NetworkPartnership{Partnership: decodePartnership(rec.Values[0].(neo4j.Node)), Zones: sortedStrings(rec.Values[1])}
			p.Parent, _ = rec.Values[2].(string)
			for _, m := range rec.Values[3].([]any) {
				row := m.([]any)
				mr := MemberRecord{Actor: row[0].(string)}
				mr.Role = model.MemberRole(fmt.Sprint(row[1]))
				if d, ok := row[2].(neo4j.Date); ok {
					since := model.Date{Time: d.Time()}
					mr.Since = &since
				}
				p.Members = append(p.Members, mr)
			}
			p.Members = sortedMembers(p.Members)
			out.Partnerships = append(out.Partnerships, p)
		}
		records, err = run(ctx, tx, `MATCH (n:PathwayModel) WITH n ORDER BY n.id
			RETURN n, COLLECT { MATCH (n)-[:HAS_STAGE]->(s:Stage) RETURN s ORDER BY s.position } AS stages`, nil)
		if err != nil {
			return out, err
		}
		for _, rec := range records {
			m := NetworkModel{Model: decodePathwayModel(rec.Values[0].(neo4j.Node))}
			for _, st := range rec.Values[1].([]any) {
				m.Stages = append(m.Stages, decodeStage(st.(neo4j.Node)))
			}
			out.Models = append(out.Models, m)
		}
		records, err = run(ctx, tx, `MATCH (n:Route) WITH n ORDER BY n.id
			MATCH (n)-[:FROM]->(a) MATCH (n)-[:TO]->(b)
			RETURN n, labels(a)[0], a.id, labels(b)[0], b.id, [(n)-[:FOR]->(x:Need) | x.id] AS needs,
			       [(n)-[:IN_STAGE]->(st:Stage) | st.id][0], [(n)-[:GOVERNED_BY]->(p:Partnership) | p.id][0]`, nil)
		if err != nil {
			return out, err
		}
		for _, rec := range records {
			r := NetworkRoute{Route: decodeRoute(rec.Values[0].(neo4j.Node)), FromLabel: rec.Values[1].(string), From: rec.Values[2].(string),
				ToLabel: rec.Values[3].(string), To: rec.Values[4].(string), Needs: sortedStrings(rec.Values[5])}
			r.Stage, _ = rec.Values[6].(string)
			r.Partnership, _ = rec.Values[7].(string)
			out.Routes = append(out.Routes, r)
		}
		return out, nil
	})
}

// sortedStrings is a list of strings from Neo4j, sorted.
func sortedStrings(v any) []string {
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	sort.Strings(out)
	return out
}
