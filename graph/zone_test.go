package graph_test

import (
	"testing"

	"snodo/internal/testenv"
)

const zoneFields = `zone { id name kind istatCode version parents { name } } userErrors { field message code }`

// zoneDAG builds Toscana > Provincia di Grosseto > Follonica, with Follonica also in the
// Colline Metallifere district, and returns their IDs by name.
func zoneDAG(t *testing.T, e *testenv.Env) map[string]string {
	t.Helper()
	ids := map[string]string{}
	create := func(name, kind string, istat any, parents ...string) {
		pids := []string{}
		for _, p := range parents {
			pids = append(pids, ids[p])
		}
		d := e.MustDo(t, `mutation($in: CreateZoneInput!) { createZone(input: $in) { `+zoneFields+` } }`,
			map[string]any{"in": map[string]any{"name": name, "kind": kind, "istatCode": istat, "parentIds": pids}})
		if errs := testenv.Get(d, "createZone", "userErrors").([]any); len(errs) > 0 {
			t.Fatalf("createZone %s: %v", name, errs)
		}
		ids[name] = testenv.Get(d, "createZone", "zone", "id").(string)
	}
	create("Toscana", "REGION", "09")
	create("Provincia di Grosseto", "PROVINCE", "053", "Toscana")
	create("Colline Metallifere", "SOCIAL_DISTRICT", nil, "Toscana")
	create("Follonica", "MUNICIPALITY", "053009", "Provincia di Grosseto", "Colline Metallifere")
	create("Grosseto", "MUNICIPALITY", "053011", "Provincia di Grosseto")
	return ids
}

func TestZonesDAG(t *testing.T) {
	e := testenv.Open(t)
	ids := zoneDAG(t, e)

	d := e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Zone { name kind istatCode
		parents { name } children(first: 10) { totalCount edges { node { name } } } } } }`,
		map[string]any{"id": ids["Follonica"]})
	if got := testenv.Get(d, "node", "parents"); len(got.([]any)) != 2 {
		t.Fatalf("Follonica lies in the province and the district, got parents %v", got)
	}
	if got := testenv.Get(d, "node", "parents", 0, "name"); got != "Colline Metallifere" {
		t.Errorf("parents are by name: first is %v", got)
	}

	d = e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Zone { children(first: 10) { totalCount edges { node { name } } } } } }`,
		map[string]any{"id": ids["Provincia di Grosseto"]})
	if n := testenv.Get(d, "node", "children", "totalCount"); n != float64(2) {
		t.Errorf("the province has 2 children, got %v", n)
	}

	d = e.MustDo(t, `query($w: ID!) { zones(filter: {within: $w}) { totalCount edges { node { name } } } }`,
		map[string]any{"w": ids["Toscana"]})
	if n := testenv.Get(d, "zones", "totalCount"); n != float64(4) {
		t.Errorf("4 zones lie within Toscana at any depth, got %v", n)
	}

	d = e.MustDo(t, `{ zones(filter: {search: "follon"}) { edges { node { name } } } }`, nil)
	if got := testenv.Get(d, "zones", "edges", 0, "node", "name"); got != "Follonica" {
		t.Errorf("a prefix finds Follonica, got %v", got)
	}
	d = e.MustDo(t, `{ zones(filter: {kinds: [MUNICIPALITY]}, orderBy: {field: ISTAT_CODE, direction: DESC}) { edges { node { istatCode } } } }`, nil)
	if got := testenv.Get(d, "zones", "edges", 0, "node", "istatCode"); got != "053011" {
		t.Errorf("municipalities by ISTAT code descending start with 053011, got %v", got)
	}
}

