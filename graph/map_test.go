package graph_test

import (
	"context"
	"slices"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/relay"
	"snodo/seed"
)

// A map of Tuscany on the demo network: every located actor in use and every located active
// service of the region, by name, and never a confidential service, not even for an admin, who
// sees their places elsewhere (the demo places its protected shelters too).
func TestMapPlacesLeaveConfidentialServicesOut(t *testing.T) {
	e := testenv.Open(t)
	if _, err := seed.Load(context.Background(), e.Store, seed.Demo()); err != nil {
		t.Fatal(err)
	}
	region := seed.ID("Zone", "reg-toscana")
	ids := func(cypher string) []string {
		var out []string
		for _, r := range e.Query(t, cypher, map[string]any{"zone": region}) {
			out = append(out, relay.GlobalID(r.Values[1].(string), r.Values[0].(string)))
		}
		return out
	}
	wantServices := ids(`MATCH (:Zone {id: $zone})<-[:PART_OF]-*(:Zone)<-[:AVAILABLE_IN]-(s:Service {status: 'ACTIVE'})
		WHERE s.latitude IS NOT NULL AND NOT coalesce(s.confidential, false) WITH DISTINCT s ORDER BY s.name, s.id RETURN s.id, 'Service'`)
	hidden := ids(`MATCH (:Zone {id: $zone})<-[:PART_OF]-*(:Zone)<-[:AVAILABLE_IN]-(s:Service {confidential: true})
		WHERE s.latitude IS NOT NULL RETURN DISTINCT s.id, 'Service'`)
	wantActors := ids(`MATCH (:Zone {id: $zone})<-[:PART_OF]-*(:Zone)<-[:OPERATES_IN]-(a:Actor)
		WHERE a.latitude IS NOT NULL AND coalesce(a.status, 'ACTIVE') = 'ACTIVE' WITH DISTINCT a ORDER BY a.name, a.id RETURN a.id, 'Actor'`)
	if len(hidden) == 0 || len(wantServices) == 0 || len(wantActors) == 0 {
		t.Fatalf("the demo has %d located confidential services, %d others, %d actors", len(hidden), len(wantServices), len(wantActors))
	}
	q := `query($zone: ID!) { mapPlaces(zoneId: $zone) {
		actors { id location { latitude longitude } } services { id confidential location { latitude longitude } provider { name } } } }`
	for _, v := range []auth.Viewer{testenv.Admin, {Subject: "c", Role: auth.Coordinator, ZoneIDs: []string{region}}, {Role: auth.Anonymous}} {
		r := e.DoAs(t, v, q, map[string]any{"zone": relay.GlobalID("Zone", region)})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", v.Role, r.Errors)
		}
		var services, actors []string
		for _, s := range testenv.Get(r.Data, "mapPlaces", "services").([]any) {
			services = append(services, testenv.Get(s, "id").(string))
			if testenv.Get(s, "confidential") != false || testenv.Get(s, "location", "latitude") == nil {
				t.Errorf("%s: the map has %v", v.Role, s)
			}
		}
		for _, a := range testenv.Get(r.Data, "mapPlaces", "actors").([]any) {
			actors = append(actors, testenv.Get(a, "id").(string))
		}
		if !slices.Equal(services, wantServices) || !slices.Equal(actors, wantActors) {
			t.Errorf("%s: the map has %d services and %d actors, want %d and %d", v.Role, len(services), len(actors), len(wantServices), len(wantActors))
		}
		for _, h := range hidden {
			if slices.Contains(services, h) {
				t.Errorf("%s: the confidential service %s is on the map", v.Role, h)
			}
		}
	}
	if r := e.DoAs(t, testenv.Admin, q, map[string]any{"zone": relay.GlobalID("Zone", seed.ID("Zone", "nowhere"))}); r.Code() != "NOT_FOUND" {
		t.Errorf("an unknown zone: %+v", r.Errors)
	}
}
