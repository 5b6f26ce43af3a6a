package graph_test

import (
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
)

// Services and actors carry a place on the map, set and removed through their mutations,
// checked like any field, and hidden with the address of a confidential service.
func TestLocationsOfServicesAndActors(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	follonica := map[string]any{"latitude": 42.9264, "longitude": 10.7611}

	a := mutate(t, e, "createActor", "CreateActorInput", map[string]any{
		"name": "Caritas Follonica", "kind": "ASSOCIATION", "zoneIds": []string{ids["Follonica"]}, "location": follonica,
	}, "actor { id version location { latitude longitude } }")
	if got := testenv.Get(a, "actor", "location", "latitude"); got != 42.9264 {
		t.Errorf("the actor's latitude reads %v", got)
	}
	actor := testenv.Get(a, "actor", "id").(string)

	svc := mutate(t, e, "createService", "CreateServiceInput", map[string]any{
		"providerId": actor, "name": "Casa rifugio", "categoryId": ids["housing_mobility"], "channel": "SHELTER",
		"confidential": true, "zoneIds": []string{ids["Follonica"]}, "location": follonica,
	}, "service { id version location { latitude longitude } }")
	shelter := testenv.Get(svc, "service", "id").(string)
	if got := testenv.Get(svc, "service", "location", "longitude"); got != 10.7611 {
		t.Errorf("the service's longitude reads %v", got)
	}

	// A confidential service's place is hidden from public readers as its address is.
	read := `query($in: ID!) { node(id: $in) { ... on Service { location { latitude } } } }`
	for _, v := range []auth.Viewer{{Role: auth.Anonymous}, {Subject: "res", Role: auth.Researcher}} {
		r := e.DoAs(t, v, read, map[string]any{"in": shelter})
		if len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", v.Role, r.Errors)
		}
		if got := testenv.Get(r.Data, "node", "location"); got != nil {
			t.Errorf("%s sees the shelter at %v", v.Role, got)
		}
	}

	// Moved, then removed with an explicit null; a field left out leaves it as it is.
	moved := mutate(t, e, "updateService", "UpdateServiceInput", map[string]any{
		"id": shelter, "version": 1, "location": map[string]any{"latitude": 42.93, "longitude": 10.76},
	}, "service { version location { latitude } }")
	if got := testenv.Get(moved, "service", "location", "latitude"); got != 42.93 {
		t.Errorf("moved to %v", got)
	}
	kept := mutate(t, e, "updateService", "UpdateServiceInput", map[string]any{"id": shelter, "version": 2, "name": "Casa rifugio sud"},
		"service { location { latitude } }")
	if got := testenv.Get(kept, "service", "location", "latitude"); got != 42.93 {
		t.Errorf("an update without location moved it to %v", got)
	}
	removed := mutate(t, e, "updateService", "UpdateServiceInput", map[string]any{"id": shelter, "version": 3, "location": nil},
		"service { location { latitude } }")
	if got := testenv.Get(removed, "service", "location"); got != nil {
		t.Errorf("null left the service at %v", got)
	}
	if n := e.Query(t, "MATCH (s:Service {id: $id}) WHERE s.latitude IS NOT NULL OR s.longitude IS NOT NULL RETURN s",
		map[string]any{"id": key(t, shelter)}); len(n) != 0 {
		t.Errorf("a removed place left properties behind")
	}
	gone := mutate(t, e, "updateActor", "UpdateActorInput", map[string]any{"id": actor, "version": 1, "location": nil},
		"actor { location { latitude } }")
	if got := testenv.Get(gone, "actor", "location"); got != nil {
		t.Errorf("null left the actor at %v", got)
	}

	// Out-of-range numbers are refused at the field, and write nothing.
	for _, c := range []struct {
		name, input string
		in          map[string]any
		field       string
	}{
		{"createService", "CreateServiceInput", map[string]any{"providerId": actor, "name": "X", "categoryId": ids["housing_mobility"],
			"channel": "DESK", "zoneIds": []string{ids["Follonica"]}, "location": map[string]any{"latitude": 91.0, "longitude": 10.0}}, "input.location.latitude"},
		{"updateActor", "UpdateActorInput", map[string]any{"id": actor, "version": 2,
			"location": map[string]any{"latitude": 42.0, "longitude": -181.0}}, "input.location.longitude"},
	} {
		code, field := userError(t, e, c.name, c.input, c.in)
		if code != "INVALID" || field != c.field {
			t.Errorf("%s: got %s at %s, want INVALID at %s", c.name, code, field, c.field)
		}
	}
	if n := e.Query(t, "MATCH (s:Service {name: 'X'}) RETURN s", nil); len(n) != 0 {
		t.Errorf("a refused service was written")
	}
}