func TestZonesPaging(t *testing.T) {
	e := testenv.Open(t)
	zoneDAG(t, e)
	names := func(d map[string]any) []string {
		var out []string
		for _, edge := range testenv.Get(d, "zones", "edges").([]any) {
			out = append(out, testenv.Get(edge, "node", "name").(string))
		}
		return out
	}
	q := `query($first: Int, $after: String, $last: Int, $before: String) {
		zones(first: $first, after: $after, last: $last, before: $before) {
			edges { cursor node { name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`
	var seen []string
	var after any
	for page := 0; ; page++ {
		d := e.MustDo(t, q, map[string]any{"first": 2, "after": after})
		seen = append(seen, names(d)...)
		if testenv.Get(d, "zones", "pageInfo", "hasNextPage") != true {
			break
		}
		after = testenv.Get(d, "zones", "pageInfo", "endCursor")
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	want := []string{"Colline Metallifere", "Follonica", "Grosseto", "Provincia di Grosseto", "Toscana"}
	if len(seen) != len(want) {
		t.Fatalf("paging forward by 2 gives %v, want %v", seen, want)
	}
	for i := range want {
		if seen[i] != want[i] {
			t.Fatalf("paging forward by 2 gives %v, want %v", seen, want)
		}
	}
	d := e.MustDo(t, q, map[string]any{"last": 2})
	if got := names(d); len(got) != 2 || got[0] != "Provincia di Grosseto" || got[1] != "Toscana" {
		t.Errorf("the last 2 zones are %v", got)
	}
	if testenv.Get(d, "zones", "pageInfo", "hasPreviousPage") != true {
		t.Error("the last page has a previous page")
	}
	d = e.MustDo(t, q, map[string]any{"last": 2, "before": testenv.Get(d, "zones", "pageInfo", "startCursor")})
	if got := names(d); len(got) != 2 || got[0] != "Follonica" || got[1] != "Grosseto" {
		t.Errorf("the 2 zones before Provincia di Grosseto are %v", got)
	}
}

func TestZoneMutationsRefuseBadInput(t *testing.T) {
	e := testenv.Open(t)
	ids := zoneDAG(t, e)
	create := `mutation($in: CreateZoneInput!) { createZone(input: $in) { ` + zoneFields + ` } }`
	update := `mutation($in: UpdateZoneInput!) { updateZone(input: $in) { ` + zoneFields + ` } }`
	cases := []struct {
		name, query string
		input       map[string]any
		code        string
		field       string
	}{
		{"empty name", create, map[string]any{"name": " ", "kind": "REGION"}, "REQUIRED", "input.name"},
		{"ISTAT code of a province with 2 digits", create, map[string]any{"name": "X", "kind": "PROVINCE", "istatCode": "05"}, "INVALID", "input.istatCode"},
		{"ISTAT code on a district", create, map[string]any{"name": "X", "kind": "SOCIAL_DISTRICT", "istatCode": "123"}, "INVALID", "input.istatCode"},
		{"ISTAT code in use", create, map[string]any{"name": "X", "kind": "MUNICIPALITY", "istatCode": "053009"}, "DUPLICATE", "input.istatCode"},
		{"unknown parent", create, map[string]any{"name": "X", "kind": "MUNICIPALITY", "parentIds": []string{"Wm9uZTpub3BlCg"}}, "NOT_FOUND", "input.parentIds.0"},
		{"parent of the wrong type", create, map[string]any{"name": "X", "kind": "MUNICIPALITY", "parentIds": []string{"QWN0b3I6eA"}}, "NOT_FOUND", "input.parentIds.0"},
		{"over-long name", create, map[string]any{"name": string(make([]byte, 201)), "kind": "CUSTOM"}, "INVALID", "input.name"},
		{"cycle", update, map[string]any{"id": ids["Toscana"], "version": 1, "parentIds": []string{ids["Follonica"]}}, "CYCLE", "input.parentIds"},
		{"own parent", update, map[string]any{"id": ids["Toscana"], "version": 1, "parentIds": []string{ids["Toscana"]}}, "CYCLE", "input.parentIds"},
		{"stale version", update, map[string]any{"id": ids["Toscana"], "version": 7, "name": "Tuscany"}, "VERSION_CONFLICT", "input.version"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := e.MustDo(t, c.query, map[string]any{"in": c.input})
			var payload any
			for _, v := range d {
				payload = v
			}
			errs, _ := testenv.Get(payload, "userErrors").([]any)
			if len(errs) == 0 {
				t.Fatalf("want a %s user error, got none", c.code)
			}
			if got := testenv.Get(errs[0], "code"); got != c.code {
				t.Errorf("code %v, want %s (%v)", got, c.code, errs[0])
			}
			if got := joinPath(testenv.Get(errs[0], "field")); got != c.field {
				t.Errorf("field %s, want %s", got, c.field)
			}
			if testenv.Get(payload, "zone") != nil {
				t.Error("a refused mutation returns no zone")
			}
		})
	}
	// Nothing was written by the refusals.
	d := e.MustDo(t, `{ zones { totalCount } toscana: zones(filter: {istatCode: "09"}) { edges { node { name version parents { name } } } } }`, nil)
	if n := testenv.Get(d, "zones", "totalCount"); n != float64(5) {
		t.Errorf("refused creates wrote zones: %v", n)
	}
	if got := testenv.Get(d, "toscana", "edges", 0, "node"); testenv.Get(got, "name") != "Toscana" || testenv.Get(got, "version") != float64(1) || len(testenv.Get(got, "parents").([]any)) != 0 {
		t.Errorf("refused updates changed Toscana: %v", got)
	}
}

