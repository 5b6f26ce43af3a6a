package graph_test

import (
	"fmt"
	"testing"

	"snodo/internal/testenv"
)

// network builds zones, a taxonomy, two actors and a shelter, and returns their IDs.
func network(t *testing.T, e *testenv.Env) map[string]string {
	t.Helper()
	ids := zoneDAG(t, e)
	for k, v := range taxonomy(t, e) {
		ids[k] = v
	}
	arti := mutate(t, e, "createActor", "CreateActorInput", map[string]any{
		"name": "ARTI Toscana", "kind": "REGIONAL_LABOUR_AGENCY", "zoneIds": []string{ids["Toscana"]},
	}, "actor { id }")
	ids["ARTI"] = testenv.Get(arti, "actor", "id").(string)
	cpi := mutate(t, e, "createActor", "CreateActorInput", map[string]any{
		"name": "CPI Follonica", "kind": "JOB_CENTRE", "zoneIds": []string{ids["Follonica"]}, "parentId": ids["ARTI"],
		"taxCode": "01234567890", "contacts": map[string]any{"email": "cpi@example.org", "website": "https://example.org"},
	}, "actor { id }")
	ids["CPI"] = testenv.Get(cpi, "actor", "id").(string)
	svc := mutate(t, e, "createService", "CreateServiceInput", map[string]any{
		"providerId": ids["CPI"], "name": "Sportello lavoro", "categoryId": ids["training_work.job_search"],
		"channel": "DESK", "languages": []string{"it", "ar"}, "needIds": []string{ids["work.placement"]},
		"zoneIds": []string{ids["Follonica"]}, "openingHours": []map[string]any{{"day": "MON", "opens": "09:00", "closes": "13:00"}},
	}, "service { id version }")
	ids["job desk"] = testenv.Get(svc, "service", "id").(string)
	shelter := mutate(t, e, "createService", "CreateServiceInput", map[string]any{
		"providerId": ids["ARTI"], "name": "Accoglienza in emergenza", "categoryId": ids["housing_mobility"],
		"channel": "SHELTER", "capacity": 10, "freePlaces": 3, "needIds": []string{ids["housing.shelter"]},
		"zoneIds": []string{ids["Provincia di Grosseto"]}, "minAge": 18,
	}, "service { id }")
	ids["shelter"] = testenv.Get(shelter, "service", "id").(string)
	p := mutate(t, e, "createPartnership", "CreatePartnershipInput", map[string]any{
		"title": "Protocollo CPI-SdS", "kind": "OPERATIONAL_PROTOCOL", "startDate": "2025-01-01", "endDate": "2026-12-31",
		"zoneIds": []string{ids["Colline Metallifere"]},
	}, "partnership { id }")
	ids["protocol"] = testenv.Get(p, "partnership", "id").(string)
	return ids
}

