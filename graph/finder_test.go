package graph_test

import (
	"fmt"
	"sync"
	"testing"

	"snodo/internal/testenv"
)

// finderNetwork adds services to the zone DAG of zoneDAG: Follonica lies in the province of
// Grosseto and in the Colline Metallifere district, both in Toscana.
func finderNetwork(t *testing.T, e *testenv.Env) map[string]string {
	t.Helper()
	ids := zoneDAG(t, e)
	for k, v := range taxonomy(t, e) {
		ids[k] = v
	}
	actor := mutate(t, e, "createActor", "CreateActorInput", map[string]any{"name": "Provider", "kind": "COOPERATIVE", "zoneIds": []string{ids["Toscana"]}}, "actor { id }")
	ids["provider"] = testenv.Get(actor, "actor", "id").(string)
	service := func(name string, fields map[string]any) {
		in := map[string]any{"providerId": ids["provider"], "name": name, "categoryId": ids["training_work"], "channel": "DESK", "lastVerifiedAt": "2026-09-01"}
		for k, v := range fields {
			in[k] = v
		}
		d := mutate(t, e, "createService", "CreateServiceInput", in, "service { id }")
		ids[name] = testenv.Get(d, "service", "id").(string)
	}
	service("Regional helpline", map[string]any{"channel": "HELPLINE", "needIds": []string{ids["work"]}, "zoneIds": []string{ids["Toscana"]}})
	service("District job club", map[string]any{"needIds": []string{ids["work.placement"]}, "zoneIds": []string{ids["Colline Metallifere"]}})
	service("Follonica work desk", map[string]any{"needIds": []string{ids["work.placement"]}, "zoneIds": []string{ids["Follonica"]},
		"minAge": 18, "legalStatuses": []string{"SPECIAL_PROTECTION"}, "languages": []string{"it"},
		"openingHours": []map[string]any{{"day": "MON", "opens": "09:00", "closes": "13:00"}}})
	service("Old desk", map[string]any{"needIds": []string{ids["work"]}, "zoneIds": []string{ids["Grosseto"]}, "lastVerifiedAt": "2020-01-01"})
	service("Archived desk", map[string]any{"needIds": []string{ids["work"]}, "zoneIds": []string{ids["Toscana"]}, "status": "ARCHIVED"})
	service("Suspended desk", map[string]any{"needIds": []string{ids["work"]}, "zoneIds": []string{ids["Toscana"]}, "status": "SUSPENDED"})
	service("Full shelter", map[string]any{"channel": "SHELTER", "categoryId": ids["housing_mobility"], "needIds": []string{ids["housing.shelter"]},
		"zoneIds": []string{ids["Provincia di Grosseto"]}, "capacity": 2, "freePlaces": 0})
	service("Open shelter", map[string]any{"channel": "SHELTER", "categoryId": ids["housing_mobility"], "needIds": []string{ids["housing.shelter"]},
		"zoneIds": []string{ids["Follonica"]}, "capacity": 10, "freePlaces": 10})
	return ids
}

const findQuery = `query($in: FindServicesInput!, $first: Int, $after: String) { findServices(input: $in, first: $first, after: $after) {
	totalCount pageInfo { hasNextPage endCursor }
	edges { node { service { name } coverage throughZone { name } matchedNeed { code } reasons barriers { code message } stale placesAgeHours } } } }`

// matches returns the matches of a findServices answer by service name.
func matches(d map[string]any) (names []string, byName map[string]any) {
	byName = map[string]any{}
	for _, e := range testenv.Get(d, "findServices", "edges").([]any) {
		name := testenv.Get(e, "node", "service", "name").(string)
		names = append(names, name)
		byName[name] = testenv.Get(e, "node")
	}
	return names, byName
}