func TestZoneUpdateAndDelete(t *testing.T) {
	e := testenv.Open(t)
	ids := zoneDAG(t, e)
	d := e.MustDo(t, `mutation($in: UpdateZoneInput!) { updateZone(input: $in) { zone { name version istatCode } userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": ids["Grosseto"], "version": 1, "name": "Comune di Grosseto"}})
	if got := testenv.Get(d, "updateZone", "zone"); testenv.Get(got, "name") != "Comune di Grosseto" || testenv.Get(got, "version") != float64(2) || testenv.Get(got, "istatCode") != "053011" {
		t.Errorf("update gave %v", got)
	}
	del := `mutation($in: DeleteZoneInput!) { deleteZone(input: $in) { deletedId userErrors { code message } } }`
	d = e.MustDo(t, del, map[string]any{"in": map[string]any{"id": ids["Provincia di Grosseto"], "version": 1}})
	if got := testenv.Get(d, "deleteZone", "userErrors", 0, "code"); got != "HAS_DEPENDANTS" {
		t.Errorf("deleting a zone with children: %v", d)
	}
	d = e.MustDo(t, del, map[string]any{"in": map[string]any{"id": ids["Grosseto"], "version": 2}})
	if got := testenv.Get(d, "deleteZone", "deletedId"); got != ids["Grosseto"] {
		t.Errorf("deleting a leaf zone: %v", d)
	}
	d = e.MustDo(t, `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": ids["Grosseto"]})
	if d["node"] != nil {
		t.Error("the deleted zone is still there")
	}
}

func TestZonesRefuseBadArguments(t *testing.T) {
	e := testenv.Open(t)
	zoneDAG(t, e)
	cases := []struct{ name, query, code string }{
		{"page over 100", `{ zones(first: 101) { totalCount } }`, "INVALID_PAGINATION"},
		{"negative page", `{ zones(first: -1) { totalCount } }`, "INVALID_PAGINATION"},
		{"first with last", `{ zones(first: 1, last: 1) { totalCount } }`, "INVALID_PAGINATION"},
		{"foreign cursor", `{ zones(first: 1, after: "bm90LW91cnM") { totalCount } }`, "INVALID_CURSOR"},
		{"ID as cursor", `{ zones(first: 1, after: "Wm9uZTp4") { totalCount } }`, "INVALID_CURSOR"},
		{"malformed ID", `{ node(id: "***") { id } }`, "INVALID_ID"},
		{"ID of no type", `{ node(id: "Qm9hdDp4") { id } }`, "INVALID_ID"},
		{"filter on an actor ID", `{ zones(filter: {within: "QWN0b3I6eA"}) { totalCount } }`, "INVALID_ID"},
		{"filter on an unknown zone", `{ zones(filter: {within: "Wm9uZTpub3Bl"}) { totalCount } }`, "NOT_FOUND"},
		{"unknown enum value", `{ zones(filter: {kinds: [PLANET]}) { totalCount } }`, "GRAPHQL_VALIDATION_FAILED"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.Do(t, c.query, nil)
			if r.Code() != c.code {
				t.Errorf("code %q, want %q: %+v", r.Code(), c.code, r.Errors)
			}
		})
	}
}

func joinPath(v any) string {
	s := ""
	for i, p := range v.([]any) {
		if i > 0 {
			s += "."
		}
		s += p.(string)
	}
	return s
}
