package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/model"
	"snodo/relay"
)

// Cases, referrals, interventions and their events. A case keeps the keys of its zone, model,
// stage and managing actor as properties beside the relationships that traversals follow; the
// functions of this file change both in the same statement, and nothing else changes them.
// Every change appends a :CaseEvent, from which the trace and a referral's history are read.

var (
	CaseKind         = Kind[*model.Case]{"Case", func(c *model.Case) string { return c.ID }, decodeCase}
	ReferralKind     = Kind[*model.Referral]{"Referral", func(r *model.Referral) string { return r.ID }, decodeReferral}
	InterventionKind = Kind[*model.Intervention]{"Intervention", func(i *model.Intervention) string { return i.ID }, decodeIntervention}

	CaseNeeds = nodeRel("(:Case {id: pid})-[:HAS_NEED]->(n:Need)", "n.code", decodeNeed)
	// The relationship fields of case-level data are guarded by the rule of caseread.go.
	CaseReferrals     = guarded(nodeRel("(:Case {id: pid})-[:HAS_REFERRAL]->(n:Referral)", "-n.sentAt.epochMillis", decodeReferral), referralsOfCase)
	CaseInterventions = guarded(nodeRel("(:Case {id: pid})-[:HAS_INTERVENTION]->(n:Intervention)", "coalesce(toString(n.startDate), '~') + n.id", decodeIntervention), interventionsOfCase)
	ReferralHistory   = guarded(nodeRel("(:Referral {id: pid})<-[:ABOUT]-(n:CaseEvent)", "n.at.epochMillis", decodeChange), historyOfReferral)
)

func decodeCase(n neo4j.Node) *model.Case {
	p := props(n.Props)
	c := &model.Case{
		ID: p.str("id"), Code: p.str("code"), Status: model.CaseStatus(p.str("status")), OpenedAt: p.time("openedAt"),
		ClosedAt: p.optTime("closedAt"), ZoneID: p.str("zoneId"), ModelID: p.str("modelId"), StageID: p.str("stageId"),
		ManagingActorID: p.str("managingActorId"), CaseManager: p.optStr("caseManager"), Notes: p.optStr("notes"),
		MaxDurationDays: p.optInt("maxDurationDays"), PlanCreatedAt: p.optTime("planCreatedAt"), PlanCreatedBy: p.str("planCreatedBy"),
		Meta: p.meta(),
	}
	if o := p.optStr("outcome"); o != nil {
		out := model.CaseOutcome(*o)
		c.Outcome = &out
	}
	if e := p.optStr("employability"); e != nil {
		emp := model.Employability(*e)
		c.Employability = &emp
	}
	if e := p.optStr("exploitation"); e != nil {
		k := model.ExploitationKind(*e)
		c.Exploitation = &k
	}
	c.ProjectID = p.str("projectId")
	return c
}

func decodeReferral(n neo4j.Node) *model.Referral {
	p := props(n.Props)
	off, _ := p["offRoute"].(bool)
	r := &model.Referral{
		ID: p.str("id"), CaseID: p.str("caseId"), FromID: p.str("fromId"), ToID: p.str("toId"), NeedID: p.str("needId"),
		Status: model.ReferralStatus(p.str("status")), SentAt: p.time("sentAt"), Reason: p.optStr("reason"),
		AcceptedAt: p.optTime("acceptedAt"), CompletedAt: p.optTime("completedAt"),
		OnHoldAt: p.optTime("onHoldAt"), HoldEndedAt: p.optTime("holdEndedAt"),
		Outcome: p.optStr("outcome"), OffRoute: off, Consent: decodeConsent(p), Meta: p.meta(),
	}
	if rr := p.optStr("refusalReason"); rr != nil {
		code := model.RefusalReason(*rr)
		r.RefusalReason = &code
	} else if r.Status == model.ReferralStatusRefused {
		// Refused before reasons were coded: the reason is in words.
		other := model.RefusalReasonOther
		r.RefusalReason = &other
	}
	return r
}

func decodeIntervention(n neo4j.Node) *model.Intervention {
	p := props(n.Props)
	return &model.Intervention{
		ID: p.str("id"), CaseID: p.str("caseId"), NeedID: p.str("needId"), ServiceID: p.str("serviceId"),
		Status: model.InterventionStatus(p.str("status")), StartDate: p.optDate("startDate"), EndDate: p.optDate("endDate"),
	}
}

func decodeChange(n neo4j.Node) *model.ReferralChange {
	p := props(n.Props)
	return &model.ReferralChange{Status: model.ReferralStatus(p.str("status")), At: p.time("at"), By: p.str("by"), Note: p.optStr("note")}
}

