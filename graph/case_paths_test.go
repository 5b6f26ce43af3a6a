package graph_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"snodo/auth"
	"snodo/graph"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/store"
)

// caseTypes are the types of case-level data: whatever reaches one of them must go through the
// store's one rule of who sees what of a case, and its audit.
var caseTypes = []string{"Case", "Referral", "Intervention", "Plan", "TraceEvent", "ReferralChange", "CaseTrace", "TraceNode", "TraceEdge"}

// casePaths derives from the schema every field, on any type, whose type is one of caseTypes or
// contains one: a connection, an edge, a payload, an interface or union one of whose types does.
func casePaths(s *ast.Schema) []string {
	reaches := map[string]bool{}
	for _, t := range caseTypes {
		reaches[t] = true
	}
	for changed := true; changed; {
		changed = false
		for name, def := range s.Types {
			if reaches[name] {
				continue
			}
			hit := false
			if def.Kind == ast.Object || def.Kind == ast.Interface {
				for _, f := range def.Fields {
					hit = hit || reaches[f.Type.Name()]
				}
			}
			if def.Kind == ast.Interface || def.Kind == ast.Union {
				for _, p := range s.GetPossibleTypes(def) {
					hit = hit || reaches[p.Name]
				}
			}
			if hit {
				reaches[name], changed = true, true
			}
		}
	}
	var paths []string
	for name, def := range s.Types {
		if strings.HasPrefix(name, "__") || (def.Kind != ast.Object && def.Kind != ast.Interface) {
			continue
		}
		for _, f := range def.Fields {
			if !strings.HasPrefix(f.Name, "__") && reaches[f.Type.Name()] {
				paths = append(paths, name+"."+f.Name)
			}
		}
	}
	sort.Strings(paths)
	return paths
}