func TestDirectoryRelationshipsBothWays(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	mutate(t, e, "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 1, "actorId": ids["CPI"], "role": "PARTNER"}, "partnership { id }")
	mutate(t, e, "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 2, "actorId": ids["ARTI"], "role": "LEAD", "since": "2025-01-01"}, "partnership { id }")

	d := e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Actor { name kind taxCode contacts { email website }
		zones { name } parent { name } services(first: 5) { totalCount edges { node { name provider { name }
		category { code broader { code } } needs { code broader { code } } zones { name } languages openingHours { day opens closes } } } }
		partnerships(first: 5) { totalCount edges { node { role partnership { title } } } } } } }`,
		map[string]any{"id": ids["CPI"]})
	a := d["node"]
	for path, want := range map[string]any{
		"parent name": testenv.Get(a, "parent", "name") == "ARTI Toscana",
		"zone":        testenv.Get(a, "zones", 0, "name") == "Follonica",
		"email":       testenv.Get(a, "contacts", "email") == "cpi@example.org",
		"services":    testenv.Get(a, "services", "totalCount") == float64(1),
		"provider":    testenv.Get(a, "services", "edges", 0, "node", "provider", "name") == "CPI Follonica",
		"category":    testenv.Get(a, "services", "edges", 0, "node", "category", "broader", "code") == "training_work",
		"need":        testenv.Get(a, "services", "edges", 0, "node", "needs", 0, "broader", "code") == "work",
		"languages":   fmt.Sprint(testenv.Get(a, "services", "edges", 0, "node", "languages")) == "[it ar]",
		"hours":       testenv.Get(a, "services", "edges", 0, "node", "openingHours", 0, "closes") == "13:00",
		"membership":  testenv.Get(a, "partnerships", "edges", 0, "node", "role") == "PARTNER",
	} {
		if want != true {
			t.Errorf("%s is wrong in %v", path, a)
		}
	}

	d = e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Partnership { title zones { name }
		members(first: 5) { totalCount edges { node { role since actor { name } } } } } } }`, map[string]any{"id": ids["protocol"]})
	if got := testenv.Get(d, "node", "members", "edges", 0, "node"); testenv.Get(got, "role") != "LEAD" || testenv.Get(got, "since") != "2025-01-01" {
		t.Errorf("leads come first with their date: %v", got)
	}

	// Services of a need include those of its narrower needs; of a zone, those declared there.
	d = e.MustDo(t, `query($need: ID!, $zone: ID!) { need: node(id: $need) { ... on Need { services(first: 5) { totalCount } narrower { code } } }
		zone: node(id: $zone) { ... on Zone { services(first: 5) { edges { node { name } } } actors(first: 5) { totalCount } } }
		needTree { code narrower { code } } serviceCategories { code narrower { code } } }`,
		map[string]any{"need": ids["housing"], "zone": ids["Provincia di Grosseto"]})
	if n := testenv.Get(d, "need", "services", "totalCount"); n != float64(1) {
		t.Errorf("housing has 1 service through housing.shelter, got %v", n)
	}
	if got := testenv.Get(d, "zone", "services", "edges", 0, "node", "name"); got != "Accoglienza in emergenza" {
		t.Errorf("the province's services: %v", got)
	}
	if got := len(testenv.Get(d, "needTree").([]any)); got != 2 {
		t.Errorf("the need tree has 2 roots, got %d", got)
	}

	// Filters.
	d = e.MustDo(t, `query($zone: ID!, $need: ID!, $p: ID!) {
		inToscana: actors(filter: {zone: $zone}) { totalCount }
		forWork: actors(filter: {need: $need}) { edges { node { name } } }
		members: actors(filter: {partnership: $p}) { totalCount }
		shelters: services(filter: {channels: [SHELTER], zone: $zone}) { totalCount }
		search: services(filter: {search: "sportello"}) { edges { node { name } } }
		expiring: partnerships(filter: {endingBefore: "2027-01-01"}) { totalCount }
		protocols: partnerships(filter: {kinds: [OPERATIONAL_PROTOCOL], zone: $zone}) { totalCount } }`,
		map[string]any{"zone": ids["Toscana"], "need": ids["work"], "p": ids["protocol"]})
	for name, want := range map[string]any{
		"inToscana": float64(2), "members": float64(2), "shelters": float64(1), "expiring": float64(1), "protocols": float64(1),
	} {
		if got := testenv.Get(d, name, "totalCount"); got != want {
			t.Errorf("%s: %v, want %v", name, got, want)
		}
	}
	if got := testenv.Get(d, "forWork", "edges", 0, "node", "name"); got != "CPI Follonica" {
		t.Errorf("actors with a service for work: %v", got)
	}
	if got := testenv.Get(d, "search", "edges", 0, "node", "name"); got != "Sportello lavoro" {
		t.Errorf("full-text search: %v", got)
	}
}

