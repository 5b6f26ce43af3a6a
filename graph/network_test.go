package graph_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"snodo/auth"
	"snodo/internal/testenv"
)

func TestNetworkAnalysis(t *testing.T) {
	e := testenv.Open(t)
	ids := zoneDAG(t, e)
	for _, name := range []string{"A", "B", "C", "D", "E"} {
		a := mutate(t, e, "createActor", "CreateActorInput", map[string]any{"name": name, "kind": "OTHER", "zoneIds": []string{ids["Follonica"]}}, "actor { id }")
		ids[name] = testenv.Get(a, "actor", "id").(string)
	}
	end := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	p := mutate(t, e, "createPartnership", "CreatePartnershipInput", map[string]any{"title": "Protocollo A-B", "kind": "OPERATIONAL_PROTOCOL",
		"startDate": "2025-01-01", "endDate": end, "zoneIds": []string{ids["Follonica"]}}, "partnership { id }")
	pid := testenv.Get(p, "partnership", "id").(string)
	mutate(t, e, "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": pid, "version": 1, "actorId": ids["A"], "role": "LEAD"}, "partnership { id }")
	mutate(t, e, "addPartnershipMember", "AddMemberInput", map[string]any{"partnershipId": pid, "version": 2, "actorId": ids["B"], "role": "PARTNER"}, "partnership { id }")
	for _, r := range [][2]string{{"B", "C"}, {"C", "D"}} {
		mutate(t, e, "createRoute", "CreateRouteInput", map[string]any{"fromId": ids[r[0]], "toId": ids[r[1]]}, "route { id }")
	}
	q := `query($in: NetworkInput!) { networkAnalysis(input: $in) { actorCount ties betweennessExact betweennessSources
		centrality(first: 5) { actor { name } degree betweenness } components { size actors { name } } isolated { name }
		expiringPartnerships { title } links { source { name } target { name } layers } } }`
	researcher := auth.Viewer{Subject: "res", Role: auth.Researcher}
	r := e.DoAs(t, researcher, q, map[string]any{"in": map[string]any{"zoneId": ids["Provincia di Grosseto"]}})
	if len(r.Errors) > 0 {
		t.Fatalf("%+v", r.Errors)
	}
	n := r.Data["networkAnalysis"]
	// The chain A-B-C-D: B and C each bridge two pairs; E stands alone.
	if testenv.Get(n, "actorCount") != float64(5) || testenv.Get(n, "ties") != float64(3) {
		t.Errorf("size: %v", n)
	}
	if testenv.Get(n, "betweennessExact") != true || testenv.Get(n, "betweennessSources") != float64(4) {
		t.Errorf("a small network is measured exactly, from its 4 tied actors: %v", n)
	}
	top := testenv.Get(n, "centrality").([]any)
	bridges := map[any]bool{testenv.Get(top[0], "actor", "name"): true, testenv.Get(top[1], "actor", "name"): true}
	if !bridges["B"] || !bridges["C"] || testenv.Get(top[0], "betweenness") != float64(2) || testenv.Get(top[1], "betweenness") != float64(2) ||
		testenv.Get(top[0], "degree") != float64(2) || testenv.Get(top[2], "betweenness") != float64(0) {
		t.Errorf("centrality: %v", top)
	}
	if testenv.Get(n, "components", 0, "size") != float64(4) || testenv.Get(n, "isolated", 0, "name") != "E" {
		t.Errorf("components: %v isolated: %v", testenv.Get(n, "components"), testenv.Get(n, "isolated"))
	}
	if testenv.Get(n, "expiringPartnerships", 0, "title") != "Protocollo A-B" {
		t.Errorf("expiring: %v", testenv.Get(n, "expiringPartnerships"))
	}
	// The ties are the links, each with its layers: A-B a partnership, B-C and C-D routes.
	links := map[string]string{}
	for _, l := range testenv.Get(n, "links").([]any) {
		ends := []string{testenv.Get(l, "source", "name").(string), testenv.Get(l, "target", "name").(string)}
		slices.Sort(ends)
		links[strings.Join(ends, "-")] = fmt.Sprint(testenv.Get(l, "layers"))
	}
	if want := map[string]string{"A-B": "[PARTNERSHIPS]", "B-C": "[ROUTES]", "C-D": "[ROUTES]"}; !maps.Equal(links, want) {
		t.Errorf("links: %v, want %v", links, want)
	}
	// The routes alone: A leaves the network, C bridges B and D.
	r = e.DoAs(t, researcher, q, map[string]any{"in": map[string]any{"layers": []string{"ROUTES"}}})
	n = r.Data["networkAnalysis"]
	if testenv.Get(n, "ties") != float64(2) || testenv.Get(n, "centrality", 0, "actor", "name") != "C" || testenv.Get(n, "centrality", 0, "betweenness") != float64(1) {
		t.Errorf("routes only: %v", n)
	}
	if len(testenv.Get(n, "isolated").([]any)) != 2 {
		t.Errorf("A and E stand alone without partnerships: %v", testenv.Get(n, "isolated"))
	}
}