// visited lists the fields ("Type.field") an operation selects, validated against the schema.
func visited(t *testing.T, s *ast.Schema, query string) map[string]bool {
	t.Helper()
	doc, errs := gqlparser.LoadQueryWithRules(s, query, rules.NewDefaultRules())
	if len(errs) > 0 {
		t.Fatalf("a probe that does not validate: %v\n%s", errs, query)
	}
	out := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch x := sel.(type) {
			case *ast.Field:
				if x.ObjectDefinition != nil {
					out[x.ObjectDefinition.Name+"."+x.Name] = true
				}
				walk(x.SelectionSet)
			case *ast.InlineFragment:
				walk(x.SelectionSet)
			case *ast.FragmentSpread:
				walk(x.Definition.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	return out
}

// caseScene is a case of the COMMIT world seen by every kind of viewer: managed by the
// reception centre, referred to the job desk (live, received) and to the shelter (refused),
// with an intervention in its plan.
type caseScene struct {
	ids                                  map[string]string
	caseID, live, refused, intervention  string
	managing, jobCentre, shelterProvider string // actor keys
}

// the roles of the table, each a viewer of the scene.
var sceneRoles = []string{"ADMIN", "COORDINATOR", "CASE_MANAGER managing", "CASE_MANAGER other", "CASE_MANAGER recipient",
	"SERVICE_OPERATOR recipient", "SERVICE_OPERATOR elsewhere", "RESEARCHER", "anonymous"}

func (sc caseScene) viewer(role, subject string) auth.Viewer {
	switch role {
	case "ADMIN":
		return auth.Viewer{Subject: subject, Role: auth.Admin}
	case "COORDINATOR":
		return auth.Viewer{Subject: subject, Role: auth.Coordinator, ZoneIDs: []string{rawKey(sc.ids["Toscana"])}}
	case "CASE_MANAGER managing":
		return auth.Viewer{Subject: subject, Role: auth.CaseManager, ActorID: sc.managing}
	case "CASE_MANAGER other": // an actor the case was never referred to
		return auth.Viewer{Subject: subject, Role: auth.CaseManager, ActorID: rawKey(sc.ids["Technical secretariat"])}
	case "CASE_MANAGER recipient":
		return auth.Viewer{Subject: subject, Role: auth.CaseManager, ActorID: sc.jobCentre}
	case "SERVICE_OPERATOR recipient":
		return auth.Viewer{Subject: subject, Role: auth.ServiceOperator, ActorID: sc.jobCentre}
	case "SERVICE_OPERATOR elsewhere": // the shelter's provider, which refused its referral
		return auth.Viewer{Subject: subject, Role: auth.ServiceOperator, ActorID: sc.shelterProvider}
	case "RESEARCHER":
		return auth.Viewer{Subject: subject, Role: auth.Researcher}
	}
	return auth.Viewer{Role: auth.Anonymous}
}

// rawKey is the key a global ID of the scene holds.
func rawKey(gid string) string {
	_, k, _ := relay.ParseGlobalID(gid)
	return k
}

func newCaseScene(t *testing.T, e *testenv.Env) caseScene {
	t.Helper()
	ids := caseWorld(t, e)
	sc := caseScene{ids: ids, managing: key(t, ids["Reception centre"]), jobCentre: key(t, ids["Job centre"]), shelterProvider: key(t, ids["Shelter provider"])}
	manager := sc.viewer("CASE_MANAGER managing", "cm-anna")
	do := func(v auth.Viewer, name, input string, in map[string]any, sel string) any {
		t.Helper()
		d := mustAs(t, e, v, `mutation($in: `+input+`!) { `+name+`(input: $in) { `+sel+` userErrors { code field } } }`, in)
		if errs := testenv.Get(d, name, "userErrors").([]any); len(errs) > 0 {
			t.Fatalf("%s: %v", name, errs)
		}
		return d[name]
	}
	sc.caseID = testenv.Get(do(manager, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"],
		"needIds": []string{ids["work"], ids["housing"]}, "employability": "MEDIUM", "notes": "contatto dall'unità di strada"}, "case { id }"), "case", "id").(string)
	refer := func(to, need string) string {
		return testenv.Get(do(manager, "refer", "ReferInput", map[string]any{"caseId": sc.caseID, "toId": ids[to], "needId": ids[need], "consent": givenConsent}, "referral { id }"), "referral", "id").(string)
	}
	sc.live = refer("Job desk", "work.placement")
	do(sc.viewer("SERVICE_OPERATOR recipient", "op-job"), "moveReferral", "MoveReferralInput", map[string]any{"referralId": sc.live, "version": 1, "status": "RECEIVED"}, "referral { id }")
	sc.refused = refer("Shelter", "housing.shelter")
	shelter := sc.viewer("SERVICE_OPERATOR elsewhere", "op-shelter")
	do(shelter, "moveReferral", "MoveReferralInput", map[string]any{"referralId": sc.refused, "version": 1, "status": "RECEIVED"}, "referral { id }")
	do(shelter, "moveReferral", "MoveReferralInput", map[string]any{"referralId": sc.refused, "version": 2, "status": "REFUSED", "note": "nessun posto"}, "referral { id }")
	sc.intervention = testenv.Get(do(manager, "addIntervention", "AddInterventionInput", map[string]any{"caseId": sc.caseID, "needId": ids["work.placement"],
		"serviceId": ids["Job desk"]}, "intervention { id }"), "intervention", "id").(string)
	do(manager, "moveCase", "MoveCaseInput", map[string]any{"caseId": sc.caseID, "version": 1, "stageId": ids["stage 2a"]}, "case { id }")
	return sc
}

// casePath is a request that reaches case-level data, and what each role must get from it.
type casePath struct {
	name  string
	query string
	vars  func(sc caseScene) map[string]any
	// observe names what the answer showed: "full", "recipient", "none" (null), "empty" (a
	// list without the case), an error or user error code, or something unexpected.
	observe func(sc caseScene, r testenv.Response) string
	want    map[string]string // by role
	// read says the request reads (its audit is checked); mutations are checked for their answer.
	read bool
}

// Outcomes of the table, in the order of sceneRoles.
func outcomes(o ...string) map[string]string {
	m := map[string]string{}
	for i, r := range sceneRoles {
		m[r] = o[i]
	}
	return m
}

func errorCode(r testenv.Response) string {
	if len(r.Errors) > 0 {
		return r.Code()
	}
	return ""
}

// observeCase names the view an answer's case shows: its view, and the restricted fields there
// or not accordingly (those the request selected).
func observeCase(sc caseScene, c any) string {
	m, ok := c.(map[string]any)
	if !ok || m == nil {
		return "none"
	}
	has := func(k string) bool { _, ok := m[k]; return ok }
	var refIDs []string
	if refs, ok := m["referrals"].([]any); ok {
		for _, r := range refs {
			refIDs = append(refIDs, testenv.Get(r, "id").(string))
		}
	}
	unexpected := fmt.Sprintf("unexpected %v", c)
	switch m["view"] {
	case "FULL":
		for _, k := range []string{"notes", "plan", "caseManager"} {
			if has(k) && m[k] == nil {
				return unexpected
			}
		}
		if has("referrals") && len(refIDs) != 2 {
			return unexpected
		}
		return "full"
	case "RECIPIENT":
		for _, k := range []string{"notes", "plan", "caseManager", "outcome"} {
			if m[k] != nil {
				return unexpected
			}
		}
		if has("referrals") && !slices.Equal(refIDs, []string{sc.live}) {
			return unexpected
		}
		return "recipient"
	}
	return unexpected
}

func observeNode(sc caseScene, r testenv.Response) string {
	if c := errorCode(r); c != "" {
		return c
	}
	n := testenv.Get(r.Data, "node")
	if n == nil {
		return "none"
	}
	if c := testenv.Get(n, "case"); c != nil { // a referral: the view of its case
		return observeCase(sc, c)
	}
	if testenv.Get(n, "service") != nil { // an intervention: only a full view shows it
		return "full"
	}
	return observeCase(sc, n)
}

func observeList(field string) func(sc caseScene, r testenv.Response) string {
	return func(sc caseScene, r testenv.Response) string {
		if c := errorCode(r); c != "" {
			return c
		}
		edges := testenv.Get(r.Data, field, "edges").([]any)
		var seen []string
		for _, e := range edges {
			n := testenv.Get(e, "node")
			if c := testenv.Get(n, "case"); c != nil {
				n = c
			}
			if testenv.Get(n, "id") == sc.caseID {
				seen = append(seen, observeCase(sc, n))
			}
		}
		switch {
		case len(seen) == 0:
			return "empty"
		case field == "incomingReferrals" && seen[0] == "full" && len(seen) != 2:
			return fmt.Sprintf("unexpected: an admin sees both referrals, not %d", len(seen))
		case field == "incomingReferrals" && seen[0] == "recipient" && len(seen) != 1:
			return fmt.Sprintf("unexpected: a recipient sees its one referral, not %d", len(seen))
		}
		return seen[0]
	}
}

func observePayload(name string) func(sc caseScene, r testenv.Response) string {
	return func(sc caseScene, r testenv.Response) string {
		if c := errorCode(r); c != "" {
			return c
		}
		errs, _ := testenv.Get(r.Data, name, "userErrors").([]any)
		if len(errs) == 0 {
			return "ok"
		}
		return testenv.Get(errs[0], "code").(string)
	}
}

func mutationPath(name, input, sel string, in func(sc caseScene) map[string]any, want map[string]string) casePath {
	return casePath{name: name, query: `mutation($in: ` + input + `!) { ` + name + `(input: $in) { ` + sel + ` userErrors { code field message } } }`,
		vars: func(sc caseScene) map[string]any { return map[string]any{"in": in(sc)} }, observe: observePayload(name), want: want}
}

const caseFields = `id code status view notes outcome caseManager employability zone { name } needs { code } stage { code }
	plan { createdAt interventions { id need { code } service { name } status } }
	referrals { id status case { id view } history { status by note } }`

func casePathTable() []casePath {
	byID := func(id func(sc caseScene) string) func(sc caseScene) map[string]any {
		return func(sc caseScene) map[string]any { return map[string]any{"id": id(sc)} }
	}
	fullOrNone := outcomes("full", "none", "full", "none", "none", "none", "none", "none", "none")
	seenByRecipients := outcomes("full", "none", "full", "none", "recipient", "recipient", "none", "none", "none")
	byRole := func(admin, managing, other, recipientCM string, operators ...string) map[string]string {
		so := []string{"FORBIDDEN", "FORBIDDEN"}
		if len(operators) == 2 {
			so = operators
		}
		return outcomes(admin, "FORBIDDEN", managing, other, recipientCM, so[0], so[1], "FORBIDDEN", "UNAUTHENTICATED")
	}
	return []casePath{
		{name: "node: a case with its plan and referrals", read: true, query: `query($id: ID!) { node(id: $id) { ... on Case { ` + caseFields + ` } } }`,
			vars: byID(func(sc caseScene) string { return sc.caseID }), observe: observeNode, want: seenByRecipients},
		{name: "nodes: the case, its referrals and its intervention", read: true,
			query: `query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Case { view notes } ... on Referral { status } ... on Intervention { interventionStatus: status } } }`,
			vars: func(sc caseScene) map[string]any {
				return map[string]any{"ids": []string{sc.caseID, sc.live, sc.refused, sc.intervention}}
			},
			observe: func(sc caseScene, r testenv.Response) string {
				if c := errorCode(r); c != "" {
					return c
				}
				got := testenv.Get(r.Data, "nodes").([]any)
				var shown []bool
				for _, n := range got {
					shown = append(shown, n != nil)
				}
				switch {
				case slices.Equal(shown, []bool{false, false, false, false}):
					return "none"
				case slices.Equal(shown, []bool{true, true, true, true}) && testenv.Get(got[0], "view") == "FULL" && testenv.Get(got[0], "notes") != nil:
					return "full"
				case slices.Equal(shown, []bool{true, true, false, false}) && testenv.Get(got[0], "view") == "RECIPIENT" && testenv.Get(got[0], "notes") == nil:
					return "recipient"
				}
				return fmt.Sprintf("unexpected %v", got)
			}, want: seenByRecipients},
		{name: "node: the live referral and its case", read: true,
			query: `query($id: ID!) { node(id: $id) { ... on Referral { id status case { ` + caseFields + ` } history { status } } } }`,
			vars:  byID(func(sc caseScene) string { return sc.live }), observe: observeNode, want: seenByRecipients},
		{name: "node: the refused referral", read: true,
			query: `query($id: ID!) { node(id: $id) { ... on Referral { id status reason case { id view notes referrals { id } } } } }`,
			vars:  byID(func(sc caseScene) string { return sc.refused }), observe: observeNode, want: fullOrNone},
		{name: "node: the intervention", read: true,
			query: `query($id: ID!) { node(id: $id) { ... on Intervention { id status need { code } service { name } } } }`,
			vars:  byID(func(sc caseScene) string { return sc.intervention }), observe: observeNode, want: fullOrNone},
		{name: "cases", read: true, query: `{ cases(first: 50) { totalCount edges { cursor node { id view notes caseManager outcome } } } }`,
			vars: func(caseScene) map[string]any { return nil }, observe: observeList("cases"),
			want: byRole("full", "full", "empty", "recipient")},
		{name: "caseTrace", read: true, query: `query($id: ID!) { caseTrace(id: $id) { case { id view notes } events { kind referral { id status } }
			nodes { id type label } edges { from to kind } } }`, vars: byID(func(sc caseScene) string { return sc.caseID }),
			observe: func(sc caseScene, r testenv.Response) string {
				if c := errorCode(r); c != "" {
					return c
				}
				tr := testenv.Get(r.Data, "caseTrace")
				kinds, refs, nodes := map[any]bool{}, map[any]bool{}, map[any]bool{}
				for _, ev := range testenv.Get(tr, "events").([]any) {
					kinds[testenv.Get(ev, "kind")] = true
					refs[testenv.Get(ev, "referral", "id")] = true
				}
				for _, n := range testenv.Get(tr, "nodes").([]any) {
					nodes[testenv.Get(n, "id")] = true
				}
				view := observeCase(sc, testenv.Get(tr, "case"))
				switch {
				case view == "full" && kinds["INTERVENTION_ADDED"] && kinds["STAGE_MOVED"] && refs[sc.refused] && nodes[sc.refused]:
					return "full"
				case view == "recipient" && len(refs) == 1 && refs[sc.live] && !nodes[sc.refused] && nodes[sc.live] && !kinds["INTERVENTION_ADDED"]:
					return "recipient"
				}
				return fmt.Sprintf("unexpected %v", tr)
			}, want: byRole("full", "full", "NOT_FOUND", "recipient")},
		{name: "incomingReferrals", read: true, query: `{ incomingReferrals(first: 50) { totalCount edges { cursor node { id status
			case { id view notes outcome caseManager } history { status } } } } }`,
			vars: func(caseScene) map[string]any { return nil }, observe: observeList("incomingReferrals"),
			// The shelter's operator refused: the referral is gone from its list.
			want: byRole("full", "empty", "empty", "recipient", "recipient", "empty")},

		// Writes: a case one may not see answers NOT_FOUND, as one that does not exist; one
		// seen but not one's own to change, FORBIDDEN. Inputs fail after the checks, so nothing
		// is written.
		mutationPath("openCase", "OpenCaseInput", "case { id view }", func(sc caseScene) map[string]any {
			return map[string]any{"zoneId": sc.ids["Follonica"], "modelId": sc.ids["COMMIT"], "needIds": []string{}}
		}, byRole("REQUIRED", "REQUIRED", "REQUIRED", "REQUIRED")),
		mutationPath("moveCase", "MoveCaseInput", "case { id view }", func(sc caseScene) map[string]any {
			return map[string]any{"caseId": sc.caseID, "version": 999, "stageId": sc.ids["stage 2c"]}
		}, byRole("VERSION_CONFLICT", "VERSION_CONFLICT", "NOT_FOUND", "FORBIDDEN")),
		mutationPath("closeCase", "CloseCaseInput", "case { id view }", func(sc caseScene) map[string]any {
			return map[string]any{"caseId": sc.caseID, "version": 999, "outcome": "OTHER"}
		}, byRole("VERSION_CONFLICT", "VERSION_CONFLICT", "NOT_FOUND", "FORBIDDEN")),
		mutationPath("refer", "ReferInput", "referral { id case { id view } }", func(sc caseScene) map[string]any {
			return map[string]any{"caseId": sc.caseID, "toId": sc.ids["Old desk"], "needId": sc.ids["work"], "consent": givenConsent}
		}, byRole("INVALID", "INVALID", "NOT_FOUND", "FORBIDDEN")),
		mutationPath("addIntervention", "AddInterventionInput", "intervention { id }", func(sc caseScene) map[string]any {
			return map[string]any{"caseId": sc.caseID, "needId": sc.ids["work"], "serviceId": sc.ids["Shelter"]}
		}, byRole("INVALID", "INVALID", "NOT_FOUND", "FORBIDDEN")),
		mutationPath("moveIntervention", "MoveInterventionInput", "intervention { id status }", func(sc caseScene) map[string]any {
			return map[string]any{"interventionId": sc.intervention, "status": "PLANNED"}
		}, byRole("INVALID", "INVALID", "NOT_FOUND", "NOT_FOUND")),
		mutationPath("moveReferral", "MoveReferralInput", "referral { id case { id view } }", func(sc caseScene) map[string]any {
			return map[string]any{"referralId": sc.live, "version": 999, "status": "ACCEPTED"}
		}, byRole("VERSION_CONFLICT", "VERSION_CONFLICT", "NOT_FOUND", "VERSION_CONFLICT", "VERSION_CONFLICT", "NOT_FOUND")),
		mutationPath("withdrawConsent", "WithdrawConsentInput", "referral { id case { id view } }", func(sc caseScene) map[string]any {
			return map[string]any{"referralId": sc.live, "version": 999}
		}, byRole("VERSION_CONFLICT", "VERSION_CONFLICT", "NOT_FOUND", "FORBIDDEN")),
		{name: "moveReferral of the refused referral", query: `mutation($in: MoveReferralInput!) { moveReferral(input: $in) { referral { id } userErrors { code field message } } }`,
			vars: func(sc caseScene) map[string]any {
				return map[string]any{"in": map[string]any{"referralId": sc.refused, "version": 999, "status": "ACCEPTED"}}
			}, observe: observePayload("moveReferral"),
			// Its access ended when it refused.
			want: byRole("VERSION_CONFLICT", "VERSION_CONFLICT", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND")},
	}
}

// Every path of the schema to case-level data is in the table, and each answers every role as
// the rule says, with its read audited: one READ of the case when something of it was shown,
// READ_REFUSED when something asked for by ID was withheld, nothing when the role was refused
// before any data was read or a list simply did not hold the case.
func TestEveryPathToCaseDataGoesThroughTheRule(t *testing.T) {
	schema := graph.NewExecutableSchema(graph.Config{}).Schema()
	paths := casePaths(schema)
	table := casePathTable()
	covered := map[string]bool{}
	for _, p := range table {
		for f := range visited(t, schema, p.query) {
			covered[f] = true
		}
	}
	for _, want := range []string{"Query.node", "Query.nodes", "Query.cases", "Query.caseTrace", "Query.incomingReferrals", "Referral.case",
		"Case.referrals", "Case.plan", "Plan.interventions", "TraceEvent.referral", "CaseTrace.nodes", "CasePayload.case"} {
		if !slices.Contains(paths, want) {
			t.Errorf("the schema walk misses %s: %v", want, paths)
		}
	}
	// Subscriptions are served over WebSocket, not by the table's HTTP requests:
	// TestSubscriptionsEndToEnd takes these paths for the roles that subscribe, and is refused for the others.
	for _, p := range []string{"Subscription.caseChanges", "CaseChange.case", "CaseChange.referral"} {
		covered[p] = true
	}
	for _, p := range paths {
		if !covered[p] {
			t.Errorf("%s reaches case-level data and no request of the table takes it: add it to casePathTable", p)
		}
	}
	t.Logf("%d paths to case-level data, all in the table: %v", len(paths), paths)

	e := testenv.Open(t)
	sc := newCaseScene(t, e)
	caseGID := sc.caseID
	for _, p := range table {
		t.Run(p.name, func(t *testing.T) {
			for _, role := range sceneRoles {
				subject := "paths " + p.name + " " + role
				v := sc.viewer(role, subject)
				before := auditOf(t, e, v)
				r := e.DoAs(t, v, p.query, p.vars(sc))
				got := p.observe(sc, r)
				if got != p.want[role] {
					t.Errorf("%s: got %s, want %s (%+v)", role, got, p.want[role], r.Errors)
					continue
				}
				if !p.read {
					continue
				}
				after := auditOf(t, e, v)
				reads, refused := after["READ "+caseGID]-before["READ "+caseGID], after["READ_REFUSED"]-before["READ_REFUSED"]
				others := after["READ"] - before["READ"] - reads
				switch got {
				case "full", "recipient":
					if reads != 1 || others != 0 {
						t.Errorf("%s: %d READ entries of the case and %d of others, want one of the case", role, reads, others)
					}
				case "none", "NOT_FOUND":
					if reads != 0 || refused == 0 {
						t.Errorf("%s: %d READ and %d READ_REFUSED entries, want no READ and a READ_REFUSED", role, reads, refused)
					}
				default:
					if reads != 0 || refused != 0 {
						t.Errorf("%s: %d READ and %d READ_REFUSED entries, want none", role, reads, refused)
					}
				}
			}
		})
	}
}

// auditOf counts the viewer's audit entries by action and by action and target; an anonymous
// viewer's are all anonymous entries.
func auditOf(t *testing.T, e *testenv.Env, v auth.Viewer) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, r := range e.Query(t, `MATCH (a:AuditEntry {subject: $subject, role: $role}) RETURN a.action, a.targetId`,
		map[string]any{"subject": v.Subject, "role": string(v.Role)}) {
		action, _ := r.Values[0].(string)
		target, _ := r.Values[1].(string)
		out[action]++
		out[action+" "+target]++
	}
	return out
}

// A case, referral or intervention the viewer may not see answers exactly as one that does not
// exist: the same data, the same errors with the same codes, fields and messages, and the same
// audit entries.
func TestNoExistenceOracle(t *testing.T) {
	e := testenv.Open(t)
	sc := newCaseScene(t, e)
	ghost := sc
	ghost.caseID = relay.GlobalID("Case", store.NewKey())
	ghost.live = relay.GlobalID("Referral", store.NewKey())
	ghost.refused = relay.GlobalID("Referral", store.NewKey())
	ghost.intervention = relay.GlobalID("Intervention", store.NewKey())
	unghost := strings.NewReplacer(ghost.caseID, sc.caseID, ghost.live, sc.live, ghost.refused, sc.refused, ghost.intervention, sc.intervention)
	compared := 0
	for _, p := range casePathTable() {
		for _, role := range sceneRoles {
			if w := p.want[role]; w != "none" && w != "NOT_FOUND" {
				continue
			}
			v := sc.viewer(role, "oracle real "+role)
			g := sc.viewer(role, "oracle ghost "+role)
			beforeReal, beforeGhost := auditOf(t, e, v), auditOf(t, e, g)
			real, fake := e.DoAs(t, v, p.query, p.vars(sc)), e.DoAs(t, g, p.query, p.vars(ghost))
			a, _ := json.Marshal(struct{ D, E any }{real.Data, real.Errors})
			b, _ := json.Marshal(struct{ D, E any }{fake.Data, fake.Errors})
			if string(a) != unghost.Replace(string(b)) || real.Status != fake.Status {
				t.Errorf("%s as %s: an object one may not see answers\n  %s\nand one that does not exist\n  %s", p.name, role, a, b)
			}
			if role != "anonymous" && p.read {
				ar, ag := auditOf(t, e, v), auditOf(t, e, g)
				if ar["READ_REFUSED"]-beforeReal["READ_REFUSED"] != ag["READ_REFUSED"]-beforeGhost["READ_REFUSED"] || ar["READ"] != beforeReal["READ"] {
					t.Errorf("%s as %s: the audit tells them apart: %v %v", p.name, role, ar, ag)
				}
			}
			compared++
		}
	}
	if compared < 30 {
		t.Errorf("only %d comparisons", compared)
	}
}
