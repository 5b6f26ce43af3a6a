package store

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/model"
	"snodo/relay"
)

// The node types of pathways and routes. A route never changes once made, so it keeps the IDs
// of its ends, needs, stage and partnership as properties, beside the relationships that
// traversals follow.
var (
	PathwayModelKind = Kind[*model.PathwayModel]{"PathwayModel", func(m *model.PathwayModel) string { return m.ID }, decodePathwayModel}
	StageKind        = Kind[*model.Stage]{"Stage", func(s *model.Stage) string { return s.ID }, decodeStage}
	RouteKind        = Kind[*model.Route]{"Route", func(r *model.Route) string { return r.ID }, decodeRoute}

	// ModelStages are a model's stages in order.
	ModelStages = nodeRel("(:PathwayModel {id: pid})-[:HAS_STAGE]->(n:Stage)", "n.position", decodeStage)
)

func decodePathwayModel(n neo4j.Node) *model.PathwayModel {
	p := props(n.Props)
	return &model.PathwayModel{ID: p.str("id"), Name: p.str("name"), Description: p.optStr("description"), MaxDurationDays: p.optInt("maxDurationDays"), Meta: p.meta()}
}

func decodeStage(n neo4j.Node) *model.Stage {
	p := props(n.Props)
	pos, _ := p["position"].(int64)
	return &model.Stage{ID: p.str("id"), ModelID: p.str("modelId"), Code: p.str("code"), Name: p.str("name"), Position: int(pos), AllowedBack: p.strs("allowedBack")}
}

func decodeRoute(n neo4j.Node) *model.Route {
	p := props(n.Props)
	return &model.Route{
		ID: p.str("id"), FromID: p.str("fromId"), ToID: p.str("toId"), NeedIDs: p.strs("needIds"),
		StageID: p.optStr("stageId"), Instrument: p.optStr("instrument"), PartnershipID: p.optStr("partnershipId"), Meta: p.meta(),
	}
}

// PathwayModels lists the pathway models by name.
func (s *Store) PathwayModels(ctx context.Context) ([]*model.PathwayModel, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*model.PathwayModel, error) {
		records, err := run(ctx, tx, "MATCH (n:PathwayModel) RETURN n ORDER BY n.name, n.id", nil)
		if err != nil {
			return nil, err
		}
		out := make([]*model.PathwayModel, len(records))
		for i, r := range records {
			out[i] = decodePathwayModel(r.Values[0].(neo4j.Node))
		}
		return out, nil
	})
}

// checkStages validates a model's stages: codes unique, and each stage going back only to
// stages before it.
func checkStages(c *model.Check, stages []*model.StageInput, in ...string) {
	if len(stages) == 0 {
		c.Add(model.UserErrorCodeRequired, "a model has at least one stage", append(slices.Clone(in), "stages")...)
	}
	if len(stages) > model.MaxListLength {
		c.Add(model.UserErrorCodeInvalid, fmt.Sprintf("a model has at most %d stages", model.MaxListLength), append(slices.Clone(in), "stages")...)
		return
	}
	seen := map[string]bool{}
	for i, st := range stages {
		at := append(slices.Clone(in), "stages", fmt.Sprint(i))
		c.Name(st.Name, append(at, "name")...)
		if code := strings.TrimSpace(st.Code); code == "" || len(code) > 20 {
			c.Add(model.UserErrorCodeInvalid, "a stage code has 1 to 20 characters", append(at, "code")...)
			continue
		}
		c.Code(&st.Code, append(at, "code")...)
		if len(st.AllowedBack) > len(stages) {
			c.Add(model.UserErrorCodeInvalid, "names more stages than the model has", append(at, "allowedBack")...)
			continue
		}
		if seen[st.Code] {
			c.Add(model.UserErrorCodeDuplicate, fmt.Sprintf("the code %q is used twice", st.Code), append(at, "code")...)
		}
		for _, b := range st.AllowedBack {
			if len(b) > 20 {
				c.Add(model.UserErrorCodeInvalid, "a stage code has 1 to 20 characters", append(at, "allowedBack")...)
			} else if !seen[b] {
				c.Add(model.UserErrorCodeInvalid, fmt.Sprintf("%q is not a stage before this one", b), append(at, "allowedBack")...)
			}
		}
		seen[st.Code] = true
	}
}

