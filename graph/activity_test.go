package graph_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"snodo/auth"
	"snodo/disclosure"
	"snodo/internal/testenv"
	"snodo/model"
	"snodo/store"
)

// Activity records: recorded by the operators of the service, read only as aggregates, each
// kind's count a cell of the records' keys whose true value is the sum of their counts.
func TestActivityRecordsAsAggregates(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	shelterOp := auth.Viewer{Subject: "op-shelter", Role: auth.ServiceOperator, ActorID: key(t, ids["Shelter provider"])}
	jobOp := auth.Viewer{Subject: "op-job", Role: auth.ServiceOperator, ActorID: key(t, ids["Job centre"])}
	record := func(v auth.Viewer, in map[string]any) (any, []any, string) {
		t.Helper()
		base := map[string]any{"serviceId": ids["Shelter"], "zoneId": ids["Follonica"], "kind": "CONTACT", "from": "2025-02-01", "count": 1}
		for k, val := range in {
			base[k] = val
		}
		r := e.DoAs(t, v, `mutation($in: RecordActivityInput!) { recordActivity(input: $in) { activity { id kind count from to exploitation service { name } zone { name } recordedBy }
			userErrors { field code } } }`, map[string]any{"in": base})
		if len(r.Errors) > 0 {
			return nil, nil, r.Code()
		}
		return testenv.Get(r.Data, "recordActivity", "activity"), testenv.Get(r.Data, "recordActivity", "userErrors").([]any), ""
	}
	a, errs, _ := record(shelterOp, map[string]any{"from": "2025-02-01", "to": "2025-02-28", "count": 2651, "exploitation": "SEXUAL", "gender": "FEMALE"})
	if len(errs) > 0 || num(testenv.Get(a, "count")) != 2651 || testenv.Get(a, "to") != "2025-02-28" || testenv.Get(a, "service", "name") != "Shelter" ||
		testenv.Get(a, "recordedBy") != "op-shelter" {
		t.Fatalf("recorded: %v %v", a, errs)
	}
	record(shelterOp, map[string]any{"from": "2025-03-05", "count": 40, "exploitation": "LABOUR"})
	record(shelterOp, map[string]any{"kind": "INTERVIEW", "from": "2025-01-10", "to": "2025-03-31", "count": 89})
	// Across the end of the quarter: in the year, not in the quarter.
	record(shelterOp, map[string]any{"from": "2025-03-20", "to": "2025-04-10", "count": 300})
	// Grosseto's own record, outside Follonica.
	record(shelterOp, map[string]any{"zoneId": ids["Grosseto"], "from": "2025-03-01", "count": 12})

	for _, c := range []struct {
		v     auth.Viewer
		in    map[string]any
		field string
		code  string
	}{
		{shelterOp, map[string]any{"count": 0}, "[input count]", "INVALID"},
		{shelterOp, map[string]any{"count": store.MaxActivityCount + 1}, "[input count]", "INVALID"},
		{shelterOp, map[string]any{"from": "2025-02-10", "to": "2025-02-01"}, "[input to]", "INVALID"},
		{shelterOp, map[string]any{"from": "2099-02-10"}, "[input to]", "INVALID"},
		{shelterOp, map[string]any{"from": "2024-01-01", "to": "2025-03-01"}, "[input to]", "INVALID"},
		{jobOp, nil, "", "FORBIDDEN"},
		{researcher, nil, "", "FORBIDDEN"},
	} {
		_, errs, code := record(c.v, c.in)
		switch {
		case c.field == "" && code != c.code:
			t.Errorf("%s %v: %s, want %s", c.v.Subject, c.in, code, c.code)
		case c.field != "" && (len(errs) != 1 || fmt.Sprint(testenv.Get(errs[0], "field")) != c.field || testenv.Get(errs[0], "code") != c.code):
			t.Errorf("%v: %v, want %s at %s", c.in, errs, c.code, c.field)
		}
	}
	if n := e.Query(t, "MATCH (a:Activity) RETURN count(a)", nil)[0].Values[0].(int64); n != 5 {
		t.Errorf("%d records written, want the 5 valid ones", n)
	}

	// The keys of the records, which the store drew: the test reads them to work out the
	// published values.
	keys := map[int]int64{}
	for _, r := range e.Query(t, "MATCH (a:Activity) RETURN a.count, a.recordKey", nil) {
		keys[int(r.Values[0].(int64))] = r.Values[1].(int64)
	}
	pub, _ := disclosure.New(disclosure.Defaults, time.Now, nil)
	cell := func(counts ...int) disclosure.Cell {
		var c disclosure.Cell
		for _, n := range counts {
			c = c.Plus(disclosure.Cell{N: n, KeySum: keys[n]})
		}
		return c
	}
	q := `query($z: ID!, $p: String!) { indicators(zoneId: $z, period: $p) { activity { kind count exploitation { key count } gender { key count } } } }`
	read := func(v auth.Viewer, zone, period string) map[string]any {
		t.Helper()
		r := e.DoAs(t, v, q, map[string]any{"z": ids[zone], "p": period})
		if len(r.Errors) > 0 {
			t.Fatalf("%+v", r.Errors)
		}
		out := map[string]any{}
		for _, a := range testenv.Get(r.Data, "indicators", "activity").([]any) {
			out[testenv.Get(a, "kind").(string)] = a
		}
		if len(out) != len(model.AllActivityKind) {
			t.Errorf("every kind is listed: %v", out)
		}
		return out
	}
	coordinator := auth.Viewer{Subject: "coord", Role: auth.Coordinator, ZoneIDs: []string{key(t, ids["Toscana"])}}
	for _, v := range []auth.Viewer{researcher, coordinator} {
		q1 := read(v, "Follonica", "2025-Q1")
		// February's 2,651 contacts and March's 40: one cell of two records, 2,691 people met.
		if got, want := num(testenv.Get(q1["CONTACT"], "count")), pub.Count(cell(2651, 40)); got != want || got < 2691-3 || got > 2691+3 {
			t.Errorf("%s: contacts %d, want %d", v.Subject, got, want)
		}
		if got, want := num(testenv.Get(q1["INTERVIEW"], "count")), pub.Count(cell(89)); got != want {
			t.Errorf("interviews %d, want %d", got, want)
		}
		byExploitation := map[string]int{}
		for _, b := range testenv.Get(q1["CONTACT"], "exploitation").([]any) {
			byExploitation[testenv.Get(b, "key").(string)] = num(testenv.Get(b, "count"))
		}
		if byExploitation["SEXUAL"] != pub.Count(cell(2651)) || byExploitation["LABOUR"] != pub.Count(cell(40)) || len(byExploitation) != 2 {
			t.Errorf("contacts by kind of exploitation: %v", byExploitation)
		}
		if num(testenv.Get(q1["HELPLINE_CALL"], "count")) != 0 {
			t.Errorf("no helpline calls: %v", q1["HELPLINE_CALL"])
		}
	}
	// The year holds the record across the quarter's end; the province holds Grosseto's too.
	if got, want := num(testenv.Get(read(researcher, "Follonica", "2025")["CONTACT"], "count")), pub.Count(cell(2651, 40, 300)); got != want {
		t.Errorf("the year's contacts: %d, want %d", got, want)
	}
	if got, want := num(testenv.Get(read(researcher, "Provincia di Grosseto", "2025-Q1")["CONTACT"], "count")), pub.Count(cell(2651, 40, 12)); got != want {
		t.Errorf("the province's contacts: %d, want %d", got, want)
	}
	// Exact, for the data controller's report.
	ctx := auth.WithViewer(context.Background(), auth.Viewer{Subject: "dpo", Role: auth.Admin})
	p, _ := model.ParsePeriod("2025-Q1")
	tally, err := e.Store.Indicators(ctx, ids["Follonica"], p)
	if err != nil {
		t.Fatal(err)
	}
	exact := map[model.ActivityKind]int{}
	for _, a := range pub.Exact().Indicators(*tally).Activity {
		exact[a.Kind] = a.Count
	}
	if exact[model.ActivityKindContact] != 2691 || exact[model.ActivityKindInterview] != 89 {
		t.Errorf("exact: %v", exact)
	}
}