func decodeEvent(n neo4j.Node) *model.TraceEvent {
	p := props(n.Props)
	return &model.TraceEvent{
		At: p.time("at"), Kind: model.TraceEventKind(p.str("kind")), By: p.str("by"), Summary: p.str("summary"),
		StageID: p.optStr("stageId"), ReferralID: p.optStr("referralId"), ActorIDs: p.strs("actorIds"),
		ServiceIDs: p.strs("serviceIds"), ZoneID: p.str("zoneId"),
	}
}

// caseCode makes a pseudonymous case code: "SN-" and 8 characters of an alphabet without the
// ones people confuse (0/O, 1/I/L).
func caseCode() string {
	const alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return "SN-" + string(b[:4]) + "-" + string(b[4:])
}

// event appends an event to a case's log, about a referral when one is given.
type event struct {
	kind       model.TraceEventKind
	summary    string
	stageID    string
	referralID string
	status     model.ReferralStatus
	note       *string
	actorIDs   []string
	serviceIDs []string
}

func (s *Store) appendEvent(ctx context.Context, tx neo4j.ManagedTransaction, caseKey string, at time.Time, e event) error {
	_, err := run(ctx, tx, `MATCH (c:Case {id: $case})
		CREATE (c)-[:HAS_EVENT]->(e:CaseEvent {id: $id, caseId: c.id, zoneId: c.zoneId, at: $at, by: $by, kind: $kind,
			summary: $summary, stageId: $stage, referralId: $referral, status: $status, note: $note,
			actorIds: $actors, serviceIds: $services})
		WITH e CALL (e) { MATCH (r:Referral {id: $referral}) CREATE (e)-[:ABOUT]->(r) }`,
		map[string]any{
			"case": caseKey, "id": NewKey(), "at": at, "by": auth.From(ctx).Subject, "kind": string(e.kind),
			"summary": e.summary, "stage": emptyToNil(&e.stageID), "referral": e.referralID, "status": emptyToNil((*string)(&e.status)),
			"note": emptyToNil(e.note), "actors": orEmpty(e.actorIDs), "services": orEmpty(e.serviceIDs),
		})
	if err != nil {
		return err
	}
	return s.writeOutbox(ctx, tx, caseKey, at, e) // in the same transaction: see outbox.go
}

// Cases lists the cases the viewer may see, by the filter, newest first.
// Each case is read through the rule, as the viewer may see it, and the read is audited.
func (s *Store) Cases(ctx context.Context, f *model.CaseFilter, p Page) (*model.CaseConnection, error) {
	rule := s.rule(ctx)
	q := newQuery("Case")
	if v := auth.From(ctx); v.Is(auth.CaseManager, auth.ServiceOperator) {
		// From the viewer's actor (index lookups): the cases it manages, and those referred to it.
		q.start = `CALL () { MATCH (n:Case {managingActorId: $viewerActor}) RETURN n
			UNION MATCH (:Actor {id: $viewerActor})-[:PROVIDES*0..1]->()<-[:REFERRED_TO]-(:Referral)<-[:HAS_REFERRAL]-(n:Case) RETURN n } WITH n`
		q.params["viewerActor"] = v.ActorID
	}
	q.where("("+rule.viewOn("n")+") IS NOT NULL", "", nil)
	for k, v := range rule.params {
		q.params[k] = v
	}
	if f != nil {
		var c model.Check
		if f.Zone != nil {
			key := keyOf(&c, "Zone", *f.Zone, "filter", "zone")
			q.where("EXISTS { MATCH (n)-[:IN_ZONE]->(:Zone)-[:PART_OF]->*(:Zone {id: $zone}) }", "zone", key)
			q.mustExist("Zone", key, "filter.zone")
		}
		if f.Stage != nil {
			q.where("n.stageId = $stage", "stage", keyOf(&c, "Stage", *f.Stage, "filter", "stage"))
		}
		if f.Status != nil {
			q.where("n.status = $status", "status", string(*f.Status))
		}
		if f.Need != nil {
			key := keyOf(&c, "Need", *f.Need, "filter", "need")
			q.where("EXISTS { MATCH (n)-[:HAS_NEED]->(:Need)-[:BROADER]->*(:Need {id: $need}) }", "need", key)
			q.mustExist("Need", key, "filter.need")
		}
		if f.ManagingActor != nil {
			q.where("n.managingActorId = $managing", "managing", keyOf(&c, "Actor", *f.ManagingActor, "filter", "managingActor"))
		}
		if f.OpenedFrom != nil {
			q.where("n.openedAt >= $openedFrom", "openedFrom", *f.OpenedFrom)
		}
		if f.OpenedTo != nil {
			q.where("n.openedAt < $openedTo", "openedTo", *f.OpenedTo)
		}
		if f.Overdue != nil {
			q.where("(n.status = 'OPEN' AND n.maxDurationDays IS NOT NULL AND n.openedAt + duration({days: n.maxDurationDays}) < $now) = $overdue", "overdue", *f.Overdue)
			q.params["now"] = s.now()
		}
		if err := filterErr(c); err != nil {
			return nil, err
		}
	}
	c, err := list(ctx, s, q, p, order{expr: "n.openedAt.epochMillis", desc: true}, decodeCase)
	if err != nil {
		return nil, err
	}
	return c, shown(ctx, s, c, CaseKind, func(c *model.Case) string { return c.ID })
}