func TestFindServicesCoverageThroughTheZoneGraph(t *testing.T) {
	e := testenv.Open(t)
	ids := finderNetwork(t, e)

	d := e.MustDo(t, findQuery, map[string]any{"in": map[string]any{"needId": ids["work"], "zoneId": ids["Follonica"]}})
	names, m := matches(d)
	if len(names) != 3 {
		t.Fatalf("work in Follonica: want 3 active services (not the archived, suspended or Grosseto ones), got %v", names)
	}
	for name, want := range map[string][2]string{
		"Regional helpline":   {"FULL", "Toscana"},             // inherited from the region
		"District job club":   {"FULL", "Colline Metallifere"}, // through the district, the other parent
		"Follonica work desk": {"FULL", "Follonica"},
	} {
		if got := m[name]; testenv.Get(got, "coverage") != want[0] || testenv.Get(got, "throughZone", "name") != want[1] {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if got := testenv.Get(m["District job club"], "matchedNeed", "code"); got != "work.placement" {
		t.Errorf("a narrower need matches and says so: %v", got)
	}

	// From the province, the Follonica desk covers only part of it, and says so.
	d = e.MustDo(t, findQuery, map[string]any{"in": map[string]any{"needId": ids["work"], "zoneId": ids["Provincia di Grosseto"]}})
	names, m = matches(d)
	if got := m["Follonica work desk"]; testenv.Get(got, "coverage") != "PARTIAL" || testenv.Get(got, "throughZone", "name") != "Follonica" {
		t.Errorf("the Follonica desk covers part of the province: %v", got)
	}
	// The district overlaps the province (both hold Follonica) but neither contains the other:
	// a service declared for the whole district is not claimed for the province.
	if got, ok := m["District job club"]; ok {
		t.Errorf("a district beside the province does not cover it: %v", got)
	}
	if got := m["Old desk"]; testenv.Get(got, "stale") != true || testenv.Get(got, "coverage") != "PARTIAL" {
		t.Errorf("a record not verified since 2020 is stale: %v", got)
	}
	if names[0] != "Regional helpline" {
		t.Errorf("full coverage ranks first: %v", names)
	}
	if names[len(names)-1] != "Old desk" {
		t.Errorf("among partial matches, the stale record comes last: %v", names)
	}

	// A zone with no services is an empty answer, not an error: Grosseto has no housing.
	d = e.MustDo(t, findQuery, map[string]any{"in": map[string]any{"needId": ids["housing"], "zoneId": ids["Grosseto"]}})
	if names, _ := matches(d); len(names) != 1 || names[0] != "Full shelter" {
		t.Errorf("housing in Grosseto: only the province's shelter, got %v", names)
	}
}

func TestFindServicesEligibilityAndPlaces(t *testing.T) {
	e := testenv.Open(t)
	ids := finderNetwork(t, e)
	person := map[string]any{"age": 16, "legalStatus": "RESIDENCE_PERMIT", "languages": []string{"ar"}, "missingDocuments": true}
	d := e.MustDo(t, findQuery, map[string]any{"in": map[string]any{
		"needId": ids["work.placement"], "zoneId": ids["Follonica"], "person": person, "openAt": "2026-11-22T10:00:00+01:00", // a Sunday
	}})
	names, m := matches(d)
	if len(names) != 2 || names[0] != "District job club" {
		t.Fatalf("the club, with no barrier, ranks before the desk: %v", names)
	}
	codes := map[string]bool{}
	for _, b := range testenv.Get(m["Follonica work desk"], "barriers").([]any) {
		codes[testenv.Get(b, "code").(string)] = true
	}
	for _, c := range []string{"AGE", "LEGAL_STATUS", "LANGUAGE", "CLOSED"} {
		if !codes[c] {
			t.Errorf("the desk should be barred by %s: %v", c, testenv.Get(m["Follonica work desk"], "barriers"))
		}
	}
	// Open on Monday morning, for an adult with the right permit who speaks Italian: no barrier.
	d = e.MustDo(t, findQuery, map[string]any{"in": map[string]any{
		"needId": ids["work.placement"], "zoneId": ids["Follonica"], "openAt": "2026-11-23T10:00:00+01:00",
		"person": map[string]any{"age": 30, "legalStatus": "SPECIAL_PROTECTION", "languages": []string{"it", "ar"}},
	}})
	if _, m := matches(d); len(testenv.Get(m["Follonica work desk"], "barriers").([]any)) != 0 {
		t.Errorf("no barrier for an eligible person at opening time: %v", m["Follonica work desk"])
	}

	d = e.MustDo(t, findQuery, map[string]any{"in": map[string]any{"needId": ids["housing"], "zoneId": ids["Follonica"]}})
	names, m = matches(d)
	if len(names) != 2 || names[0] != "Open shelter" || testenv.Get(m["Full shelter"], "barriers", 0, "code") != "NO_FREE_PLACES" {
		t.Errorf("the shelter with places ranks first, the full one is barred: %v %v", names, m["Full shelter"])
	}
	if testenv.Get(m["Open shelter"], "placesAgeHours") == nil {
		t.Error("the finder says how fresh the places figure is")
	}
	d = e.MustDo(t, findQuery, map[string]any{"in": map[string]any{"needId": ids["housing"], "zoneId": ids["Follonica"], "hasFreePlaces": true}})
	if names, _ := matches(d); len(names) != 1 || names[0] != "Open shelter" {
		t.Errorf("hasFreePlaces keeps only the open shelter: %v", names)
	}

	// Paging through the ranked list.
	d = e.MustDo(t, findQuery, map[string]any{"in": map[string]any{"needId": ids["work"], "zoneId": ids["Follonica"]}, "first": 2})
	first, _ := matches(d)
	d = e.MustDo(t, findQuery, map[string]any{"in": map[string]any{"needId": ids["work"], "zoneId": ids["Follonica"]}, "first": 2,
		"after": testenv.Get(d, "findServices", "pageInfo", "endCursor")})
	rest, _ := matches(d)
	if len(first) != 2 || len(rest) != 1 || testenv.Get(d, "findServices", "pageInfo", "hasNextPage") != false {
		t.Errorf("pages of 2: %v then %v", first, rest)
	}
}

func TestServicePlacesConcurrentUpdates(t *testing.T) {
	e := testenv.Open(t)
	ids := finderNetwork(t, e)
	const q = `mutation($in: UpdatePlacesInput!) { updateServicePlaces(input: $in) { service { freePlaces capacity version } userErrors { field code message } } }`
	var wg sync.WaitGroup
	refused := make(chan string, 12)
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := e.MustDo(t, q, map[string]any{"in": map[string]any{"serviceId": ids["Open shelter"], "delta": -1}})
			if errs := testenv.Get(d, "updateServicePlaces", "userErrors").([]any); len(errs) > 0 {
				refused <- fmt.Sprint(testenv.Get(errs[0], "field"))
			}
		}()
	}
	wg.Wait()
	close(refused)
	n := 0
	for f := range refused {
		n++
		if f != "[input delta]" {
			t.Errorf("a refused delta names the delta: %s", f)
		}
	}
	if n != 2 {
		t.Errorf("12 operators each take a place of 10: 2 must be refused, got %d", n)
	}
	d := e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Service { freePlaces version } } }`, map[string]any{"id": ids["Open shelter"]})
	if got := testenv.Get(d, "node", "freePlaces"); got != float64(0) {
		t.Errorf("after 10 places taken at once, 0 are free: got %v (an update was lost)", got)
	}
	version := int(testenv.Get(d, "node", "version").(float64))
	for _, c := range []struct {
		name  string
		in    map[string]any
		code  string
		field string
	}{
		{"more than capacity", map[string]any{"serviceId": ids["Open shelter"], "freePlaces": 11, "version": version}, "INVALID", "input.freePlaces"},
		{"negative", map[string]any{"serviceId": ids["Open shelter"], "freePlaces": -1, "version": version}, "INVALID", "input.freePlaces"},
		{"stale version", map[string]any{"serviceId": ids["Open shelter"], "freePlaces": 3, "version": 1}, "VERSION_CONFLICT", "input.version"},
		{"count without version", map[string]any{"serviceId": ids["Open shelter"], "freePlaces": 3}, "REQUIRED", "input.version"},
		{"a service without places", map[string]any{"serviceId": ids["Regional helpline"], "delta": 1}, "INVALID", "input.capacity"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, field := userError(t, e, "updateServicePlaces", "UpdatePlacesInput", c.in)
			if code != c.code || field != c.field {
				t.Errorf("got %s at %s, want %s at %s", code, field, c.code, c.field)
			}
		})
	}
	p := mutate(t, e, "updateServicePlaces", "UpdatePlacesInput", map[string]any{"serviceId": ids["Open shelter"], "freePlaces": 4, "version": version}, "service { freePlaces }")
	if testenv.Get(p, "service", "freePlaces") != float64(4) {
		t.Errorf("report of 4 free places: %v", p)
	}
}

func TestCoverageAndGaps(t *testing.T) {
	e := testenv.Open(t)
	ids := finderNetwork(t, e)
	d := e.MustDo(t, `query($in: CoverageInput!) { coverage(input: $in) { zones { name } needs { code }
		cells { zone { name } need { code } full partial withFreePlaces stale } csv } }`,
		map[string]any{"in": map[string]any{"zoneId": ids["Provincia di Grosseto"], "level": "MUNICIPALITY"}})
	cells := map[string][4]float64{}
	for _, c := range testenv.Get(d, "coverage", "cells").([]any) {
		key := testenv.Get(c, "zone", "name").(string) + "/" + testenv.Get(c, "need", "code").(string)
		cells[key] = [4]float64{testenv.Get(c, "full").(float64), testenv.Get(c, "partial").(float64), testenv.Get(c, "withFreePlaces").(float64), testenv.Get(c, "stale").(float64)}
	}
	want := map[string][4]float64{
		"Follonica/work":    {3, 0, 0, 0}, // helpline, district club, desk
		"Grosseto/work":     {2, 0, 0, 1}, // helpline, old desk (stale)
		"Follonica/housing": {2, 0, 1, 0}, // full shelter of the province, open shelter
		"Grosseto/housing":  {1, 0, 0, 0},
	}
	for k, w := range want {
		if cells[k] != w {
			t.Errorf("%s: %v, want %v", k, cells[k], w)
		}
	}
	if csv := testenv.Get(d, "coverage", "csv").(string); len(csv) < 60 || csv[:5] != "zone," {
		t.Errorf("csv: %q", csv)
	}

	d = e.MustDo(t, `query($in: CoverageInput!) { coverageGaps(input: $in) { zone { name } need { code } kind full partial } }`,
		map[string]any{"in": map[string]any{"zoneId": ids["Provincia di Grosseto"], "level": "MUNICIPALITY"}})
	gaps := map[string]string{}
	for _, g := range testenv.Get(d, "coverageGaps").([]any) {
		gaps[testenv.Get(g, "zone", "name").(string)+"/"+testenv.Get(g, "need", "code").(string)] = testenv.Get(g, "kind").(string)
	}
	if gaps["Grosseto/housing"] != "SINGLE_SERVICE" || len(gaps) != 1 {
		t.Errorf("gaps: %v", gaps)
	}
	d = e.MustDo(t, `query($in: CoverageInput!) { coverageGaps(input: $in) { zone { name } need { code } kind } }`,
		map[string]any{"in": map[string]any{"zoneId": ids["Toscana"], "needIds": []string{ids["housing"]}}})
	if got := testenv.Get(d, "coverageGaps", 0, "kind"); got != "PARTIAL_ONLY" {
		t.Errorf("housing in Toscana is covered only by services in part of it: %v", d)
	}
}

func TestFindServicesRefusesBadInput(t *testing.T) {
	e := testenv.Open(t)
	ids := finderNetwork(t, e)
	cases := []struct {
		name string
		in   map[string]any
		code string
	}{
		{"unknown need", map[string]any{"needId": "TmVlZDpub3Bl", "zoneId": ids["Follonica"]}, "NOT_FOUND"},
		{"unknown zone", map[string]any{"needId": ids["work"], "zoneId": "Wm9uZTpub3Bl"}, "NOT_FOUND"},
		{"zone ID of the wrong type", map[string]any{"needId": ids["work"], "zoneId": ids["work"]}, "INVALID_ID"},
		{"age out of range", map[string]any{"needId": ids["work"], "zoneId": ids["Follonica"], "person": map[string]any{"age": 200}}, "BAD_USER_INPUT"},
		{"unknown language", map[string]any{"needId": ids["work"], "zoneId": ids["Follonica"], "person": map[string]any{"languages": []string{"klingon"}}}, "BAD_USER_INPUT"},
		{"openAt not a time", map[string]any{"needId": ids["work"], "zoneId": ids["Follonica"], "openAt": "tomorrow"}, "BAD_USER_INPUT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.Do(t, findQuery, map[string]any{"in": c.in})
			if r.Code() != c.code {
				t.Errorf("code %q, want %q: %+v", r.Code(), c.code, r.Errors)
			}
		})
	}
}
