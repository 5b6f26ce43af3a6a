package hsds_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"snodo/hsds"
	"snodo/internal/testenv"
	"snodo/model"
)

// openapiDoc reads the OpenAPI the server answers.
func openapiDoc(t *testing.T, h http.Handler) (map[string]any, []byte) {
	t.Helper()
	a := get(h, "/hsds/openapi.json")
	var doc map[string]any
	if a.status != http.StatusOK || json.Unmarshal(a.body, &doc) != nil {
		t.Fatalf("GET /hsds/openapi.json: %d %.200s", a.status, a.body)
	}
	return doc, a.body
}

// pointer resolves a JSON pointer ("#/a/b~1c") in a decoded document.
func pointer(doc any, ref string) (any, bool) {
	at := doc
	for _, tok := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		m, ok := at.(map[string]any)
		if !ok {
			return nil, false
		}
		if at, ok = m[tok]; !ok {
			return nil, false
		}
	}
	return at, true
}

func refs(v any, into *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				*into = append(*into, s)
			}
			refs(x, into)
		}
	case []any:
		for _, x := range v {
			refs(x, into)
		}
	}
}

// The upstream OpenAPI points its answers at Open Referral's schemas on GitHub, which a client
// offline cannot read and which lack the profile: the served one is self-contained, every
// reference inside it and resolving, the profiled schema of every entity in components.
func TestOpenAPIIsSelfContained(t *testing.T) {
	doc, body := openapiDoc(t, demo(t))
	if bytes.Contains(body, []byte("raw.githubusercontent.com")) {
		t.Errorf("the OpenAPI still names Open Referral's published schemas")
	}
	var all []string
	refs(doc, &all)
	if len(all) < 50 {
		t.Fatalf("only %d references: %v", len(all), all)
	}
	for _, ref := range all {
		if !strings.HasPrefix(ref, "#/") {
			t.Errorf("reference outside the document: %s", ref)
		} else if _, ok := pointer(doc, ref); !ok {
			t.Errorf("reference to nothing: %s", ref)
		}
	}
	for _, entity := range []string{"service", "organization", "service_at_location", "taxonomy", "taxonomy_term", "service_area", "service_capacity"} {
		if _, ok := pointer(doc, "#/components/schemas/"+entity+"/properties"); !ok {
			t.Errorf("components.schemas has no %s", entity)
		}
	}
	// the profile's fields are in the schemas the answers are checked against
	if _, ok := pointer(doc, "#/components/schemas/service_area/properties/istat_code"); !ok {
		t.Errorf("the bundled service_area is not the profile's")
	}
	// the bounds the API holds the parameters to, from the constants that hold them
	for name, want := range map[string]float64{"page": hsds.MaxPage, "per_page": hsds.MaxPerPage} {
		if got := testenv.Get(doc, "components", "parameters", name, "schema", "maximum"); got != want {
			t.Errorf("%s: maximum %v, want %v", name, got, want)
		}
	}
	if got := testenv.Get(doc, "components", "parameters", "search", "schema", "maxLength"); got != float64(model.MaxSearchLength) {
		t.Errorf("search: maxLength %v", got)
	}
	if servers, _ := doc["servers"].([]any); len(servers) != 1 || !strings.HasPrefix(testenv.Get(servers[0].(map[string]any), "url").(string), "http://") {
		t.Errorf("servers %v", doc["servers"])
	}
}

// operation is one operation of the OpenAPI: its path and its get object.
type operation struct {
	path string
	get  map[string]any
}