// CreatePathwayModel creates a model with its stages.
func (s *Store) CreatePathwayModel(ctx context.Context, in model.CreatePathwayModelInput) (*model.PathwayModel, error) {
	var c model.Check
	CheckPathwayModel(&c, in.Name, in.Description, in.MaxDurationDays, in.Stages, "input")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.PathwayModel, error) {
		key := uuid.NewString()
		if _, err := run(ctx, tx, `CREATE (n:PathwayModel {id: $id, name: $name, description: $description,
			maxDurationDays: $max, createdAt: $now, updatedAt: $now, version: 1})`, map[string]any{
			"id": key, "name": in.Name, "description": emptyToNil(in.Description), "max": in.MaxDurationDays, "now": s.now(),
		}); err != nil {
			return nil, err
		}
		if err := setStages(ctx, tx, key, in.Stages, nil); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "PathwayModel", key, decodePathwayModel)
	})
}

// UpdatePathwayModel changes a model; stages given replace the old ones by code.
func (s *Store) UpdatePathwayModel(ctx context.Context, in model.UpdatePathwayModelInput) (*model.PathwayModel, error) {
	var c model.Check
	key := keyOf(&c, "PathwayModel", in.ID, "input", "id")
	if in.Name != nil {
		c.Name(*in.Name, "input", "name")
	}
	c.Text(in.Description, model.MaxTextLength, "input", "description")
	checkDuration(&c, in.MaxDurationDays, true, "input")
	if in.Stages != nil {
		checkStages(&c, in.Stages, "input")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.PathwayModel, error) {
		if err := lock(ctx, tx, "PathwayModel", key, in.Version, "input", "id"); err != nil {
			return nil, err
		}
		props := map[string]any{}
		setIfGiven(props, "name", in.Name, func(v string) any { return v })
		if in.Description != nil {
			props["description"] = emptyToNil(in.Description)
		}
		if in.MaxDurationDays != nil {
			props["maxDurationDays"] = *in.MaxDurationDays
			if *in.MaxDurationDays == 0 {
				props["maxDurationDays"] = nil
			}
		}
		if _, err := run(ctx, tx, "MATCH (n:PathwayModel {id: $id}) SET n += $props, "+touch,
			map[string]any{"id": key, "props": props, "now": s.now()}); err != nil {
			return nil, err
		}
		if in.Stages != nil {
			if err := setStages(ctx, tx, key, in.Stages, nil); err != nil {
				return nil, err
			}
		}
		return getOne(ctx, tx, "PathwayModel", key, decodePathwayModel)
	})
}

func checkDuration(c *model.Check, days *int, zeroAllowed bool, in ...string) {
	if days == nil || (zeroAllowed && *days == 0) {
		return
	}
	if *days < 1 || *days > 3650 {
		c.Add(model.UserErrorCodeInvalid, "a longest duration lies between 1 and 3650 days", append(slices.Clone(in), "maxDurationDays")...)
	}
}

// setStages makes the model's stages those given: stages with a code kept keep their node and
// ID, new codes get new stages, and stages no longer given are removed with their links. A stage
// that a case is at or a route names is never removed (HAS_DEPENDANTS): the case would lose its
// place.
func setStages(ctx context.Context, tx neo4j.ManagedTransaction, modelKey string, stages []*model.StageInput, ids []string) error {
	rows := make([]map[string]any, len(stages))
	codes := make([]string, len(stages))
	for i, st := range stages {
		rows[i] = map[string]any{"code": st.Code, "name": st.Name, "position": i + 1, "allowedBack": orEmpty(st.AllowedBack), "id": newStageID(ids, i)}
		codes[i] = st.Code
	}
	records, err := run(ctx, tx, `MATCH (:PathwayModel {id: $model})-[:HAS_STAGE]->(old:Stage) WHERE NOT old.code IN $codes
		WITH old, COUNT { (old)<-[:AT_STAGE]-(:Case) } AS cases, COUNT { (old)<-[:IN_STAGE]-(:Route) } AS routes
		WHERE cases + routes > 0 RETURN old.code, cases, routes ORDER BY old.code`, map[string]any{"model": modelKey, "codes": codes})
	if err != nil {
		return err
	}
	if len(records) > 0 {
		r := records[0].Values
		return model.InputError(model.UserErrorCodeHasDependants,
			fmt.Sprintf("stage %s still has %d cases and %d routes: keep it in the stages", r[0], r[1], r[2]), "input", "stages")
	}
	_, err = run(ctx, tx, `MATCH (m:PathwayModel {id: $model})
		CALL (m) { MATCH (m)-[:HAS_STAGE]->(old:Stage) WHERE NOT old.code IN $codes DETACH DELETE old }
		WITH m UNWIND $rows AS row
		OPTIONAL MATCH (m)-[:HAS_STAGE]->(kept:Stage {code: row.code})
		CALL (m, row, kept) {
		  WITH m, row, kept WHERE kept IS NULL
		  CREATE (m)-[:HAS_STAGE]->(:Stage {id: row.id, modelId: m.id, code: row.code, name: row.name, position: row.position, allowedBack: row.allowedBack})
		}
		SET kept.name = row.name, kept.position = row.position, kept.allowedBack = row.allowedBack`,
		map[string]any{"model": modelKey, "codes": codes, "rows": rows})
	return err
}

