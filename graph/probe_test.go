package graph_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"snodo/graph"
	"snodo/internal/testenv"
)

// This file walks the schema for the places where a client gives a value, and builds requests
// that reach the resolvers with a value under test at one of them: the tests of values that must
// never break Snodo (temporal_test.go, codes_test.go) send every such value the schema accepts.

// place is where a client gives a value: an argument of a root field, and the input fields
// from the argument's type down to the value.
type place struct {
	op string // "query" or "mutation"
	// owner is the type of a field that is not a root field, and via the root field that
	// reaches it: node(id:) for a node type, else a root field of the owner's type.
	owner *ast.Definition
	via   *ast.FieldDefinition
	field *ast.FieldDefinition
	arg   *ast.ArgumentDefinition
	path  []*ast.FieldDefinition
}

// typ is the type of the value at the place.
func (p place) typ() *ast.Type {
	if len(p.path) == 0 {
		return p.arg.Type
	}
	return p.path[len(p.path)-1].Type
}

func (p place) String() string {
	s := p.field.Name + "(" + p.arg.Name + ")"
	if p.owner != nil {
		s = p.owner.Name + "." + s
	}
	for _, f := range p.path {
		s += "." + f.Name
	}
	return s
}

// schema is Snodo's executable schema, as the server serves it.
func schema() *ast.Schema { return graph.NewSchema(&graph.Resolver{}).Schema() }

// places lists every place of the schema whose value's named type satisfies want, reached
// through any chain of input objects. An input object reached again (from another field or
// through itself) is walked once, from the first place that reaches it: what its fields accept
// does not depend on where it is given. A field of another type than the roots' is reached
// through node(id:) or a root field of its type; one reached by neither fails the test, so that
// whoever adds it teaches these tests to reach it.
func places(t *testing.T, s *ast.Schema, want func(*ast.Definition) bool) []place {
	t.Helper()
	var out []place
	walked := map[string]bool{}
	var walk func(p place, typ *ast.Type)
	walk = func(p place, typ *ast.Type) {
		def := s.Types[typ.Name()]
		if want(def) {
			out = append(out, p)
		}
		if def.Kind != ast.InputObject || walked[def.Name] {
			return
		}
		walked[def.Name] = true
		for _, f := range def.Fields {
			q := p
			q.path = append(append([]*ast.FieldDefinition{}, p.path...), f)
			walk(q, f.Type)
		}
	}
	names := make([]string, 0, len(s.Types))
	for name := range s.Types {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		def := s.Types[name]
		// Subscriptions are served over WebSocket: TestSubscriptionsEndToEnd sends them.
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") || def == s.Subscription {
			continue
		}
		at := place{op: map[*ast.Definition]string{s.Query: "query", s.Mutation: "mutation"}[def]}
		if at.op == "" {
			at = place{op: "query", owner: def, via: reaching(s, def)}
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			for _, a := range f.Arguments {
				if at.op == "query" && at.owner != nil && at.via == nil {
					t.Errorf("%s.%s(%s): the value tests do not reach this field", name, f.Name, a.Name)
					continue
				}
				p := at
				p.field, p.arg = f, a
				walk(p, a.Type)
			}
		}
	}
	return out
}

// reaching is the root field that reaches a type: node(id:) for a node type, else a query of
// the type; nil when there is none.
func reaching(s *ast.Schema, def *ast.Definition) *ast.FieldDefinition {
	for _, i := range def.Interfaces {
		if i == "Node" {
			return s.Query.Fields.ForName("node")
		}
	}
	for _, f := range s.Query.Fields {
		if f.Type.Name() == def.Name {
			return f
		}
	}
	return nil
}

// filler fills the arguments and input fields a request needs with values that reach the
// resolvers: IDs of the world's nodes by the name of the field, and plain values otherwise.
type filler struct {
	t   *testing.T
	e   *testenv.Env
	s   *ast.Schema
	ids map[string]string
	// idOf is the ID to give as the id field of an input type (UpdateZoneInput: a zone).
	idOf map[string]string
	// nodes are the IDs of a node of each type, for node(id:).
	nodes map[string]string
	// fresh sets fields of a root field's input that must differ at each request.
	fresh map[string]func(in map[string]any)
}

