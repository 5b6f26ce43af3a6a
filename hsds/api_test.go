package hsds_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"snodo/hsds"
	"snodo/internal/testenv"
	"snodo/seed"
	"snodo/server"
)

// The demo network, with an address given to one public service and to the confidential
// emergency shelter (which has hours and places too), behind the whole server.
var (
	demoOnce sync.Once
	demoH    http.Handler
	demoErr  error
)

const (
	secretAddress = "Via Nascosta 7, 50100 Firenze (FI)"
	publicAddress = "Via Roma 1, 58022 Follonica (GR)"
)

var (
	shelterID = seed.ID("Service", "satis-pronta-accoglienza")
	publicID  = seed.ID("Service", "satis-valutazione")
)

func demo(t *testing.T) http.Handler {
	t.Helper()
	demoOnce.Do(func() {
		e := testenv.Open(t)
		if _, demoErr = seed.Load(context.Background(), e.Store, seed.Demo()); demoErr != nil {
			return
		}
		e.Query(t, `MATCH (s:Service {id: $id}) SET s.address = $a`, map[string]any{"id": shelterID, "a": secretAddress})
		e.Query(t, `MATCH (s:Service {id: $id}) SET s.address = $a, s.openingHours = ['MON 09:00-13:00'], s.capacity = 4, s.freePlaces = 1,
			s.placesUpdatedAt = datetime()`, map[string]any{"id": publicID, "a": publicAddress})
		demoH = server.New(e.Store, server.Options{Logger: slog.New(slog.DiscardHandler), Verifier: testenv.Verifier(),
			CORSOrigins: []string{"https://app.example"}, RatePerSecond: 1e6, RateBurst: 1e6})
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoH
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func get(h http.Handler, target string, header ...string) answer {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// ok gets the target and decodes its 200 JSON answer.
func ok(t *testing.T, h http.Handler, target string, header ...string) map[string]any {
	t.Helper()
	a := get(h, target, header...)
	if a.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, a.status, a.body)
	}
	var m map[string]any
	if err := json.Unmarshal(a.body, &m); err != nil {
		t.Fatalf("GET %s: not a JSON object: %s", target, a.body)
	}
	return m
}

// valid fails the test when the object is not valid against the entity's schema.
func valid(t *testing.T, v *hsds.Validator, where, entity string, object any) {
	t.Helper()
	b, _ := json.Marshal(object)
	problems, err := v.Validate(entity, b)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s at %s: %s", where, entity, p.Field, p.Message)
	}
}

// envelope checks the paging envelope of a list and returns its items.
func envelope(t *testing.T, where string, m map[string]any, page, perPage int) []any {
	t.Helper()
	for _, k := range []string{"total_items", "total_pages", "page_number", "size"} {
		if _, ok := m[k].(float64); !ok {
			t.Fatalf("%s: %s is not a number: %v", where, k, m[k])
		}
	}
	for _, k := range []string{"first_page", "last_page", "empty"} {
		if _, ok := m[k].(bool); !ok {
			t.Fatalf("%s: %s is not a boolean: %v", where, k, m[k])
		}
	}
	items, isList := m["contents"].([]any)
	if !isList {
		t.Fatalf("%s: contents is not an array: %v", where, m["contents"])
	}
	total := int(m["total_items"].(float64))
	pages := int(math.Ceil(float64(total) / float64(perPage)))
	want := max(0, min(perPage, total-(page-1)*perPage))
	if int(m["total_pages"].(float64)) != pages || int(m["page_number"].(float64)) != page || int(m["size"].(float64)) != len(items) ||
		len(items) != want || m["first_page"] != (page == 1) || m["last_page"] != (page >= pages) || m["empty"] != (total == 0) {
		t.Errorf("%s: envelope %v with %d items; want page %d of %d, %d items", where,
			map[string]any{"total_items": m["total_items"], "total_pages": m["total_pages"], "page_number": m["page_number"], "size": m["size"],
				"first_page": m["first_page"], "last_page": m["last_page"], "empty": m["empty"]}, len(items), page, pages, want)
	}
	return items
}

func TestRootNamesVersionProfileAndOpenAPI(t *testing.T) {
	h := demo(t)
	root := ok(t, h, "/hsds/")
	if root["version"] != hsds.Version {
		t.Errorf("version %v", root["version"])
	}
	for _, k := range []string{"profile", "openapi_url"} {
		u, err := url.Parse(fmt.Sprint(root[k]))
		if err != nil || !u.IsAbs() {
			t.Fatalf("%s is not an absolute URL: %v", k, root[k])
		}
		if _, ok := ok(t, h, u.Path)["openapi"]; k == "openapi_url" && !ok {
			t.Errorf("%s does not lead to an OpenAPI document", k)
		}
	}
	api := ok(t, h, "/hsds/openapi.json")
	if title := testenv.Get(api, "info", "title"); title != "Snodo HSDS API (Italian profile)" {
		t.Errorf("the OpenAPI is not profiled: title %v", title)
	}
	if paths, _ := api["paths"].(map[string]any); paths["/services/{id}"] == nil {
		t.Errorf("the OpenAPI lost its paths")
	}
	profile := ok(t, h, "/hsds/profile/")
	patches, _ := profile["patches"].([]any)
	if len(patches) != len(hsds.ProfileFiles()) || len(patches) == 0 {
		t.Fatalf("the profile names %v", patches)
	}
	for _, p := range patches {
		u, _ := url.Parse(p.(string))
		ok(t, h, u.Path)
	}
	if a := get(h, "/hsds/profile/../schema/service.json"); a.status == http.StatusOK {
		t.Errorf("the profile serves files outside it")
	}
}

// Every list and every object the API answers is valid against the HSDS schemas with the
// profile, page after page; each service, organization, term and taxonomy is also read by ID.
func TestEveryAnswerIsValid(t *testing.T) {
	h, v := demo(t), validator(t)
	lists := []struct{ path, entity string }{
		{"/hsds/services", "service"}, {"/hsds/services?full=true", "service"},
		{"/hsds/service_at_locations", "service_at_location"}, {"/hsds/service_at_locations?full=true", "service_at_location"},
		{"/hsds/organizations", "organization"}, {"/hsds/organizations?full_service=true", "organization"},
		{"/hsds/taxonomies", "taxonomy"}, {"/hsds/taxonomy_terms", "taxonomy_term"},
	}
	byID := map[string]string{"service": "/hsds/services/", "organization": "/hsds/organizations/",
		"taxonomy": "/hsds/taxonomies/", "taxonomy_term": "/hsds/taxonomy_terms/", "service_at_location": "/hsds/service_at_locations/"}
	counts := map[string]int{}
	for _, l := range lists {
		sep := "?"
		if strings.Contains(l.path, "?") {
			sep = "&"
		}
		for page := 1; ; page++ {
			target := fmt.Sprintf("%s%spage=%d&per_page=100", l.path, sep, page)
			m := ok(t, h, target)
			items := envelope(t, target, m, page, 100)
			for i, it := range items {
				valid(t, v, fmt.Sprintf("%s item %d", target, i), l.entity, it)
				if strings.Contains(l.path, "?") {
					continue
				}
				counts[l.entity]++
				id := it.(map[string]any)["id"].(string)
				if l.entity == "organization" && counts[l.entity] > 40 || l.entity == "service" && counts[l.entity] > 120 {
					continue // enough of them one by one
				}
				one := ok(t, h, byID[l.entity]+id)
				if one["id"] != id {
					t.Errorf("%s%s answers %v", byID[l.entity], id, one["id"])
				}
				valid(t, v, byID[l.entity]+id, l.entity, one)
			}
			if m["last_page"] == true {
				break
			}
		}
	}
	placed := testenv.OpenAsIs(t).Query(t, `MATCH (s:Service) WHERE (s.address IS NOT NULL OR s.latitude IS NOT NULL)
		AND NOT coalesce(s.confidential, false) RETURN count(s) AS n`, nil)[0].AsMap()["n"].(int64)
	if counts["service"] < 100 || counts["organization"] < 50 || counts["taxonomy"] != 2 || counts["taxonomy_term"] < 20 || int64(counts["service_at_location"]) != placed {
		t.Errorf("the demo's directory as HSDS: %v", counts)
	}
	// The public service's parts, profiled fields included, are there and valid.
	s := ok(t, h, "/hsds/services/"+publicID)
	for _, k := range []string{"schedules", "service_areas", "capacities", "attributes", "service_at_locations", "languages", "organization"} {
		if s[k] == nil {
			t.Errorf("the full service has no %s: %v", k, s)
		}
	}
	if c := testenv.Get(s, "capacities", 0); testenv.Get(c, "available") != 1.0 || testenv.Get(c, "maximum") != 4.0 || testenv.Get(c, "updated") == nil {
		t.Errorf("capacity %v", c)
	}
	if a := testenv.Get(s, "service_areas", 0); testenv.Get(a, "istat_code") == nil || testenv.Get(a, "zone_kind") != "REGION" {
		t.Errorf("area %v", a)
	}
	if addr := testenv.Get(s, "service_at_locations", 0, "location", "addresses", 0); testenv.Get(addr, "postal_code") != "58022" ||
		testenv.Get(addr, "city") != "Follonica" || testenv.Get(addr, "state_province") != "GR" {
		t.Errorf("address %v", addr)
	}
}

// A confidential service is published as it exists, with what it offers and its provider, but
// never its address, hours or places: not by ID, not in a list, not as a location, not in
// ndjson, and not to a network token either, since the API answers everyone as anonymous.
func TestConfidentialServiceHidesItsPlace(t *testing.T) {
	h := demo(t)
	e := testenv.OpenAsIs(t)
	rec := e.Query(t, "MATCH (s:Service {id: $id}) RETURN s.latitude AS lat", map[string]any{"id": shelterID})
	lat, found := rec[0].AsMap()["lat"].(float64)
	if !found {
		t.Fatalf("the demo shelter has no coordinates to hide")
	}
	shelterLatitude, _ := json.Marshal(lat)
	admin := "Bearer " + testenv.Token(testenv.Admin)
	for _, header := range [][]string{nil, {"Authorization", admin}} {
		s := ok(t, h, "/hsds/services/"+shelterID, header...)
		if s["name"] == nil || s["organization"] == nil || s["snodo_confidential"] != true || s["attributes"] == nil {
			t.Errorf("the shelter is not published as it exists: %v", s)
		}
		for _, k := range []string{"schedules", "capacities", "service_at_locations"} {
			if s[k] != nil {
				t.Errorf("the confidential shelter shows %s: %v", k, s[k])
			}
		}
		if a := get(h, "/hsds/service_at_locations/"+shelterID, header...); a.status != http.StatusNotFound {
			t.Errorf("the shelter's location answers %d", a.status)
		}
		for _, target := range []string{"/hsds/services?format=ndjson&full=true", "/hsds/service_at_locations?format=ndjson&full=true",
			"/hsds/organizations?full_service=true&per_page=100", "/hsds/services?full=true&per_page=100&search=accoglienza"} {
			if a := get(h, target, header...); bytes.Contains(a.body, []byte("Nascosta")) || bytes.Contains(a.body, shelterLatitude) || a.status != http.StatusOK {
				t.Errorf("%s (%d) shows the shelter's address or coordinates", target, a.status)
			}
		}
	}
}

// The Open Referral UK validator's level 1: the root, paging of /services with the envelope,
// a service by the ID the list gave, and the lists of every other endpoint.
func TestORUKLevel1(t *testing.T) {
	h := demo(t)
	if ok(t, h, "/hsds/")["version"] == nil {
		t.Fatal("no version")
	}
	first := ok(t, h, "/hsds/services?page=1&per_page=5")
	items := envelope(t, "page 1", first, 1, 5)
	second := ok(t, h, "/hsds/services?page=2&per_page=5")
	more := envelope(t, "page 2", second, 2, 5)
	if second["first_page"] != false || first["total_items"] != second["total_items"] {
		t.Errorf("page 2: %v", second)
	}
	seen := map[any]bool{}
	for _, it := range append(items, more...) {
		id := it.(map[string]any)["id"]
		if seen[id] {
			t.Errorf("%v on two pages", id)
		}
		seen[id] = true
	}
	total := int(first["total_items"].(float64))
	last := int(first["total_pages"].(float64))
	end := ok(t, h, fmt.Sprintf("/hsds/services?page=%d&per_page=5", last))
	envelope(t, "last page", end, last, 5)
	beyond := ok(t, h, fmt.Sprintf("/hsds/services?page=%d&per_page=5", last+1))
	if len(beyond["contents"].([]any)) != 0 || beyond["last_page"] != true {
		t.Errorf("past the last page: %v", beyond)
	}
	id := items[0].(map[string]any)["id"].(string)
	if s := ok(t, h, "/hsds/services/"+id); s["id"] != id || s["name"] != items[0].(map[string]any)["name"] {
		t.Errorf("the service by ID is not the list's: %v", s["id"])
	}
	for _, p := range []string{"/hsds/organizations", "/hsds/taxonomies", "/hsds/taxonomy_terms", "/hsds/service_at_locations"} {
		envelope(t, p, ok(t, h, p+"?per_page=3"), 1, 3)
	}
	for _, missing := range []string{"/hsds/services/00000000-0000-4000-8000-000000000000", "/hsds/services/not-a-uuid",
		"/hsds/organizations/00000000-0000-4000-8000-000000000000", "/hsds/taxonomy_terms/00000000-0000-4000-8000-000000000000",
		"/hsds/taxonomies/00000000-0000-4000-8000-000000000000", "/hsds/nowhere"} {
		a := get(h, missing)
		var m map[string]any
		if a.status != http.StatusNotFound || json.Unmarshal(a.body, &m) != nil || m["code"] != "NOT_FOUND" {
			t.Errorf("%s: %d %s", missing, a.status, a.body)
		}
	}
	if total < 100 {
		t.Errorf("only %d services", total)
	}
}

// The query parameters of the OpenAPI filter what they say, and bad ones are refused with 400
// and a code before any query runs.
func TestQueryParameters(t *testing.T) {
	h := demo(t)
	all := ok(t, h, "/hsds/services?per_page=1")["total_items"].(float64)
	ids := func(target string) []map[string]any {
		t.Helper()
		var out []map[string]any
		for _, it := range ok(t, h, target)["contents"].([]any) {
			out = append(out, it.(map[string]any))
		}
		return out
	}
	// organization_id
	org := seed.ID("Actor", "satis")
	for _, s := range ids("/hsds/services?per_page=100&organization_id=" + org) {
		if s["organization_id"] != org {
			t.Errorf("organization_id: %v", s["organization_id"])
		}
	}
	// taxonomy_term_id: a need, with its narrower needs; a category
	need := seed.ID("Need", "protection")
	found := ids("/hsds/services?per_page=100&full=true&taxonomy_term_id=" + need)
	if len(found) == 0 || float64(len(found)) >= all {
		t.Errorf("taxonomy_term_id %s gave %d of %v", need, len(found), all)
	}
	for _, s := range found {
		var under bool
		for _, a := range s["attributes"].([]any) {
			if code, _ := testenv.Get(a, "taxonomy_term", "code").(string); code == "protection" || strings.HasPrefix(code, "protection.") {
				under = true
			}
		}
		if !under {
			t.Errorf("%v meets no protection need", s["name"])
		}
	}
	// taxonomy_id: both taxonomies, and an unknown one
	if n := ok(t, h, "/hsds/services?per_page=1&taxonomy_id="+hsds.CatalogueTaxonomy.ID)["total_items"]; n != all {
		t.Errorf("every service is in the catalogue, got %v of %v", n, all)
	}
	if n := ok(t, h, "/hsds/services?taxonomy_id=00000000-0000-4000-8000-000000000000")["total_items"]; n != 0.0 {
		t.Errorf("unknown taxonomy: %v", n)
	}
	terms := ok(t, h, "/hsds/taxonomy_terms?per_page=100&taxonomy_id="+hsds.NeedTaxonomy.ID+"&top_only=true")
	for _, term := range terms["contents"].([]any) {
		if testenv.Get(term, "parent_id") != nil || testenv.Get(term, "taxonomy_id") != hsds.NeedTaxonomy.ID {
			t.Errorf("top_only need: %v", term)
		}
	}
	children := ok(t, h, "/hsds/taxonomy_terms?per_page=100&parent_id="+need)["contents"].([]any)
	if len(children) == 0 {
		t.Error("parent_id found no narrower need")
	}
	// search
	for _, s := range ids("/hsds/services?per_page=100&search=antitratta") {
		if !strings.Contains(strings.ToLower(fmt.Sprint(s["name"], s["description"], s["eligibility_description"])), "antitratta") {
			t.Errorf("search: %v", s["name"])
		}
	}
	// modified_after
	if n := ok(t, h, "/hsds/services?modified_after=2999-01-01T00:00:00Z")["total_items"]; n != 0.0 {
		t.Errorf("modified_after the future: %v", n)
	}
	if n := ok(t, h, "/hsds/services?per_page=1&modified_after=2000-01-01")["total_items"]; n != all {
		t.Errorf("modified_after 2000: %v", n)
	}
	// minimal
	for _, s := range ids("/hsds/services?minimal=true&per_page=3") {
		if len(s) != 4 || s["id"] == nil || s["last_modified"] == nil {
			t.Errorf("minimal: %v", s)
		}
	}
	// ndjson: every service, one a line, no envelope
	a := get(h, "/hsds/services?format=ndjson")
	if a.header.Get("Content-Type") != "application/x-ndjson" {
		t.Errorf("ndjson Content-Type %q", a.header.Get("Content-Type"))
	}
	lines := 0
	for sc := bufio.NewScanner(bytes.NewReader(a.body)); sc.Scan(); lines++ {
		var s map[string]any
		if json.Unmarshal(sc.Bytes(), &s) != nil || s["id"] == nil {
			t.Fatalf("ndjson line %d: %s", lines, sc.Bytes())
		}
	}
	if float64(lines) != all {
		t.Errorf("ndjson gave %d of %v services", lines, all)
	}
	// bounded inputs
	for _, bad := range []string{"page=0", "page=x", "per_page=101", "per_page=0", "page=1000001", "full=maybe",
		"taxonomy_term_id=abc", "organization_id=1", "modified_after=yesterday", "format=xml",
		"search=" + strings.Repeat("a", 201), "search=" + url.QueryEscape(strings.Repeat("w ", 17))} {
		a := get(h, "/hsds/services?"+bad)
		var m map[string]any
		if a.status != http.StatusBadRequest || json.Unmarshal(a.body, &m) != nil || m["code"] != "BAD_USER_INPUT" {
			t.Errorf("%s: %d %s", bad, a.status, a.body)
		}
	}
}

// Any origin may read the API, preflight included, even when the GraphQL API admits only the
// web app's origin; the API is read-only.
func TestOpenToAnyOriginReadOnly(t *testing.T) {
	h := demo(t)
	a := get(h, "/hsds/services?per_page=1", "Origin", "https://elsewhere.example")
	if a.header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("GET: Access-Control-Allow-Origin %q", a.header.Get("Access-Control-Allow-Origin"))
	}
	req := httptest.NewRequest(http.MethodOptions, "/hsds/services", nil)
	req.Header.Set("Origin", "https://elsewhere.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Header().Get("Access-Control-Allow-Origin") != "*" || rec.Code >= 300 {
		t.Errorf("preflight: %d, %v", rec.Code, rec.Header())
	}
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
		req := httptest.NewRequest(m, "/hsds/services", strings.NewReader("{}"))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: %d", m, rec.Code)
		}
	}
	// GraphQL keeps its own origins.
	gq := get(h, "/graphql?query=%7B__typename%7D", "Origin", "https://elsewhere.example")
	if gq.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GraphQL answers a foreign origin: %q", gq.header.Get("Access-Control-Allow-Origin"))
	}
}

// A service's and an organization's coordinates are their HSDS location's latitude and
// longitude, as stored.
func TestLocationsCarryCoordinates(t *testing.T) {
	h := demo(t)
	e := testenv.OpenAsIs(t)
	rec := e.Query(t, "MATCH (s:Service {id: $id})<-[:PROVIDES]-(a:Actor) RETURN s.latitude AS lat, s.longitude AS lon, a.id AS org, a.latitude AS alat",
		map[string]any{"id": publicID})
	want := rec[0].AsMap()
	loc := testenv.Get(ok(t, h, "/hsds/service_at_locations/"+publicID), "location")
	if testenv.Get(loc, "latitude") != want["lat"] || testenv.Get(loc, "longitude") != want["lon"] {
		t.Errorf("the service's location is %v, stored at %v, %v", loc, want["lat"], want["lon"])
	}
	org := ok(t, h, "/hsds/organizations/"+want["org"].(string))
	if got := testenv.Get(org, "locations", 0, "latitude"); got != want["alat"] {
		t.Errorf("the organization's latitude is %v, stored %v", got, want["alat"])
	}
}