// shown replaces the nodes of a page by what the rule shows of them, read and audited as by
// Get; a node the viewer can no longer see (changed since the page was read) is dropped.
func shown[T comparable](ctx context.Context, s *Store, c *model.Connection[T], k Kind[T], key func(T) string) error {
	keys := make([]string, len(c.Edges))
	for i, e := range c.Edges {
		keys[i] = key(e.Node)
	}
	seen, err := Get(ctx, s, k, keys)
	if err != nil {
		return err
	}
	edges := c.Edges[:0]
	for _, e := range c.Edges {
		if n, ok := seen[key(e.Node)]; ok {
			e.Node = n
			edges = append(edges, e)
		}
	}
	c.Edges = edges
	return nil
}

// IncomingReferrals lists the referrals sent to the viewer's actor or its services that it
// may still see (every referral for an admin), newest first, read and audited through the rule.
func (s *Store) IncomingReferrals(ctx context.Context, statuses []model.ReferralStatus, p Page) (*model.ReferralConnection, error) {
	q := newQuery("Referral")
	if v := auth.From(ctx); v.Role != auth.Admin {
		// From the viewer's actor (an index lookup) to what is sent to it or its services.
		q.start = "MATCH (:Actor {id: $viewerActor})-[:PROVIDES*0..1]->()<-[:REFERRED_TO]-(n:Referral)"
		q.params["viewerActor"] = v.ActorID
		rule := s.rule(ctx)
		q.where(rule.mineOn("n"), "", nil)
		for k, v := range rule.params {
			q.params[k] = v
		}
	}
	if len(statuses) > 0 {
		q.where("n.status IN $statuses", "statuses", strs(statuses))
	}
	c, err := list(ctx, s, q, p, order{expr: "n.sentAt.epochMillis", desc: true}, decodeReferral)
	if err != nil {
		return nil, err
	}
	return c, shown(ctx, s, c, ReferralKind, func(r *model.Referral) string { return r.ID })
}