func operations(t *testing.T, doc map[string]any) []operation {
	t.Helper()
	paths, _ := doc["paths"].(map[string]any)
	var out []operation
	for p, item := range paths {
		get, _ := item.(map[string]any)["get"].(map[string]any)
		if get == nil {
			t.Fatalf("%s has no get", p)
		}
		out = append(out, operation{p, get})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out
}

// Upstream gives the list of terms the by-ID operationId and the other way round; every
// operationId is unique, and every link of the answers names one, with its parameter.
func TestOpenAPIOperationIDsAndLinks(t *testing.T) {
	doc, _ := openapiDoc(t, demo(t))
	ids := map[string]string{}
	for _, op := range operations(t, doc) {
		id, _ := op.get["operationId"].(string)
		if prev, dup := ids[id]; dup || id == "" {
			t.Errorf("operationId %q of %s (also %s)", id, op.path, prev)
		}
		ids[id] = op.path
	}
	if ids["getTaxonomyTermById"] != "/taxonomy_terms/{id}" || ids["getPaginatedListOfTaxonomyTerms"] != "/taxonomy_terms" {
		t.Errorf("the taxonomy terms' operationIds: %v", ids)
	}
	links := 0
	for _, op := range operations(t, doc) {
		ls, _ := testenv.Get(op.get, "responses", "200", "links").(map[string]any)
		for name, l := range ls {
			l := l.(map[string]any)
			target := ids[l["operationId"].(string)]
			expr, _ := testenv.Get(l, "parameters", "id").(string)
			if !strings.HasSuffix(target, "/{id}") || !strings.HasPrefix(expr, "$response.body#/") {
				t.Errorf("%s link %s: to %q with id %q", op.path, name, target, expr)
			}
			links++
		}
	}
	if links < 10 {
		t.Errorf("%d links", links)
	}
}

// schemaOf compiles the schema the OpenAPI gives an answer of the operation with this status
// and media type, with its references into the document, formats asserted.
func schemaOf(t *testing.T, body []byte, path, status, media string) *jsonschema.Schema {
	t.Helper()
	esc := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1") }
	return schemaAt(t, body, "#/paths/"+esc(path)+"/get/responses/"+status+"/content/"+esc(media)+"/schema")
}

func validates(s *jsonschema.Schema, body []byte) error {
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		return err
	}
	return s.Validate(v)
}

// Every status the API answers is one the OpenAPI documents for the operation, with its media
// type, and the answer is valid against the schema documented for it. Upstream documents only
// 200: the profile adds the error answers (400 for a bad parameter, 404 for an ID of nothing),
// and a service at a location by ID, which upstream documents with the service's schema, has
// the service at location's.
func TestOpenAPIDocumentsEveryAnswer(t *testing.T) {
	h := demo(t)
	_, body := openapiDoc(t, h)
	var doc map[string]any
	_ = json.Unmarshal(body, &doc)
	byPath := map[string]operation{}
	for _, op := range operations(t, doc) {
		byPath[op.path] = op
	}
	id := func(list string) string { return id(t, h, list) }
	nothing := "00000000-0000-4000-8000-000000000000"
	cases := []struct{ path, target string }{
		{"/", "/hsds/"},
		{"/services", "/hsds/services?per_page=3&full=true"},
		{"/services", "/hsds/services?format=ndjson&minimal=true"},
		{"/services", "/hsds/services?page=0"},
		{"/services/{id}", "/hsds/services/" + id("services")},
		{"/services/{id}", "/hsds/services/" + nothing},
		{"/services/{id}", "/hsds/services/not-a-uuid"},
		{"/service_at_locations", "/hsds/service_at_locations?full=true"},
		{"/service_at_locations", "/hsds/service_at_locations?postcode=58022"},
		{"/service_at_locations/{id}", "/hsds/service_at_locations/" + id("service_at_locations")},
		{"/service_at_locations/{id}", "/hsds/service_at_locations/" + nothing},
		{"/organizations", "/hsds/organizations?per_page=2&full_service=true"},
		{"/organizations", "/hsds/organizations?full=yes"},
		{"/organizations/{id}", "/hsds/organizations/" + id("organizations") + "?full_service=true"},
		{"/organizations/{id}", "/hsds/organizations/" + id("organizations") + "?full_service="},
		{"/organizations/{id}", "/hsds/organizations/" + nothing},
		{"/taxonomies", "/hsds/taxonomies?format=ndjson"},
		{"/taxonomies", "/hsds/taxonomies?search=" + strings.Repeat("x", 201)},
		{"/taxonomies/{id}", "/hsds/taxonomies/" + id("taxonomies")},
		{"/taxonomies/{id}", "/hsds/taxonomies/" + nothing},
		{"/taxonomy_terms", "/hsds/taxonomy_terms?top_only=true"},
		{"/taxonomy_terms", "/hsds/taxonomy_terms?parent_id="},
		{"/taxonomy_terms/{id}", "/hsds/taxonomy_terms/" + id("taxonomy_terms")},
		{"/taxonomy_terms/{id}", "/hsds/taxonomy_terms/" + nothing},
	}
	statuses := map[string]bool{}
	for _, c := range cases {
		a := get(h, c.target)
		statuses[http.StatusText(a.status)] = true
		media := strings.TrimSpace(strings.Split(a.header.Get("Content-Type"), ";")[0])
		key := httpStatus(a.status)
		if _, documented := testenv.Get(byPath[c.path].get, "responses", key).(map[string]any); !documented {
			t.Errorf("GET %s: %d is not documented for %s", c.target, a.status, c.path)
			continue
		}
		resp := resolve(t, doc, testenv.Get(byPath[c.path].get, "responses", key).(map[string]any))
		if _, documented := testenv.Get(resp, "content", media).(map[string]any); !documented {
			t.Errorf("GET %s: %d %s is not a documented media type", c.target, a.status, media)
			continue
		}
		var s *jsonschema.Schema
		if ref, isRef := testenv.Get(byPath[c.path].get, "responses", key, "$ref").(string); isRef {
			// a shared answer (components.responses): compile it where it is
			s = schemaAt(t, body, ref+"/content/"+strings.ReplaceAll(media, "/", "~1")+"/schema")
		} else {
			s = schemaOf(t, body, c.path, key, media)
		}
		payload := a.body
		if media == "application/x-ndjson" {
			payload = ndjsonArray(t, a.body)
		}
		if err := validates(s, payload); err != nil {
			t.Errorf("GET %s: %d not valid against its documented schema: %v", c.target, a.status, err)
		}
	}
	if len(statuses) != 3 {
		t.Errorf("the cases answered %v: want 200, 400 and 404", statuses)
	}
	// Upstream's schema of a service at a location by ID was the service's, which it is not.
	sal := get(h, "/hsds/service_at_locations/"+id("service_at_locations"))
	if err := validates(schemaAt(t, body, "#/components/schemas/service"), sal.body); err == nil {
		t.Errorf("a service at a location is valid as a service: the test of the fix tests nothing")
	}
}

