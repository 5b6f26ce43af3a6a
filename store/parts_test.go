package store_test

import (
	"context"
	"strings"
	"testing"

	"snodo/auth"
	"snodo/internal/testenv"
	"snodo/model"
	"snodo/store"
)

// A source Via a field that another part of the statement reads is read inside that part's
// items (a carrier), two levels deep, with one branch and no UNION; a node two parents share
// gives its fields once. A source with a part that reads the parent's key keeps a branch of its
// own, and both statements give the same answers.
func TestPartsViaAFieldReadRideInItsItems(t *testing.T) {
	e := testenv.Open(t)
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	node := func(label, id string, props map[string]any) {
		im.Nodes[label] = append(im.Nodes[label], store.ImportNode{ID: id, Props: props})
	}
	link := func(lt store.LinkType, from, to string, props map[string]any) {
		im.Links[lt] = append(im.Links[lt], store.ImportLink{From: from, To: to, Props: props})
	}
	node("Zone", "zr", map[string]any{"name": "Regione", "kind": "REGION"})
	node("Zone", "z1", map[string]any{"name": "Alfa", "kind": "MUNICIPALITY"})
	node("Zone", "z2", map[string]any{"name": "Beta", "kind": "MUNICIPALITY"})
	link(store.LinkZoneParent, "z1", "zr", nil)
	link(store.LinkZoneParent, "z2", "zr", nil)
	node("Actor", "a1", map[string]any{"name": "Ente Uno", "kind": "COOPERATIVE"})
	node("Actor", "a2", map[string]any{"name": "Ente Due", "kind": "ASSOCIATION"})
	link(store.LinkActorZone, "a1", "z2", nil)
	link(store.LinkActorZone, "a1", "z1", nil)
	link(store.LinkActorZone, "a2", "z2", nil)
	node("Partnership", "p1", map[string]any{"title": "Rete", "kind": "CONVENTION", "status": "ACTIVE"})
	link(store.LinkMember, "a1", "p1", map[string]any{"role": "LEAD"})
	for _, s := range []struct{ id, actor string }{{"s1", "a1"}, {"s2", "a1"}, {"s3", "a2"}} {
		node("Service", s.id, map[string]any{"name": "Servizio " + s.id, "channel": "DESK", "status": "ACTIVE"})
		link(store.LinkProvides, s.actor, s.id, nil)
	}
	ctx := auth.WithViewer(context.Background(), auth.Viewer{Role: auth.Admin})
	if _, err := e.Store.Import(ctx, im); err != nil {
		t.Fatal(err)
	}

	type answer struct {
		providers, zones, parents, roles map[string][]string
	}
	read := func(t *testing.T, withMayChange bool) (answer, string, *store.MayChangePart) {
		services := store.Keys([]string{"s1", "s2", "s3"})
		providers := store.Via(services, &store.ServiceProvider)
		provider := &store.RelatedPart[*model.Actor]{Rel: &store.ServiceProvider, From: services, Props: []string{"id", "name"}}
		zones := &store.RelatedPart[*model.Zone]{Rel: &store.ActorZones, From: providers}
		members := &store.PagePart[*model.Membership]{Rel: &store.ActorMemberships, From: providers, Page: store.Page{Size: 10}}
		parents := &store.RelatedPart[*model.Zone]{Rel: &store.ZoneParents, From: store.Via(providers, &store.ActorZones)}
		parts := []store.Part{provider, zones, members, parents}
		var may *store.MayChangePart
		if withMayChange {
			may = &store.MayChangePart{Label: "Actor", From: providers}
			parts = append(parts, may)
		}
		logged, statements := store.WithStatementLog(ctx)
		if err := store.ReadParts(logged, e.Store, parts); err != nil {
			t.Fatal(err)
		}
		sent := statements()
		if len(sent) != 1 {
			t.Fatalf("%d statements, want 1", len(sent))
		}
		a := answer{map[string][]string{}, map[string][]string{}, map[string][]string{}, map[string][]string{}}
		for pid, actors := range provider.Out {
			for _, x := range actors {
				a.providers[pid] = append(a.providers[pid], x.Name)
			}
		}
		for pid, zs := range zones.Out {
			for _, z := range zs {
				a.zones[pid] = append(a.zones[pid], z.Name)
			}
		}
		for pid, zs := range parents.Out {
			for _, z := range zs {
				a.parents[pid] = append(a.parents[pid], z.Name)
			}
		}
		for _, actor := range []string{"a1", "a2"} {
			for _, edge := range members.Of(actor).Edges {
				a.roles[actor] = append(a.roles[actor], edge.Node.PartnershipID+":"+string(edge.Node.Role))
			}
		}
		return a, sent[0].Cypher, may
	}

	folded, cypher, _ := read(t, false)
	if strings.Contains(cypher, "UNION") || strings.Count(cypher, "RETURN 0 AS part") != 1 {
		t.Errorf("the fields of the providers and of their zones have branches of their own:\n%s", cypher)
	}
	want := answer{
		providers: map[string][]string{"s1": {"Ente Uno"}, "s2": {"Ente Uno"}, "s3": {"Ente Due"}},
		zones:     map[string][]string{"a1": {"Alfa", "Beta"}, "a2": {"Beta"}}, // a1 once, though it provides two
		parents:   map[string][]string{"z1": {"Regione"}, "z2": {"Regione"}},   // z2 once, though two actors are in it
		roles:     map[string][]string{"a1": {"p1:LEAD"}},
	}
	check := func(name string, got answer) {
		t.Helper()
		for field, pair := range map[string][2]map[string][]string{
			"providers": {got.providers, want.providers}, "zones": {got.zones, want.zones},
			"parents": {got.parents, want.parents}, "roles": {got.roles, want.roles},
		} {
			if len(pair[0]) != len(pair[1]) {
				t.Errorf("%s: %s %v, want %v", name, field, pair[0], pair[1])
			}
			for k, w := range pair[1] {
				if strings.Join(pair[0][k], ",") != strings.Join(w, ",") {
					t.Errorf("%s: %s of %s %v, want %v", name, field, k, pair[0][k], w)
				}
			}
		}
	}
	check("carried", folded)

	branched, cypher, may := read(t, true)
	if !strings.Contains(cypher, "UNION ALL") {
		t.Errorf("a source whose part reads pid is carried:\n%s", cypher)
	}
	check("in branches", branched)
	if !may.Out["a1"] || !may.Out["a2"] {
		t.Errorf("an admin may change the providers: %v", may.Out)
	}
}