// OpenCase opens a case at the first stage of its model, with a generated code.
func (s *Store) OpenCase(ctx context.Context, in model.OpenCaseInput) (*model.Case, error) {
	v := auth.From(ctx)
	var c model.Check
	zone := keyOf(&c, "Zone", in.ZoneID, "input", "zoneId")
	if len(in.NeedIds) == 0 {
		c.Add(model.UserErrorCodeRequired, "a case has at least one need", "input", "needIds")
	}
	needs := keysOf(&c, "Need", in.NeedIds, "input", "needIds")
	pathway := keyOf(&c, "PathwayModel", in.ModelID, "input", "modelId")
	managing := v.ActorID
	if in.ManagingActorID != nil {
		managing = keyOf(&c, "Actor", *in.ManagingActorID, "input", "managingActorId")
	}
	if managing == "" {
		c.Add(model.UserErrorCodeRequired, "name the managing actor", "input", "managingActorId")
	}
	if v.Role == auth.CaseManager && managing != v.ActorID {
		return nil, model.Errorf(model.CodeForbidden, "a case manager opens cases for its own actor")
	}
	c.Text(in.Notes, 1000, "input", "notes")
	var project any
	if in.ProjectID != nil {
		project = keyOf(&c, "Partnership", *in.ProjectID, "input", "projectId")
	}
	var exploitation any
	if in.Exploitation != nil {
		exploitation = string(*in.Exploitation)
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Case, error) {
		if err := mustExistAll(ctx, tx, ref{label: "Zone", field: "zoneId", keys: []string{zone}},
			ref{label: "Need", field: "needIds", keys: needs, list: true},
			ref{label: "PathwayModel", field: "modelId", keys: []string{pathway}},
			ref{label: "Actor", field: "managingActorId", keys: []string{managing}}); err != nil {
			return nil, err
		}
		if project != nil {
			if err := mustBeProject(ctx, tx, project.(string), "input", "projectId"); err != nil {
				return nil, err
			}
		}
		key, now := NewKey(), s.now()
		var emp any
		if in.Employability != nil {
			emp = string(*in.Employability)
		}
		records, err := run(ctx, tx, `MATCH (m:PathwayModel {id: $model})-[:HAS_STAGE]->(st:Stage)
			WITH m, st ORDER BY st.position LIMIT 1
			MATCH (z:Zone {id: $zone}), (a:Actor {id: $actor})
			CREATE (c:Case {id: $id, code: $code, status: 'OPEN', openedAt: $now, zoneId: z.id, modelId: m.id, stageId: st.id,
				managingActorId: a.id, caseManager: $manager, employability: $emp, notes: $notes,
				maxDurationDays: m.maxDurationDays, recordKey: $recordKey, exploitation: $exploitation, projectId: $project,
				createdAt: $now, updatedAt: $now, version: 1})
			CREATE (c)-[:IN_ZONE]->(z), (c)-[:FOLLOWS]->(m), (c)-[:AT_STAGE]->(st), (c)-[:MANAGED_BY]->(a)
			WITH c, st CALL (c) { UNWIND $needs AS k MATCH (x:Need {id: k}) CREATE (c)-[:HAS_NEED]->(x) }
			WITH c, st CALL (c) { MATCH (p:Partnership {id: $project}) CREATE (c)-[:FUNDED_BY]->(p) }
			RETURN st.id, st.name`, map[string]any{
			"id": key, "code": caseCode(), "model": pathway, "zone": zone, "actor": managing, "manager": v.Subject,
			"emp": emp, "notes": emptyToNil(in.Notes), "needs": needs, "now": now, "recordKey": NewRecordKey(),
			"exploitation": exploitation, "project": project,
		})
		if err != nil {
			return nil, err
		}
		if len(records) == 0 {
			return nil, model.InputError(model.UserErrorCodeInvalid, "the model has no stages", "input", "modelId")
		}
		stage := records[0].Values[0].(string)
		if err := s.appendEvent(ctx, tx, key, now, event{kind: model.TraceEventKindOpened, stageID: stage,
			summary: fmt.Sprintf("opened at stage %s", records[0].Values[1]), actorIDs: []string{managing}}); err != nil {
			return nil, err
		}
		return full(getOne(ctx, tx, "Case", key, decodeCase))
	})
}

// openCase locks an open case the viewer works, at the version read. A case the viewer may not
// see answers as one that does not exist.
func (s *Store) openCase(ctx context.Context, tx neo4j.ManagedTransaction, key string, version int, path ...string) (*model.Case, error) {
	if err := s.mustSee(ctx, tx, "Case", key, path...); err != nil {
		return nil, err
	}
	if err := lock(ctx, tx, "Case", key, version, path...); err != nil {
		return nil, err
	}
	c, err := getOne(ctx, tx, "Case", key, decodeCase)
	if err == nil && c.Status == model.CaseStatusClosed {
		return nil, model.InputError(model.UserErrorCodeInvalid, "the case is closed", path...)
	}
	return c, err
}

// MoveCase moves a case to another stage of its model: forward, or back where allowed.
func (s *Store) MoveCase(ctx context.Context, in model.MoveCaseInput) (*model.Case, error) {
	var c model.Check
	key := keyOf(&c, "Case", in.CaseID, "input", "caseId")
	stage := keyOf(&c, "Stage", in.StageID, "input", "stageId")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Case, error) {
		cs, err := s.openCase(ctx, tx, key, in.Version, "input", "caseId")
		if err != nil {
			return nil, err
		}
		from, err := getOne(ctx, tx, "Stage", cs.StageID, decodeStage)
		if err != nil {
			return nil, err
		}
		to, err := getOne(ctx, tx, "Stage", stage, decodeStage)
		if err != nil {
			return nil, err
		}
		switch {
		case to == nil || to.ModelID != cs.ModelID:
			return nil, model.InputError(model.UserErrorCodeNotFound, "the case's model has no such stage", "input", "stageId")
		case to.ID == from.ID:
			return nil, model.InputError(model.UserErrorCodeInvalid, "the case is at this stage already", "input", "stageId")
		case !model.CanMoveStage(from, to):
			return nil, model.InputError(model.UserErrorCodeInvalid,
				fmt.Sprintf("from stage %s a case moves forward, or back only to %v", from.Code, from.AllowedBack), "input", "stageId")
		}
		now := s.now()
		if _, err := run(ctx, tx, `MATCH (c:Case {id: $id})-[old:AT_STAGE]->(), (st:Stage {id: $stage})
			DELETE old CREATE (c)-[:AT_STAGE]->(st) SET c.stageId = st.id, c.updatedAt = $now, c.version = c.version + 1`,
			map[string]any{"id": key, "stage": stage, "now": now}); err != nil {
			return nil, err
		}
		if err := s.appendEvent(ctx, tx, key, now, event{kind: model.TraceEventKindStageMoved, stageID: stage,
			summary: fmt.Sprintf("moved from stage %s to %s", from.Code, to.Code)}); err != nil {
			return nil, err
		}
		return full(getOne(ctx, tx, "Case", key, decodeCase))
	})
}