func httpStatus(code int) string {
	b, _ := json.Marshal(code)
	return string(b)
}

// resolve follows an answer's $ref into components.responses.
func resolve(t *testing.T, doc map[string]any, resp map[string]any) map[string]any {
	t.Helper()
	ref, isRef := resp["$ref"].(string)
	if !isRef {
		return resp
	}
	at, ok := pointer(doc, ref)
	if !ok {
		t.Fatalf("no %s", ref)
	}
	return at.(map[string]any)
}

// schemaAt compiles the schema at a JSON pointer of the OpenAPI.
func schemaAt(t *testing.T, body []byte, ref string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	const base = "https://snodo.invalid/hsds/openapi.json"
	if err := c.AddResource(base, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(base + ref)
	if err != nil {
		t.Fatalf("%s: %v", ref, err)
	}
	return s
}

// ndjsonArray reads an ndjson stream as the JSON array of its lines, as the OpenAPI describes it.
func ndjsonArray(t *testing.T, body []byte) []byte {
	t.Helper()
	var items []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		items = append(items, append(json.RawMessage(nil), sc.Bytes()...))
	}
	if len(items) == 0 {
		t.Fatalf("empty ndjson")
	}
	b, _ := json.Marshal(items)
	return b
}

// A typed parameter given without a value is refused, not read as absent: a filter a client
// meant to apply is never dropped. An empty search is a search for anything.
func TestEmptyParametersAreRefused(t *testing.T) {
	h := demo(t)
	for _, target := range []string{
		"/hsds/services?taxonomy_term_id=", "/hsds/services?taxonomy_id=", "/hsds/services?organization_id=",
		"/hsds/services?page=", "/hsds/services?per_page=", "/hsds/services?full=", "/hsds/services?minimal=",
		"/hsds/services?format=", "/hsds/services?modified_after=", "/hsds/service_at_locations?taxonomy_term_id=",
		"/hsds/organizations?full_service=", "/hsds/taxonomy_terms?parent_id=", "/hsds/taxonomy_terms?top_only=",
		"/hsds/organizations/" + id(t, h, "organizations") + "?full_service=",
	} {
		badRequest(t, h, target, "not empty")
	}
	if items := envelope(t, "search=", ok(t, h, "/hsds/services?search=&per_page=5"), 1, 5); len(items) != 5 {
		t.Errorf("an empty search found %d", len(items))
	}
}