func TestServiceMutations(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	upd := mutate(t, e, "updateService", "UpdateServiceInput", map[string]any{
		"id": ids["shelter"], "version": 1, "freePlaces": 0, "status": "SUSPENDED",
	}, "service { freePlaces capacity status version placesUpdatedAt }")
	if s := testenv.Get(upd, "service"); testenv.Get(s, "freePlaces") != float64(0) || testenv.Get(s, "capacity") != float64(10) || testenv.Get(s, "status") != "SUSPENDED" || testenv.Get(s, "version") != float64(2) {
		t.Errorf("update: %v", s)
	}
	link := mutate(t, e, "linkService", "LinkServiceInput", map[string]any{
		"serviceId": ids["job desk"], "version": 1, "addZoneIds": []string{ids["Grosseto"]}, "addNeedIds": []string{ids["work"]},
	}, "service { zones { name } needs { code } }")
	if n := len(testenv.Get(link, "service", "zones").([]any)); n != 2 {
		t.Errorf("linked zones: %v", link)
	}
	for _, c := range []struct {
		name, mutation, input string
		in                    map[string]any
		code, field           string
	}{
		{"more free places than capacity", "updateService", "UpdateServiceInput", map[string]any{"id": ids["shelter"], "version": 2, "freePlaces": 11}, "INVALID", "input.freePlaces"},
		{"negative capacity", "updateService", "UpdateServiceInput", map[string]any{"id": ids["shelter"], "version": 2, "capacity": -1}, "INVALID", "input.capacity"},
		{"max age below min age", "updateService", "UpdateServiceInput", map[string]any{"id": ids["shelter"], "version": 2, "maxAge": 17}, "INVALID", "input.maxAge"},
		{"stale version", "updateService", "UpdateServiceInput", map[string]any{"id": ids["shelter"], "version": 1, "name": "X"}, "VERSION_CONFLICT", "input.version"},
		{"unknown language", "createService", "CreateServiceInput", map[string]any{"providerId": ids["CPI"], "name": "X", "categoryId": ids["housing_mobility"], "channel": "DESK", "zoneIds": []string{ids["Toscana"]}, "languages": []string{"xx"}}, "INVALID", "input.languages"},
		{"provider of the wrong type", "createService", "CreateServiceInput", map[string]any{"providerId": ids["Toscana"], "name": "X", "categoryId": ids["housing_mobility"], "channel": "DESK", "zoneIds": []string{ids["Toscana"]}}, "NOT_FOUND", "input.providerId"},
		{"no zone", "createService", "CreateServiceInput", map[string]any{"providerId": ids["CPI"], "name": "X", "categoryId": ids["housing_mobility"], "channel": "DESK", "zoneIds": []string{}}, "REQUIRED", "input.zoneIds"},
		{"closing before opening", "createService", "CreateServiceInput", map[string]any{"providerId": ids["CPI"], "name": "X", "categoryId": ids["housing_mobility"], "channel": "DESK", "zoneIds": []string{ids["Toscana"]}, "openingHours": []map[string]any{{"day": "MON", "opens": "13:00", "closes": "09:00"}}}, "INVALID", "input.openingHours"},
		{"removing the last zone", "linkService", "LinkServiceInput", map[string]any{"serviceId": ids["shelter"], "version": 2, "removeZoneIds": []string{ids["Provincia di Grosseto"]}}, "REQUIRED", "input.removeZoneIds"},
		{"unknown need", "linkService", "LinkServiceInput", map[string]any{"serviceId": ids["shelter"], "version": 2, "addNeedIds": []string{"TmVlZDpub3Bl"}}, "NOT_FOUND", "input.addNeedIds.0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, field := userError(t, e, c.mutation, c.input, c.in)
			if code != c.code || field != c.field {
				t.Errorf("got %s at %s, want %s at %s", code, field, c.code, c.field)
			}
		})
	}
	d := e.MustDo(t, `query($id: ID!) { node(id: $id) { ... on Service { name version zones { name } freePlaces } } services { totalCount } }`, map[string]any{"id": ids["shelter"]})
	if s := d["node"]; testenv.Get(s, "version") != float64(2) || testenv.Get(s, "freePlaces") != float64(0) || len(testenv.Get(s, "zones").([]any)) != 1 {
		t.Errorf("refused writes changed the shelter: %v", s)
	}
	if n := testenv.Get(d, "services", "totalCount"); n != float64(2) {
		t.Errorf("refused creates wrote services: %v", n)
	}
	del := e.MustDo(t, `mutation($in: DeleteServiceInput!) { deleteService(input: $in) { deletedId userErrors { code } } }`,
		map[string]any{"in": map[string]any{"id": ids["shelter"], "version": 2}})
	if testenv.Get(del, "deleteService", "deletedId") != ids["shelter"] {
		t.Errorf("delete: %v", del)
	}
}