// CloseCase closes an open case with an outcome.
func (s *Store) CloseCase(ctx context.Context, in model.CloseCaseInput) (*model.Case, error) {
	var c model.Check
	key := keyOf(&c, "Case", in.CaseID, "input", "caseId")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Case, error) {
		if _, err := s.openCase(ctx, tx, key, in.Version, "input", "caseId"); err != nil {
			return nil, err
		}
		now := s.now()
		if _, err := run(ctx, tx, `MATCH (c:Case {id: $id}) SET c.status = 'CLOSED', c.closedAt = $now, c.outcome = $outcome,
			c.updatedAt = $now, c.version = c.version + 1`, map[string]any{"id": key, "now": now, "outcome": string(in.Outcome)}); err != nil {
			return nil, err
		}
		if err := s.appendEvent(ctx, tx, key, now, event{kind: model.TraceEventKindClosed, summary: "closed: " + string(in.Outcome)}); err != nil {
			return nil, err
		}
		return full(getOne(ctx, tx, "Case", key, decodeCase))
	})
}

// OnRoute is the Cypher predicate that a designed route serves a referral of the case c to t
// for the need x: a route from c's managing actor or one of its services to t or to t's
// provider, for any need or for x, a broader or a narrower one (as referralRoutes reads them).
// The seed and the generated histories follow it, and their tests check them against it.
const OnRoute = `EXISTS { MATCH (:Actor {id: c.managingActorId})-[:PROVIDES*0..1]->()<-[:FROM]-(route:Route)-[:TO]->(y)
  WHERE (y = t OR (y)-[:PROVIDES]->(t))
    AND (size(coalesce(route.needIds, [])) = 0 OR any(k IN route.needIds WHERE
         EXISTS { (x)-[:BROADER]->*(:Need {id: k}) } OR EXISTS { (x)<-[:BROADER]-*(:Need {id: k}) })) }`

// Refer refers a case to a service or an actor for one of its needs. A referral that no
// designed route leads to, from the case's managing actor or its services to the recipient or
// the recipient's provider, for any need or for the referral's need, a broader or a narrower
// one (as referralRoutes reads routes), is marked off route.
func (s *Store) Refer(ctx context.Context, in model.ReferInput) (*model.Referral, error) {
	var c model.Check
	key := keyOf(&c, "Case", in.CaseID, "input", "caseId")
	toLabel, to := routeEnd(&c, in.ToID, "input", "toId")
	need := keyOf(&c, "Need", in.NeedID, "input", "needId")
	consent := s.consentProps(ctx, &c, in.Consent)
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Referral, error) {
		// The case's version is not the client's concern here: a referral adds to the case.
		cs, err := s.openCase(ctx, tx, key, -1, "input", "caseId")
		if err != nil {
			return nil, err
		}
		if err := mustExistAll(ctx, tx, ref{label: toLabel, field: "toId", keys: []string{to}}, ref{label: "Need", field: "needId", keys: []string{need}}); err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, `MATCH (c:Case {id: $case}), (t:`+toLabel+` {id: $to}), (x:Need {id: $need})
			RETURN coalesce(t.status, 'ACTIVE'), EXISTS { MATCH (c)-[:HAS_NEED]->(:Need)<-[:BROADER]-*(x) },
			  `+OnRoute,
			map[string]any{"case": key, "to": to, "need": need})
		if err != nil {
			return nil, err
		}
		status, hasNeed, onRoute := records[0].Values[0].(string), records[0].Values[1] == true, records[0].Values[2] == true
		if status != string(model.ServiceStatusActive) {
			return nil, model.InputError(model.UserErrorCodeInvalid, fmt.Sprintf("the service is %s: refer to an active one", status), "input", "toId")
		}
		if !hasNeed {
			return nil, model.InputError(model.UserErrorCodeInvalid, "the need is not one of the case's needs", "input", "needId")
		}
		rkey, now := NewKey(), s.now()
		if _, err := run(ctx, tx, `MATCH (c:Case {id: $case}), (a:Actor {id: c.managingActorId}), (t:`+toLabel+` {id: $to}), (x:Need {id: $need})
			CREATE (c)-[:HAS_REFERRAL]->(r:Referral {id: $id, caseId: c.id, fromId: a.id, toId: $toId, needId: x.id, status: 'SENT',
				sentAt: $now, offRoute: $offRoute, recordKey: $recordKey, createdAt: $now, updatedAt: $now, version: 1})
			CREATE (r)-[:REFERRED_FROM]->(a), (r)-[:REFERRED_TO]->(t), (r)-[:FOR]->(x)
			SET r += $consent, r.consentActorId = `+RecipientActor,
			map[string]any{"case": key, "to": to, "toId": in.ToID, "need": need, "id": rkey, "now": now, "offRoute": !onRoute, "recordKey": NewRecordKey(),
				"consent": consent}); err != nil {
			return nil, err
		}
		e := event{kind: model.TraceEventKindReferralSent, referralID: rkey, status: model.ReferralStatusSent, actorIDs: []string{cs.ManagingActorID},
			summary: "referred for a need"}
		if toLabel == "Service" {
			e.serviceIDs = []string{to}
		} else {
			e.actorIDs = append(e.actorIDs, to)
		}
		if !onRoute {
			e.summary += ", off every designed route"
		}
		if err := s.appendEvent(ctx, tx, key, now, e); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Referral", rkey, decodeReferral)
	})
}