// value is a value of the type for the input field (or argument) of the name in the parent
// input type ("" for an argument).
func (f *filler) value(typ *ast.Type, name, parent string) any {
	f.t.Helper()
	if typ.Elem != nil {
		return []any{f.value(typ.Elem, strings.TrimSuffix(name, "s"), parent)}
	}
	def := f.s.Types[typ.Name()]
	switch def.Kind {
	case ast.Enum:
		return def.EnumValues[0].Name
	case ast.InputObject:
		return f.object(def)
	}
	switch def.Name {
	case "ID":
		if id, ok := f.idOf[parent]; ok && name == "id" {
			return id
		}
		if id, ok := f.ids[name]; ok {
			return id
		}
		f.t.Fatalf("the value tests have no ID to give as %s.%s", parent, name)
	case "String":
		if name == "quarter" {
			return "2026-Q3"
		}
		return "Probe"
	case "Int":
		return 1
	case "Float":
		return 1.0
	case "Boolean":
		return false
	case "DateTime":
		return "2026-11-23T10:00:00Z"
	case "Date":
		return "2026-11-23"
	}
	f.t.Fatalf("the value tests have no value for the scalar %s", def.Name)
	return nil
}

// object is an input object with its required fields filled, and the version read of the node
// its ID names when it carries one.
func (f *filler) object(def *ast.Definition) map[string]any {
	f.t.Helper()
	in := map[string]any{}
	for _, fd := range def.Fields {
		if fd.Type.NonNull && fd.DefaultValue == nil {
			in[fd.Name] = f.value(fd.Type, fd.Name, def.Name)
		}
	}
	if _, ok := in["version"]; ok {
		for _, k := range []string{"id", "serviceId", "partnershipId", "caseId", "referralId"} {
			if id, ok := in[k].(string); ok {
				if rec := f.e.Query(f.t, "MATCH (n {id: $id}) RETURN n.version", map[string]any{"id": key(f.t, id)}); len(rec) == 1 && rec[0].Values[0] != nil {
					in["version"] = rec[0].Values[0]
				}
				break
			}
		}
	}
	return in
}

// nest is the value of the type with v at the path below it.
func (f *filler) nest(typ *ast.Type, path []*ast.FieldDefinition, v any) any {
	if len(path) == 0 {
		return v
	}
	if typ.Elem != nil {
		return []any{f.nest(typ.Elem, path, v)}
	}
	def := f.s.Types[typ.Name()]
	obj := f.object(def)
	if len(path) == 1 && v == absent {
		delete(obj, path[0].Name)
	} else {
		obj[path[0].Name] = f.nest(path[0].Type, path[1:], v)
	}
	return obj
}

// absent, given as the value under test, leaves the field out.
var absent = &struct{}{}

// request is a request that sends v at the place, every other argument the field requires
// filled; literal gives the argument of the place written in the document instead of as a
// variable (as GraphQL source, which literal renders).
func (f *filler) request(p place, v any, literal string) (string, map[string]any) {
	f.t.Helper()
	vars := map[string]any{}
	var decls []string
	// args writes the arguments of a field: the place's, and those the field requires.
	args := func(field *ast.FieldDefinition, prefix string) string {
		var out []string
		for _, a := range field.Arguments {
			name := prefix + a.Name
			switch {
			case a == p.arg && literal != "":
				out = append(out, a.Name+": "+literal)
				continue
			case a == p.arg:
				vars[name] = f.nest(a.Type, p.path, v)
			case field == p.via && a.Name == "id":
				vars[name] = f.nodes[p.owner.Name]
			case a.Type.NonNull && a.DefaultValue == nil:
				vars[name] = f.value(a.Type, a.Name, "")
			default:
				continue
			}
			if fresh := f.fresh[field.Name]; fresh != nil && a.Name == "input" {
				if in, ok := vars[name].(map[string]any); ok {
					fresh(in)
				}
			}
			decls = append(decls, "$"+name+": "+a.Type.String())
			out = append(out, a.Name+": $"+name)
		}
		if len(out) == 0 {
			return ""
		}
		return "(" + strings.Join(out, ", ") + ")"
	}
	body := p.field.Name + args(p.field, "") + " " + selection(f.s, p.field.Type)
	if p.via != nil {
		body = p.via.Name + args(p.via, "via_") + " { ... on " + p.owner.Name + " { " + body + " } }"
	}
	doc := p.op
	if len(decls) > 0 {
		doc += "(" + strings.Join(decls, ", ") + ")"
	}
	return doc + " { " + body + " }", vars
}