// endLabels are the labels a route's end may have, by the type its global ID names.
var endLabels = map[string]bool{"Actor": true, "Service": true}

// routeEnd reads a route end's global ID: its label and key.
func routeEnd(c *model.Check, gid string, path ...string) (label, key string) {
	typ, key, err := relay.ParseGlobalID(gid)
	if err != nil || !endLabels[typ] {
		c.Add(model.UserErrorCodeNotFound, fmt.Sprintf("%s is not the ID of an actor or a service", model.Quote(gid)), path...)
		return "", ""
	}
	return typ, key
}

// CreateRoute creates a designed route between two ends.
func (s *Store) CreateRoute(ctx context.Context, in model.CreateRouteInput) (*model.Route, error) {
	var c model.Check
	fromLabel, from := routeEnd(&c, in.FromID, "input", "fromId")
	toLabel, to := routeEnd(&c, in.ToID, "input", "toId")
	CheckRoute(&c, from, to, in.Instrument, "input")
	needs := keysOf(&c, "Need", in.NeedIds, "input", "needIds")
	stage := optKeyOf(&c, "Stage", in.StageID, "input", "stageId")
	partnership := optKeyOf(&c, "Partnership", in.PartnershipID, "input", "partnershipId")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Route, error) {
		refs := []ref{{label: fromLabel, field: "fromId", keys: []string{from}}, {label: toLabel, field: "toId", keys: []string{to}},
			{label: "Need", field: "needIds", keys: needs, list: true}}
		if stage != nil && *stage != "" {
			refs = append(refs, ref{label: "Stage", field: "stageId", keys: []string{*stage}})
		}
		if partnership != nil && *partnership != "" {
			refs = append(refs, ref{label: "Partnership", field: "partnershipId", keys: []string{*partnership}})
		}
		if err := mustExistAll(ctx, tx, refs...); err != nil {
			return nil, err
		}
		// Both ends must lie wholly in a coordinator's zones.
		if err := authorizeAll(ctx, tx, fromLabel, []string{from}); err != nil {
			return nil, err
		}
		if err := authorizeAll(ctx, tx, toLabel, []string{to}); err != nil {
			return nil, err
		}
		key := uuid.NewString()
		stageGID, partnershipGID := optGlobal("Stage", stage), optGlobal("Partnership", partnership)
		_, err := run(ctx, tx, `MATCH (a:`+fromLabel+` {id: $from}), (b:`+toLabel+` {id: $to})
			CREATE (a)<-[:FROM]-(r:Route {id: $id, fromId: $fromId, toId: $toId, needIds: $needs, stageId: $stageId,
				instrument: $instrument, partnershipId: $partnershipId, createdAt: $now, updatedAt: $now, version: 1})-[:TO]->(b)
			WITH r
			CALL (r) { UNWIND $needs AS k MATCH (x:Need {id: k}) CREATE (r)-[:FOR]->(x) }
			CALL (r) { MATCH (st:Stage {id: $stage}) CREATE (r)-[:IN_STAGE]->(st) }
			CALL (r) { MATCH (p:Partnership {id: $partnership}) CREATE (r)-[:GOVERNED_BY]->(p) }`,
			map[string]any{
				"id": key, "from": from, "to": to, "fromId": in.FromID, "toId": in.ToID, "needs": needs,
				"stage": deref(stage), "stageId": stageGID, "partnership": deref(partnership), "partnershipId": partnershipGID,
				"instrument": emptyToNil(in.Instrument), "now": s.now(),
			})
		if err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Route", key, decodeRoute)
	})
}

func optGlobal(label string, key *string) any {
	if key == nil || *key == "" {
		return nil
	}
	return relay.GlobalID(label, *key)
}

// DeleteRoute deletes a designed route.
func (s *Store) DeleteRoute(ctx context.Context, in model.DeleteRouteInput) (string, error) {
	var c model.Check
	key := keyOf(&c, "Route", in.ID, "input", "id")
	if err := c.Err(); err != nil {
		return "", err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (string, error) {
		if err := lock(ctx, tx, "Route", key, in.Version, "input", "id"); err != nil {
			return "", err
		}
		_, err := run(ctx, tx, "MATCH (n:Route {id: $id}) DETACH DELETE n", map[string]any{"id": key})
		return key, err
	})
}