// MoveReferral moves a referral along its lifecycle. The recipient (its actor, or the actor of
// its service) answers; the sender cancels.
func (s *Store) MoveReferral(ctx context.Context, in model.MoveReferralInput) (*model.Referral, error) {
	var c model.Check
	key := keyOf(&c, "Referral", in.ReferralID, "input", "referralId")
	c.Text(in.Note, model.MaxTextLength, "input", "note")
	if in.Status == model.ReferralStatusCompleted && (in.Note == nil || *in.Note == "") {
		c.Add(model.UserErrorCodeRequired, "a completion gives its outcome", "input", "note")
	}
	refusal, refusalOK := model.RefusalOf(in.RefusalReason, in.Note)
	switch {
	case in.RefusalReason != nil && in.Status != model.ReferralStatusRefused:
		c.Add(model.UserErrorCodeInvalid, "only a refusal has a refusal reason", "input", "refusalReason")
	case in.Status == model.ReferralStatusRefused && !refusalOK:
		c.Add(model.UserErrorCodeRequired, "a refusal gives its reason: a code of the closed set, or OTHER with a note saying why", "input", "note")
	}
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Referral, error) {
		if err := s.mustSee(ctx, tx, "Referral", key, "input", "referralId"); err != nil {
			return nil, err
		}
		if err := lock(ctx, tx, "Referral", key, in.Version, "input", "referralId"); err != nil {
			return nil, err
		}
		r, err := getOne(ctx, tx, "Referral", key, decodeReferral)
		if err != nil {
			return nil, err
		}
		if err := authorizeReferral(ctx, tx, key, model.ByRecipient(in.Status)); err != nil {
			return nil, err
		}
		if !model.CanMoveReferral(r.Status, in.Status) {
			return nil, model.InputError(model.UserErrorCodeInvalid, fmt.Sprintf("a %s referral cannot become %s", r.Status, in.Status), "input", "status")
		}
		now := s.now()
		props := map[string]any{"status": string(in.Status)}
		switch in.Status {
		case model.ReferralStatusRefused:
			props["reason"], props["refusalReason"] = emptyToNil(in.Note), string(refusal)
		case model.ReferralStatusCompleted:
			props["outcome"] = *in.Note
		case model.ReferralStatusOnHold:
			if r.OnHoldAt == nil {
				props["onHoldAt"] = now
			}
		}
		if r.Status == model.ReferralStatusOnHold {
			props["holdEndedAt"] = now
		}
		if in.Status == model.ReferralStatusAccepted && r.AcceptedAt == nil {
			props["acceptedAt"] = now
		}
		if in.Status == model.ReferralStatusCompleted && r.CompletedAt == nil {
			props["completedAt"] = now
		}
		if _, err := run(ctx, tx, "MATCH (n:Referral {id: $id}) SET n += $props, "+touch, map[string]any{"id": key, "props": props, "now": now}); err != nil {
			return nil, err
		}
		summary := fmt.Sprintf("referral %s", in.Status)
		switch in.Status {
		case model.ReferralStatusRefused:
			summary += fmt.Sprintf(" (%s)", refusal)
		case model.ReferralStatusOnHold:
			summary += " (waiting list)"
		}
		if err := s.appendEvent(ctx, tx, r.CaseID, now, event{kind: model.TraceEventKindReferralChanged, referralID: key, status: in.Status,
			note: in.Note, summary: summary, actorIDs: []string{r.FromID}}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Referral", key, decodeReferral)
	})
}