// selection selects the scalar fields of the type, and the codes of user errors and the
// cursors of edges, so that the resolvers behind a field run.
func selection(s *ast.Schema, typ *ast.Type) string {
	def := s.Types[typ.Name()]
	if def.Kind == ast.Scalar || def.Kind == ast.Enum {
		return ""
	}
	sel := []string{"__typename"}
	if def.Kind == ast.Object {
		for _, fd := range def.Fields {
			required := false
			for _, a := range fd.Arguments {
				required = required || (a.Type.NonNull && a.DefaultValue == nil)
			}
			if required || strings.HasPrefix(fd.Name, "__") {
				continue
			}
			switch k := s.Types[fd.Type.Name()].Kind; {
			case k == ast.Scalar || k == ast.Enum:
				sel = append(sel, fd.Name)
			case fd.Name == "userErrors":
				sel = append(sel, "userErrors { code field }")
			case fd.Name == "edges":
				sel = append(sel, "edges { cursor }")
			}
		}
	}
	return "{ " + strings.Join(sel, " ") + " }"
}

// literal renders a JSON value as GraphQL source for the type: enum values bare, strings and
// numbers as JSON writes them.
func literal(s *ast.Schema, typ *ast.Type, v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case []any:
		parts := make([]string, len(v))
		for i, x := range v {
			elem := typ
			if typ.Elem != nil {
				elem = typ.Elem
			}
			parts[i] = literal(s, elem, x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		def := s.Types[typ.Name()]
		for i, k := range keys {
			ft := &ast.Type{NamedType: "String"}
			if fd := def.Fields.ForName(k); fd != nil {
				ft = fd.Type
			}
			parts[i] = k + ": " + literal(s, ft, v[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case string:
		if typ.Elem == nil && s.Types[typ.Name()].Kind == ast.Enum {
			return v
		}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// probeWorld is the world the value tests write into: caseWorld's network with a case, a
// referral, an intervention and a partnership with a member.
func probeWorld(t *testing.T, e *testenv.Env) *filler {
	t.Helper()
	ids := caseWorld(t, e)
	member := created(t, e, "createActor", "CreateActorInput", map[string]any{"name": "Member", "kind": "OTHER", "zoneIds": []string{ids["Toscana"]}}, "actor { id }", "actor", "id")
	partnership := created(t, e, "createPartnership", "CreatePartnershipInput", map[string]any{"title": "Protocol", "kind": "OPERATIONAL_PROTOCOL",
		"zoneIds": []string{ids["Toscana"]}}, "partnership { id }", "partnership", "id")
	mutate(t, e, "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": partnership, "version": 1, "actorId": member, "role": "PARTNER"}, "partnership { id }")
	doomed := created(t, e, "createPartnership", "CreatePartnershipInput", map[string]any{"title": "Doomed", "kind": "OPERATIONAL_PROTOCOL"},
		"partnership { id }", "partnership", "id")
	endpoint := created(t, e, "registerWebhook", "RegisterWebhookInput", map[string]any{"actorId": ids["Reception centre"], "url": "https://example.org/hook",
		"events": []string{"REFERRAL_SENT"}}, "endpoint { id }", "endpoint", "id")
	cs := created(t, e, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"],
		"managingActorId": ids["Reception centre"], "needIds": []string{ids["work"]}}, "case { id }", "case", "id")
	referral := created(t, e, "refer", "ReferInput", map[string]any{"caseId": cs, "toId": ids["Job desk"], "needId": ids["work.placement"], "consent": givenConsent}, "referral { id }", "referral", "id")
	delivery := testenv.Get(e.MustDo(t, `{ webhookEndpoints(first: 1) { edges { node { deliveries(first: 1) { edges { node { id } } } } } } }`, nil),
		"webhookEndpoints", "edges", 0, "node", "deliveries", "edges", 0, "node", "id").(string)
	intervention := created(t, e, "addIntervention", "AddInterventionInput", map[string]any{"caseId": cs, "needId": ids["work.placement"], "serviceId": ids["Job desk"]},
		"intervention { id }", "intervention", "id")
	route := testenv.Get(e.MustDo(t, `query($a: ID!, $b: ID!) { referralRoutes(fromId: $a, toId: $b) { steps { id } } }`,
		map[string]any{"a": ids["Reception centre"], "b": ids["Technical secretariat"]}), "referralRoutes", 0, "steps", 0, "id").(string)
	newActor := 0
	return &filler{t: t, e: e, s: schema(),
		ids: map[string]string{
			"caseId": cs, "needId": ids["work.placement"], "serviceId": ids["Job desk"], "actorId": member, "partnershipId": partnership,
			"zoneId": ids["Toscana"], "categoryId": ids["training_work"], "providerId": ids["Job centre"], "fromId": ids["Reception centre"],
			"toId": ids["Technical secretariat"], "modelId": ids["COMMIT"], "stageId": ids["stage 2a"], "interventionId": intervention,
			"referralId": referral, "id": ids["Toscana"], "deliveryId": delivery,
		},
		idOf: map[string]string{
			"UpdateZoneInput": ids["Grosseto"], "DeleteZoneInput": ids["Toscana"], "UpdateActorInput": ids["Job centre"], "DeleteActorInput": ids["Job centre"],
			"UpdateServiceInput": ids["Job desk"], "DeleteServiceInput": ids["Old desk"], "UpdatePartnershipInput": partnership,
			"DeletePartnershipInput": doomed, "UpdatePathwayModelInput": ids["SIL"], "DeleteRouteInput": route,
		},
		nodes: map[string]string{
			"Zone": ids["Toscana"], "Actor": ids["Job centre"], "Service": ids["Job desk"], "Need": ids["work"], "Partnership": partnership,
			"Case": cs, "Referral": referral, "Intervention": intervention, "PathwayModel": ids["COMMIT"], "Route": route,
			"WebhookEndpoint": endpoint,
		},
		fresh: map[string]func(map[string]any){
			// Each new membership needs an actor not yet a member.
			"addPartnershipMember": func(in map[string]any) {
				newActor++
				in["actorId"] = created(t, e, "createActor", "CreateActorInput", map[string]any{"name": fmt.Sprint("New member ", newActor), "kind": "OTHER",
					"zoneIds": []string{ids["Toscana"]}}, "actor { id }", "actor", "id")
			},
		},
	}
}

// answer is what a value test checks of every answer: JSON, every error with a code, and none
// of them INTERNAL_SERVER_ERROR. It returns the codes of the errors.
func answer(t *testing.T, h http.Handler, what, doc string, vars map[string]any) []string {
	t.Helper()
	r, err := post(h, doc, vars)
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return nil
	}
	var codes []string
	for _, e := range r.Errors {
		code, _ := e.Extensions["code"].(string)
		switch code {
		case "":
			t.Errorf("%s: an error without a code: %s", what, e.Message)
		case "INTERNAL_SERVER_ERROR":
			t.Errorf("%s: INTERNAL_SERVER_ERROR (%s)\n%s\n%v", what, e.Message, doc, vars)
		}
		codes = append(codes, code)
	}
	if r.Status >= 500 {
		t.Errorf("%s: status %d", what, r.Status)
	}
	return codes
}

// poolHealthy sends n anonymous directory queries, each of which must succeed: a connection of
// the pool left broken fails the next request that takes it, whoever sends it.
func poolHealthy(t *testing.T, h http.Handler, n int) {
	t.Helper()
	failed := 0
	for i := 0; i < n; i++ {
		r, err := postAs(h, "", `{ zones(first: 3) { edges { node { name } } } }`, nil)
		if err != nil || len(r.Errors) > 0 {
			failed++
			if failed == 1 {
				t.Errorf("an anonymous zones query failed: %v %+v", err, r.Errors)
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d anonymous zones queries failed", failed, n)
	}
}