func TestActorAndPartnershipMutations(t *testing.T) {
	e := testenv.Open(t)
	ids := network(t, e)
	upd := mutate(t, e, "updateActor", "UpdateActorInput", map[string]any{
		"id": ids["CPI"], "version": 1, "name": "Centro per l'Impiego di Follonica", "taxCode": "", "zoneIds": []string{ids["Follonica"], ids["Grosseto"]},
	}, "actor { name taxCode contacts { email } zones { name } version }")
	if a := testenv.Get(upd, "actor"); testenv.Get(a, "taxCode") != nil || testenv.Get(a, "contacts", "email") != "cpi@example.org" || len(testenv.Get(a, "zones").([]any)) != 2 {
		t.Errorf("update kept what was not given and removed the emptied tax code: %v", a)
	}
	mutate(t, e, "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 1, "actorId": ids["CPI"], "role": "PARTNER"}, "partnership { version }")
	for _, c := range []struct {
		name, mutation, input string
		in                    map[string]any
		code, field           string
	}{
		{"bad tax code", "createActor", "CreateActorInput", map[string]any{"name": "X", "kind": "COOPERATIVE", "zoneIds": []string{ids["Toscana"]}, "taxCode": "123"}, "INVALID", "input.taxCode"},
		{"bad e-mail", "createActor", "CreateActorInput", map[string]any{"name": "X", "kind": "COOPERATIVE", "zoneIds": []string{ids["Toscana"]}, "contacts": map[string]any{"email": "nope"}}, "INVALID", "input.contacts.email"},
		{"no zone", "createActor", "CreateActorInput", map[string]any{"name": "X", "kind": "COOPERATIVE", "zoneIds": []string{}}, "REQUIRED", "input.zoneIds"},
		{"actor parent cycle", "updateActor", "UpdateActorInput", map[string]any{"id": ids["ARTI"], "version": 1, "parentId": ids["CPI"]}, "CYCLE", "input.parentId"},
		{"delete an actor with services", "deleteActor", "DeleteActorInput", map[string]any{"id": ids["ARTI"], "version": 1}, "HAS_DEPENDANTS", "input.id"},
		{"duplicate membership", "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 2, "actorId": ids["CPI"], "role": "LEAD"}, "DUPLICATE", "input.actorId"},
		{"membership at a stale version", "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 1, "actorId": ids["ARTI"], "role": "LEAD"}, "VERSION_CONFLICT", "input.version"},
		{"member of an unknown actor", "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 2, "actorId": "QWN0b3I6bm9wZQ", "role": "LEAD"}, "NOT_FOUND", "input.actorId"},
		{"removing a non-member", "removePartnershipMember", "RemoveMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 2, "actorId": ids["ARTI"]}, "NOT_FOUND", "input.actorId"},
		{"end before start", "createPartnership", "CreatePartnershipInput", map[string]any{"title": "X", "kind": "CONVENTION", "startDate": "2026-01-01", "endDate": "2025-01-01"}, "INVALID", "input.endDate"},
		{"end before kept start", "updatePartnership", "UpdatePartnershipInput", map[string]any{"id": ids["protocol"], "version": 2, "endDate": "2024-01-01"}, "INVALID", "input.endDate"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, field := userError(t, e, c.mutation, c.input, c.in)
			if code != c.code || field != c.field {
				t.Errorf("got %s at %s, want %s at %s", code, field, c.code, c.field)
			}
		})
	}
	p := mutate(t, e, "updatePartnershipMember", "UpdateMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 2, "actorId": ids["CPI"], "role": "LEAD"},
		"partnership { version members { edges { node { role actor { name } } } } }")
	if got := testenv.Get(p, "partnership", "members", "edges", 0, "node", "role"); got != "LEAD" {
		t.Errorf("role change: %v", p)
	}
	p = mutate(t, e, "removePartnershipMember", "RemoveMemberInput", map[string]any{"partnershipId": ids["protocol"], "version": 3, "actorId": ids["CPI"]},
		"partnership { version members { totalCount } }")
	if testenv.Get(p, "partnership", "members", "totalCount") != float64(0) || testenv.Get(p, "partnership", "version") != float64(4) {
		t.Errorf("remove: %v", p)
	}
	del := e.MustDo(t, `mutation($in: DeletePartnershipInput!) { deletePartnership(input: $in) { deletedId } }`,
		map[string]any{"in": map[string]any{"id": ids["protocol"], "version": 4}})
	if testenv.Get(del, "deletePartnership", "deletedId") != ids["protocol"] {
		t.Errorf("delete partnership: %v", del)
	}
}