// AddIntervention adds an intervention to a case's plan, for one of its needs, delivered by a
// service that answers the need.
func (s *Store) AddIntervention(ctx context.Context, in model.AddInterventionInput) (*model.Intervention, error) {
	var c model.Check
	key := keyOf(&c, "Case", in.CaseID, "input", "caseId")
	need := keyOf(&c, "Need", in.NeedID, "input", "needId")
	service := keyOf(&c, "Service", in.ServiceID, "input", "serviceId")
	c.DateRange(in.StartDate, in.EndDate, "input", "endDate")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Intervention, error) {
		if _, err := s.openCase(ctx, tx, key, -1, "input", "caseId"); err != nil {
			return nil, err
		}
		if err := mustExistAll(ctx, tx, ref{label: "Need", field: "needId", keys: []string{need}}, ref{label: "Service", field: "serviceId", keys: []string{service}}); err != nil {
			return nil, err
		}
		records, err := run(ctx, tx, `MATCH (c:Case {id: $case}), (x:Need {id: $need}), (sv:Service {id: $service})
			RETURN EXISTS { MATCH (c)-[:HAS_NEED]->(:Need)<-[:BROADER]-*(x) },
			       EXISTS { MATCH (sv)-[:MEETS]->(m:Need) WHERE EXISTS { (m)-[:BROADER]->*(x) } OR EXISTS { (x)-[:BROADER]->*(m) } }`,
			map[string]any{"case": key, "need": need, "service": service})
		if err != nil {
			return nil, err
		}
		if records[0].Values[0] != true {
			return nil, model.InputError(model.UserErrorCodeInvalid, "the need is not one of the case's needs", "input", "needId")
		}
		if records[0].Values[1] != true {
			return nil, model.InputError(model.UserErrorCodeInvalid, "the service does not answer this need", "input", "serviceId")
		}
		ikey, now := NewKey(), s.now()
		if _, err := run(ctx, tx, `MATCH (c:Case {id: $case}), (x:Need {id: $need}), (sv:Service {id: $service})
			SET c.planCreatedAt = coalesce(c.planCreatedAt, $now), c.planCreatedBy = coalesce(c.planCreatedBy, $by)
			CREATE (c)-[:HAS_INTERVENTION]->(i:Intervention {id: $id, caseId: c.id, needId: x.id, serviceId: sv.id, status: 'PLANNED',
				startDate: $start, endDate: $end, recordKey: $recordKey})-[:FOR]->(x), (i)-[:DELIVERED_BY]->(sv)`,
			map[string]any{"case": key, "need": need, "service": service, "id": ikey, "now": now, "by": auth.From(ctx).Subject,
				"start": dateParam(in.StartDate), "end": dateParam(in.EndDate), "recordKey": NewRecordKey()}); err != nil {
			return nil, err
		}
		if err := s.appendEvent(ctx, tx, key, now, event{kind: model.TraceEventKindInterventionAdded, serviceIDs: []string{service},
			summary: "intervention added to the plan"}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Intervention", ikey, decodeIntervention)
	})
}

// MoveIntervention changes an intervention's status.
func (s *Store) MoveIntervention(ctx context.Context, in model.MoveInterventionInput) (*model.Intervention, error) {
	var c model.Check
	key := keyOf(&c, "Intervention", in.InterventionID, "input", "interventionId")
	if err := c.Err(); err != nil {
		return nil, err
	}
	return write(ctx, s, func(tx neo4j.ManagedTransaction) (*model.Intervention, error) {
		i, err := getOne(ctx, tx, "Intervention", key, decodeIntervention)
		if err != nil {
			return nil, err
		}
		if i == nil {
			return nil, model.InputError(model.UserErrorCodeNotFound, "no Intervention has this ID", "input", "interventionId")
		}
		if err := s.mustSee(ctx, tx, "Intervention", key, "input", "interventionId"); err != nil {
			return nil, err
		}
		if _, err := s.openCase(ctx, tx, i.CaseID, -1, "input", "interventionId"); err != nil {
			return nil, err
		}
		// Lock, then read the status again: a move that raced this one is seen.
		locked, err := lockNode(ctx, tx, "Intervention", key, "input", "interventionId")
		if err != nil {
			return nil, err
		}
		from := decodeIntervention(locked).Status
		if !model.CanMoveIntervention(from, in.Status) {
			return nil, model.InputError(model.UserErrorCodeInvalid, fmt.Sprintf("a %s intervention cannot become %s", from, in.Status), "input", "status")
		}
		if _, err := run(ctx, tx, "MATCH (n:Intervention {id: $id}) SET n.status = $status", map[string]any{"id": key, "status": string(in.Status)}); err != nil {
			return nil, err
		}
		if err := s.appendEvent(ctx, tx, i.CaseID, s.now(), event{kind: model.TraceEventKindInterventionChanged, serviceIDs: []string{i.ServiceID},
			summary: fmt.Sprintf("intervention %s", in.Status)}); err != nil {
			return nil, err
		}
		return getOne(ctx, tx, "Intervention", key, decodeIntervention)
	})
}