// Zone context, project targets and cases funded by a project: target against achieved.
func TestZoneContextAndProjectTargets(t *testing.T) {
	e := testenv.Open(t)
	ids := caseWorld(t, e)
	coordinator := auth.Viewer{Subject: "coord-gr", Role: auth.Coordinator, ZoneIDs: []string{key(t, ids["Provincia di Grosseto"])}}
	outsider := auth.Viewer{Subject: "coord-cm", Role: auth.Coordinator, ZoneIDs: []string{key(t, ids["Colline Metallifere"])}}
	setContext := func(v auth.Viewer, values []map[string]any) (any, []any, string) {
		t.Helper()
		r := e.DoAs(t, v, `mutation($in: SetZoneContextInput!) { setZoneContext(input: $in) { context { indicator year value source note enteredBy } userErrors { field code } } }`,
			map[string]any{"in": map[string]any{"zoneId": ids["Grosseto"], "year": 2017, "source": "TEAMS, piano d'azione locale", "values": values}})
		if len(r.Errors) > 0 {
			return nil, nil, r.Code()
		}
		return testenv.Get(r.Data, "setZoneContext", "context"), testenv.Get(r.Data, "setZoneContext", "userErrors").([]any), ""
	}
	got, errs, _ := setContext(coordinator, []map[string]any{{"indicator": "UNEMPLOYMENT_RATE", "value": 22.9}, {"indicator": "FOREIGN_RESIDENTS", "value": 18598}})
	if len(errs) > 0 || len(got.([]any)) != 2 || testenv.Get(got, 0, "indicator") != "FOREIGN_RESIDENTS" || testenv.Get(got, 1, "value") != 22.9 ||
		testenv.Get(got, 0, "enteredBy") != "coord-gr" {
		t.Fatalf("context: %v %v", got, errs)
	}
	// A second entry replaces the year's value of the indicator and keeps the others.
	setContext(coordinator, []map[string]any{{"indicator": "UNEMPLOYMENT_RATE", "value": 23.1, "note": "rivisto"}})
	d := e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Zone { context { indicator year value note } only: context(year: 2016) { value } } } }`, map[string]any{"id": ids["Grosseto"]})
	if ctx := testenv.Get(d, "node", "context").([]any); len(ctx) != 2 || testenv.Get(ctx, 1, "value") != 23.1 || testenv.Get(ctx, 1, "note") != "rivisto" {
		t.Errorf("context after the second entry: %v", ctx)
	}
	if len(testenv.Get(d, "node", "only").([]any)) != 0 {
		t.Errorf("no values for 2016: %v", d)
	}
	if _, errs, _ := setContext(coordinator, []map[string]any{{"indicator": "UNEMPLOYMENT_RATE", "value": 122.9}}); len(errs) != 1 {
		t.Errorf("a rate over 100: %v", errs)
	}
	if _, errs, _ := setContext(coordinator, []map[string]any{{"indicator": "FOREIGN_RESIDENTS", "value": 1}, {"indicator": "FOREIGN_RESIDENTS", "value": 2}}); len(errs) != 1 {
		t.Errorf("an indicator twice: %v", errs)
	}
	if _, _, code := setContext(outsider, []map[string]any{{"indicator": "FOREIGN_RESIDENTS", "value": 1}}); code != "FORBIDDEN" {
		t.Errorf("a coordinator of other zones: %s", code)
	}

	// A funded project and its target: 60 takings in charge in Grosseto, 15 January to 20 February 2026.
	project := testenv.Get(mutate(t, e, "createPartnership", "CreatePartnershipInput", map[string]any{"title": "TEAMS", "kind": "FUNDED_PROJECT",
		"zoneIds": []string{ids["Provincia di Grosseto"]}}, "partnership { id }"), "partnership", "id").(string)
	protocol := testenv.Get(mutate(t, e, "createPartnership", "CreatePartnershipInput", map[string]any{"title": "Protocollo", "kind": "OPERATIONAL_PROTOCOL",
		"zoneIds": []string{ids["Provincia di Grosseto"]}}, "partnership { id }"), "partnership", "id").(string)
	addTarget := func(v auth.Viewer, partnership string) (any, []any, string) {
		r := e.DoAs(t, v, `mutation($in: AddProjectTargetInput!) { addProjectTarget(input: $in) { target { id description measure count from to zone { name } project { title } } userErrors { field code } } }`,
			map[string]any{"in": map[string]any{"partnershipId": partnership, "description": "prese in carico attraverso il PUA di II livello", "measure": "CASES_TAKEN_IN_CHARGE",
				"count": 60, "zoneId": ids["Grosseto"], "from": "2026-01-15", "to": "2026-02-20"}})
		if len(r.Errors) > 0 {
			return nil, nil, r.Code()
		}
		return testenv.Get(r.Data, "addProjectTarget", "target"), testenv.Get(r.Data, "addProjectTarget", "userErrors").([]any), ""
	}
	target, errs, _ := addTarget(coordinator, project)
	if len(errs) > 0 || testenv.Get(target, "project", "title") != "TEAMS" || num(testenv.Get(target, "count")) != 60 {
		t.Fatalf("target: %v %v", target, errs)
	}
	if _, errs, _ := addTarget(coordinator, protocol); len(errs) != 1 || testenv.Get(errs[0], "code") != "INVALID" {
		t.Errorf("a protocol has no targets: %v", errs)
	}
	if _, _, code := addTarget(outsider, project); code != "FORBIDDEN" {
		t.Errorf("a coordinator of other zones: %s", code)
	}
	d = e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Partnership { targets { description count } } } }`, map[string]any{"id": project})
	if len(testenv.Get(d, "node", "targets").([]any)) != 1 {
		t.Errorf("the project's targets: %v", d)
	}

	// A case opened for the project through the API, then cases imported with known keys:
	// in Grosseto, funded by the project, first accepted in January (3), February (2) and
	// March (1); one not funded; one funded in Follonica.
	manager := auth.Viewer{Subject: "cm", Role: auth.CaseManager, ActorID: key(t, ids["Reception centre"])}
	r := e.DoAs(t, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { case { project { title } } userErrors { code field } } }`,
		map[string]any{"in": map[string]any{"zoneId": ids["Grosseto"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}, "projectId": project}})
	if testenv.Get(r.Data, "openCase", "case", "project", "title") != "TEAMS" {
		t.Errorf("a case funded by the project: %+v %v", r.Errors, r.Data)
	}
	r = e.DoAs(t, manager, `mutation($in: OpenCaseInput!) { openCase(input: $in) { userErrors { code field } } }`,
		map[string]any{"in": map[string]any{"zoneId": ids["Grosseto"], "modelId": ids["COMMIT"], "needIds": []string{ids["work"]}, "projectId": protocol}})
	if errs := testenv.Get(r.Data, "openCase", "userErrors").([]any); len(errs) != 1 {
		t.Errorf("a case funded by a protocol: %v", errs)
	}
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	projectKey := key(t, project)
	caseKeys := map[string]int64{}
	add := func(id, zone string, funded bool, accepted time.Time) {
		caseKeys[id] = keyOf(len(caseKeys) + 1)
		props := map[string]any{"code": "SN-T" + id, "status": "OPEN", "openedAt": accepted.AddDate(0, 0, -3), "zoneId": key(t, ids[zone]), "recordKey": caseKeys[id]}
		if funded {
			props["projectId"] = projectKey
			im.Links[store.LinkCaseProject] = append(im.Links[store.LinkCaseProject], store.ImportLink{From: id, To: projectKey})
		}
		im.Nodes["Case"] = append(im.Nodes["Case"], store.ImportNode{ID: id, Props: props})
		im.Links[store.LinkCaseZone] = append(im.Links[store.LinkCaseZone], store.ImportLink{From: id, To: key(t, ids[zone])})
		im.Nodes["Referral"] = append(im.Nodes["Referral"], store.ImportNode{ID: id + "-r", Props: map[string]any{"caseId": id, "status": "ACCEPTED",
			"sentAt": accepted.AddDate(0, 0, -1), "acceptedAt": accepted}})
		im.Links[store.LinkCaseReferral] = append(im.Links[store.LinkCaseReferral], store.ImportLink{From: id, To: id + "-r"})
	}
	for i, day := range []time.Time{time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC), time.Date(2026, 1, 30, 9, 0, 0, 0, time.UTC),
		time.Date(2026, 2, 10, 9, 0, 0, 0, time.UTC), time.Date(2026, 2, 25, 9, 0, 0, 0, time.UTC), time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)} {
		add(fmt.Sprintf("t%d", i), "Grosseto", true, day)
	}
	add("unfunded", "Grosseto", false, time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC))
	add("elsewhere", "Follonica", true, time.Date(2026, 1, 20, 9, 0, 0, 0, time.UTC))
	if _, err := e.Store.Import(context.Background(), im); err != nil {
		t.Fatal(err)
	}
	pub, _ := disclosure.New(disclosure.Defaults, time.Now, nil)
	// The target spans 15 January to 20 February: achievement is counted over January and
	// February, so the 5 cases first accepted then (5 January included), not March's.
	achieved := cellOfKeys(caseKeys, "t0", "t1", "t2", "t3", "t4")
	q := `query($z: ID!, $p: String!) { indicators(zoneId: $z, period: $p) { targets { target { description count } months achieved } } }`
	for _, c := range []struct {
		zone, period, months string
		want                 int
	}{
		{"Provincia di Grosseto", "2026-Q1", "2026-01..2026-02", pub.Count(achieved)},
		{"Grosseto", "2026-02", "2026-02..2026-02", pub.Count(cellOfKeys(caseKeys, "t3", "t4"))},
	} {
		r := e.DoAs(t, researcher, q, map[string]any{"z": ids[c.zone], "p": c.period})
		targets, _ := testenv.Get(r.Data, "indicators", "targets").([]any)
		if len(r.Errors) > 0 || len(targets) != 1 || testenv.Get(targets[0], "months") != c.months || num(testenv.Get(targets[0], "achieved")) != c.want ||
			num(testenv.Get(targets[0], "target", "count")) != 60 {
			t.Errorf("%s %s: %+v %v, want %s %d", c.zone, c.period, r.Errors, targets, c.months, c.want)
		}
	}
	// Follonica holds no target; 2025 meets none.
	for _, c := range [][2]string{{"Follonica", "2026-Q1"}, {"Provincia di Grosseto", "2025"}} {
		r := e.DoAs(t, researcher, q, map[string]any{"z": ids[c[0]], "p": c[1]})
		if targets := testenv.Get(r.Data, "indicators", "targets").([]any); len(targets) != 0 {
			t.Errorf("%v: %v", c, targets)
		}
	}
	ctx := auth.WithViewer(context.Background(), auth.Viewer{Subject: "dpo", Role: auth.Admin})
	p, _ := model.ParsePeriod("2026-Q1")
	tally, err := e.Store.Indicators(ctx, ids["Provincia di Grosseto"], p)
	if err != nil {
		t.Fatal(err)
	}
	if got := pub.Exact().Indicators(*tally).Targets; len(got) != 1 || got[0].Achieved != 5 || got[0].Target.Count != 60 {
		t.Errorf("exact: %+v", got)
	}
}