// MaxHops is the most routes a path query may take.
const MaxHops = 10

// routeNeeds is the Cypher that binds $needSet: the asked need, the needs broader and narrower,
// so that a route for "protection" serves "protection.emergency" and the reverse. Routes for any
// need have no needs. It ends with a WITH that keeps the bound variables listed.
const routeNeeds = `OPTIONAL MATCH (asked:Need {id: $need})
OPTIONAL MATCH (asked)-[:BROADER]->*(up:Need)
OPTIONAL MATCH (asked)<-[:BROADER]-*(down:Need)
WITH %s, CASE WHEN $need IS NULL THEN null ELSE collect(DISTINCT up.id) + collect(DISTINCT down.id) END AS needSet`

// routeFor is the predicate on a route r that it serves the needs of needSet.
const routeFor = "(needSet IS NULL OR size(r.needIds) = 0 OR any(k IN r.needIds WHERE k IN needSet))"

// ReferralRoutes returns the designed paths from one end to another, shortest first.
func (s *Store) ReferralRoutes(ctx context.Context, fromID, toID string, needID *string, maxHops int) ([]*model.RoutePath, error) {
	var c model.Check
	fromLabel, from := routeEnd(&c, fromID, "fromId")
	toLabel, to := routeEnd(&c, toID, "toId")
	var need *string
	if needID != nil {
		k := keyOf(&c, "Need", *needID, "needId")
		need = &k
	}
	if maxHops < 1 || maxHops > MaxHops {
		return nil, model.Errorf(model.CodeBadUserInput, "maxHops: a path takes 1 to %d routes, not %d", MaxHops, maxHops)
	}
	if err := filterErr(c); err != nil {
		return nil, err
	}
	q := query{params: map[string]any{}}
	q.mustExist(fromLabel, from, "fromId")
	q.mustExist(toLabel, to, "toId")
	if need != nil {
		q.mustExist("Need", *need, "needId")
	}
	// The quantifier cannot be a parameter: maxHops is an integer checked above, never text.
	cypher := fmt.Sprintf(routeNeeds, "1 AS one") + `
MATCH (a:` + fromLabel + ` {id: $from}), (b:` + toLabel + ` {id: $to})
MATCH p = (a)((x)<-[:FROM]-(r:Route)-[:TO]->(y) WHERE ` + routeFor + `){1,` + fmt.Sprint(maxHops) + `}(b)
WHERE all(i IN range(0, size(y) - 2) WHERE NOT y[i] IN y[i + 1..]) AND NOT a IN y
RETURN r ORDER BY size(r), [route IN r | route.instrument] LIMIT 20`
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*model.RoutePath, error) {
		if err := q.check(ctx, tx); err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, cypher, map[string]any{"from": from, "to": to, "need": need})
		if err != nil {
			return nil, err
		}
		out := make([]*model.RoutePath, len(records))
		for i, rec := range records {
			list := rec.Values[0].([]any)
			p := &model.RoutePath{Hops: len(list)}
			for _, n := range list {
				p.Steps = append(p.Steps, decodeRoute(n.(neo4j.Node)))
			}
			out[i] = p
		}
		return out, nil
	})
}

// NextRoutes returns the designed routes out of an end, for a need if one is given.
func (s *Store) NextRoutes(ctx context.Context, fromID string, needID *string) ([]*model.Route, error) {
	var c model.Check
	label, from := routeEnd(&c, fromID, "fromId")
	var need *string
	if needID != nil {
		k := keyOf(&c, "Need", *needID, "needId")
		need = &k
	}
	if err := filterErr(c); err != nil {
		return nil, err
	}
	q := query{params: map[string]any{}}
	q.mustExist(label, from, "fromId")
	if need != nil {
		q.mustExist("Need", *need, "needId")
	}
	cypher := fmt.Sprintf(routeNeeds, "1 AS one") + `
MATCH (:` + label + ` {id: $from})<-[:FROM]-(r:Route) WHERE ` + routeFor + `
RETURN r ORDER BY coalesce(r.instrument, ''), r.toId`
	return read(ctx, s, func(tx neo4j.ManagedTransaction) ([]*model.Route, error) {
		if err := q.check(ctx, tx); err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, cypher, map[string]any{"from": from, "need": need})
		if err != nil {
			return nil, err
		}
		out := make([]*model.Route, len(records))
		for i, r := range records {
			out[i] = decodeRoute(r.Values[0].(neo4j.Node))
		}
		return out, nil
	})
}