// CaseTrace reads a case's events in time order and the graph of what they touched, as the
// viewer may see them: all of it for a full view, the events and ends of its own referrals for
// a recipient. Nil when there is no such case or the viewer may not see it.
func (s *Store) CaseTrace(ctx context.Context, key string) (*model.CaseTrace, error) {
	got, err := Get(ctx, s, CaseKind, []string{key})
	cs := got[key]
	if err != nil || cs == nil {
		return nil, err
	}
	rule := s.rule(ctx)
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (*model.CaseTrace, error) {
		// The referrals the viewer sees, by the rule: every one for a full view.
		records, err := run(ctx, tx, "MATCH (c:Case {id: $id})-[:HAS_REFERRAL]->(r:Referral) WHERE "+rule.fullOn("c")+" OR "+rule.mineOn("r")+
			" RETURN collect(r.id)", rule.with(map[string]any{"id": key}))
		if err != nil {
			return nil, err
		}
		refs := records[0].Values[0].([]any)
		params := map[string]any{"id": key, "full": cs.View == model.CaseViewFull, "refs": refs}
		records, err = run(ctx, tx, `MATCH (:Case {id: $id})-[:HAS_EVENT]->(e:CaseEvent) WHERE $full OR e.referralId IN $refs
			RETURN e ORDER BY e.at, e.id`, params)
		if err != nil {
			return nil, err
		}
		t := &model.CaseTrace{Case: cs}
		for _, r := range records {
			t.Events = append(t.Events, decodeEvent(r.Values[0].(neo4j.Node)))
		}
		// The graph: the case, its zone, model stage and actor, and each referral seen with its ends.
		records, err = run(ctx, tx, `MATCH (c:Case {id: $id})-[:IN_ZONE]->(z:Zone), (c)-[:AT_STAGE]->(st:Stage), (c)-[:MANAGED_BY]->(a:Actor)
			OPTIONAL MATCH (c)-[:HAS_REFERRAL]->(r:Referral)-[:REFERRED_TO]->(t) WHERE r.id IN $refs
			RETURN z.id, z.name, st.id, st.name, a.id, a.name, collect([r.id, r.status, r.sentAt, r.fromId, t.id, labels(t)[0], coalesce(t.name, '')])`,
			params)
		if err != nil || len(records) == 0 {
			return t, err
		}
		v := records[0].Values
		caseID := cs.GlobalID()
		g := graphBuilder{seen: map[string]bool{}}
		g.node(caseID, "Case", cs.Code)
		g.node(relay.GlobalID("Zone", v[0].(string)), "Zone", v[1].(string))
		g.edge(caseID, relay.GlobalID("Zone", v[0].(string)), "IN_ZONE", nil)
		g.node(relay.GlobalID("Stage", v[2].(string)), "Stage", v[3].(string))
		g.edge(caseID, relay.GlobalID("Stage", v[2].(string)), "AT_STAGE", nil)
		actorID := relay.GlobalID("Actor", v[4].(string))
		g.node(actorID, "Actor", v[5].(string))
		g.edge(caseID, actorID, "MANAGED_BY", nil)
		for _, item := range v[6].([]any) {
			row := item.([]any)
			if row[0] == nil {
				continue
			}
			refID := relay.GlobalID("Referral", row[0].(string))
			sent := row[2].(time.Time)
			g.node(refID, "Referral", string(row[1].(string)))
			g.edge(caseID, refID, "HAS_REFERRAL", &sent)
			g.edge(refID, relay.GlobalID("Actor", row[3].(string)), "REFERRED_FROM", &sent)
			toID := relay.GlobalID(row[5].(string), row[4].(string))
			g.node(toID, row[5].(string), row[6].(string))
			g.edge(refID, toID, "REFERRED_TO", &sent)
		}
		t.Nodes, t.Edges = g.nodes, g.edges
		return t, nil
	})
}

type graphBuilder struct {
	seen  map[string]bool
	nodes []*model.TraceNode
	edges []*model.TraceEdge
}

func (g *graphBuilder) node(id, typ, label string) {
	if !g.seen[id] {
		g.seen[id] = true
		g.nodes = append(g.nodes, &model.TraceNode{ID: id, Type: typ, Label: label})
	}
}

func (g *graphBuilder) edge(from, to, kind string, at *time.Time) {
	g.edges = append(g.edges, &model.TraceEdge{From: from, To: to, Kind: kind, At: at})
}