// A boolean is true or false, as the OpenAPI writes it (and the documentation says), not any
// of the spellings Go's strconv.ParseBool reads.
func TestBooleansAreTrueOrFalse(t *testing.T) {
	h := demo(t)
	for _, v := range []string{"1", "0", "t", "F", "TRUE", "False", "yes"} {
		badRequest(t, h, "/hsds/services?full="+v, "true or false")
		badRequest(t, h, "/hsds/taxonomy_terms?top_only="+v, "true or false")
	}
	full := ok(t, h, "/hsds/services?full=true&per_page=1")
	plain := ok(t, h, "/hsds/services?full=false&per_page=1")
	if len(mustJSON(full)) <= len(mustJSON(plain)) {
		t.Errorf("full=true is not fuller than full=false")
	}
}

// Every list checks a search by the one rule of searches (model.Check.Search), before any
// query: the taxonomies, searched in memory, used not to.
func TestSearchIsCheckedOnEveryList(t *testing.T) {
	h := demo(t)
	for _, list := range []string{"services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"} {
		for bad, why := range map[string]string{
			strings.Repeat("a", 201):          "at most 200 characters",
			strings.Repeat("w ", 17):          "at most 16 words",
			"antitratta\x10":                  "control characters",
			"a\u202Eb":                        "bidirectional",
			strings.Repeat("é", 200) + "\x00": "at most 200 characters",
		} {
			badRequest(t, h, "/hsds/"+list+"?search="+url.QueryEscape(bad), "search: ")
			badRequest(t, h, "/hsds/"+list+"?search="+url.QueryEscape(bad), why)
		}
	}
	if items := envelope(t, "taxonomies", ok(t, h, "/hsds/taxonomies?search=bisogni"), 1, 50); len(items) != 1 {
		t.Errorf("search=bisogni: %d taxonomies", len(items))
	}
}

// HSDS's postcode and proximity filters need a postcode's area or centroid, which Snodo does not
// keep: they are refused rather than ignored, and the served OpenAPI does not offer them.
func TestPostcodeAndProximityAreRefused(t *testing.T) {
	h := demo(t)
	badRequest(t, h, "/hsds/service_at_locations?postcode=58022", "postcode is not supported")
	badRequest(t, h, "/hsds/service_at_locations?proximity=1000&postcode=58022", "not supported")
	badRequest(t, h, "/hsds/service_at_locations?proximity=1000", "proximity is not supported")
	doc, body := openapiDoc(t, h)
	if bytes.Contains(body, []byte(`"postcode"`)) || bytes.Contains(body, []byte(`"proximity"`)) {
		t.Errorf("the OpenAPI still offers postcode or proximity")
	}
	params, _ := testenv.Get(doc, "paths", "/service_at_locations", "get", "parameters").([]any)
	if len(params) != 9 {
		t.Errorf("service_at_locations has %d parameters: %v", len(params), params)
	}
}

func id(t *testing.T, h http.Handler, list string) string {
	t.Helper()
	items, _ := ok(t, h, "/hsds/"+list+"?per_page=1")["contents"].([]any)
	if len(items) == 0 {
		t.Fatalf("%s: empty", list)
	}
	return items[0].(map[string]any)["id"].(string)
}

// badRequest wants 400 BAD_USER_INPUT with a message holding want.
func badRequest(t *testing.T, h http.Handler, target, want string) {
	t.Helper()
	a := get(h, target)
	var m map[string]any
	if a.status != http.StatusBadRequest || json.Unmarshal(a.body, &m) != nil || m["code"] != "BAD_USER_INPUT" ||
		!strings.Contains(m["message"].(string), want) {
		t.Errorf("GET %s: %d %s; want 400 BAD_USER_INPUT saying %q", target, a.status, a.body, want)
	}
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
