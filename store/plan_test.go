package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/internal/testenv"
	"snodo/model"
	"snodo/relay"
	"snodo/store"
)

// planGraph imports a directory large enough for the planner to prefer an index over a scan
// where one applies: thousands of services and actors, hundreds of zones, partnerships, needs.
func planGraph(t testing.TB, e *testenv.Env) {
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	node := func(label, id string, props map[string]any) {
		im.Nodes[label] = append(im.Nodes[label], store.ImportNode{ID: id, Props: props})
	}
	link := func(lt store.LinkType, from, to string, props map[string]any) {
		im.Links[lt] = append(im.Links[lt], store.ImportLink{From: from, To: to, Props: props})
	}
	for i := 0; i < 400; i++ {
		node("Zone", fmt.Sprintf("z%d", i), map[string]any{"name": fmt.Sprintf("Zona %04d", i), "kind": "MUNICIPALITY", "istatCode": fmt.Sprintf("9%05d", i)})
		node("Need", fmt.Sprintf("n%d", i), map[string]any{"code": fmt.Sprintf("need%04d", i), "labelIt": "bisogno", "labelEn": "need"})
		node("Partnership", fmt.Sprintf("p%d", i), map[string]any{"title": fmt.Sprintf("Partenariato %04d", i), "kind": "CONVENTION", "status": "ACTIVE"})
	}
	node("ServiceCategory", "c", map[string]any{"code": "c", "labelIt": "c", "labelEn": "c"})
	for i := 0; i < 2000; i++ {
		a := fmt.Sprintf("a%d", i)
		node("Actor", a, map[string]any{"name": fmt.Sprintf("Ente %05d", i), "kind": "COOPERATIVE"})
		link(store.LinkActorZone, a, fmt.Sprintf("z%d", i%400), nil)
		link(store.LinkMember, a, fmt.Sprintf("p%d", i%400), map[string]any{"role": "PARTNER"})
		for j := 0; j < 2; j++ {
			s := fmt.Sprintf("s%d-%d", i, j)
			node("Service", s, map[string]any{"name": fmt.Sprintf("Servizio %05d-%d", i, j), "channel": "DESK", "status": "ACTIVE"})
			link(store.LinkProvides, a, s, nil)
			link(store.LinkServiceCategory, s, "c", nil)
			link(store.LinkServiceNeed, s, fmt.Sprintf("n%d", (i+j)%400), nil)
			link(store.LinkServiceZone, s, fmt.Sprintf("z%d", i%400), nil)
		}
	}
	if _, err := e.Store.Import(context.Background(), im); err != nil {
		t.Fatal(err)
	}
	// Designed routes between the actors, listed by ID.
	e.Query(t, "UNWIND range(0, 1999) AS i MATCH (a:Actor {id: 'a' + i}), (b:Actor {id: 'a' + ((i + 1) % 2000)}) "+
		"CREATE (a)<-[:FROM]-(:Route {id: 'r' + i, fromId: a.id, toId: b.id, needIds: [], version: 1})-[:TO]->(b)", nil)
	e.Query(t, "CALL db.resampleOutdatedIndexes()", nil)
}

// operators lists the operators of a plan, depth first.
func operators(p neo4j.Plan) []string {
	if p == nil {
		return nil
	}
	out := []string{p.Operator()}
	for _, c := range p.Children() {
		out = append(out, operators(c)...)
	}
	return out
}

// badOperators are the plan's operators that a list in an index's order must not have: a scan
// of every node of a label, or a sort of everything it read (a partial sort, of the ties of the
// index's order, is fine).
func badOperators(ops []string) []string {
	var bad []string
	for _, op := range ops {
		name := strings.SplitN(op, "@", 2)[0]
		switch name {
		case "NodeByLabelScan", "AllNodesScan", "Sort", "Top":
			bad = append(bad, name)
		}
	}
	return bad
}

// Every paged list whose order an index gives reads that index in order, first page and after a
// cursor, forward and backward; every lookup by key and every relationship field starts from the
// unique index of the key. A plan with a label scan, or a list's plan with a full sort, fails.
func TestListsAndLookupsReadTheirIndexes(t *testing.T) {
	e := testenv.Open(t)
	planGraph(t, e)
	ctx := context.Background()
	first := 10
	asc, desc := model.OrderDirectionAsc, model.OrderDirectionDesc
	// A cursor in the middle of each list, as the list's first page would give.
	cursor := func(sort, key string) *string { c := relay.Cursor{Sort: sort, Key: key}.Encode(); return &c }
	pages := map[string]store.Page{}
	for name, args := range map[string]struct {
		first, last   *int
		after, before *string
	}{
		"first page": {first: &first},
		"after":      {first: &first, after: cursor("M", "x")},
		"last page":  {last: &first},
		"before":     {last: &first, before: cursor("M", "x")},
	} {
		p, err := store.NewPage(args.first, args.after, args.last, args.before)
		if err != nil {
			t.Fatal(err)
		}
		pages[name] = p
	}
	lists := map[string]func(ctx context.Context, p store.Page) error{
		"services by name": func(ctx context.Context, p store.Page) error {
			_, err := e.Store.Services(ctx, nil, nil, p)
			return err
		},
		"services by name, descending": func(ctx context.Context, p store.Page) error {
			_, err := e.Store.Services(ctx, nil, &model.ServiceOrder{Field: model.ServiceOrderFieldName, Direction: &desc}, p)
			return err
		},
		"active services by name": func(ctx context.Context, p store.Page) error {
			_, err := e.Store.Services(ctx, &model.ServiceFilter{Statuses: []model.ServiceStatus{model.ServiceStatusActive}}, nil, p)
			return err
		},
		"actors by name": func(ctx context.Context, p store.Page) error {
			_, err := e.Store.Actors(ctx, nil, &model.ActorOrder{Field: model.ActorOrderFieldName, Direction: &asc}, p)
			return err
		},
		"zones by name": func(ctx context.Context, p store.Page) error {
			_, err := e.Store.Zones(ctx, nil, nil, p)
			return err
		},
		"partnerships by title": func(ctx context.Context, p store.Page) error {
			_, err := e.Store.Partnerships(ctx, nil, nil, p)
			return err
		},
		"needs by code": func(ctx context.Context, p store.Page) error {
			_, err := e.Store.Needs(ctx, nil, p)
			return err
		},
		"routes by ID": func(ctx context.Context, p store.Page) error {
			_, err := e.Store.Routes(ctx, nil, p)
			return err
		},
	}
	for name, list := range lists {
		for pname, p := range pages {
			for _, fields := range []bool{false, true} {
				if fields {
					pname += ", with a field read ahead"
				}
				t.Run(name+", "+pname, func(t *testing.T) {
					pctx, plans := store.WithPlanLog(ctx)
					if fields {
						pctx = store.WithAhead(pctx, countAhead{})
					}
					if err := list(pctx, p); err != nil {
						t.Fatal(err)
					}
					found := false
					for _, sp := range plans() {
						if !strings.Contains(sp.Cypher, "pageLimit") {
							continue
						}
						if ahead := strings.Contains(sp.Cypher, "rootAt"); ahead != (fields && !strings.HasPrefix(name, "routes")) {
							t.Errorf("read ahead: %v\n%s", ahead, sp.Cypher)
						}
						found = true
						ops := operators(sp.Plan)
						if bad := badOperators(ops); len(bad) > 0 {
							t.Errorf("the page query has %v; want an index read in order\n%s\n%v", bad, sp.Cypher, ops)
						}
					}
					if !found {
						t.Fatal("no page query was run")
					}
				})
			}
		}
	}

	// Lookups by key and relationship fields of many parents: each starts from the key's index.
	ids := []string{"s1-0", "s2-1", "s3-0"}
	lookups := map[string]func(ctx context.Context) error{
		"services by key": func(ctx context.Context) error {
			_, err := store.Get(ctx, e.Store, store.ServiceKind, ids)
			return err
		},
		"needs of services": func(ctx context.Context) error {
			_, err := store.Related(ctx, e.Store, store.ServiceNeeds, ids)
			return err
		},
		"providers of services": func(ctx context.Context) error {
			_, err := store.Related(ctx, e.Store, store.ServiceProvider, ids)
			return err
		},
		"memberships of actors, a page": func(ctx context.Context) error {
			_, err := store.RelatedPages(ctx, e.Store, store.ActorMemberships, []string{"a1", "a2"}, pages["first page"])
			return err
		},
		"services of a zone, counted": func(ctx context.Context) error {
			_, err := store.RelatedCounts(ctx, e.Store, store.ZoneServices, []string{"z1"})
			return err
		},
		"a level of fields in one statement": func(ctx context.Context) error {
			return store.ReadParts(ctx, e.Store, []store.Part{
				&store.RelatedPart[*model.Zone]{Rel: &store.ServiceZones, From: store.Keys(ids)},
				&store.RelatedPart[*model.Actor]{Rel: &store.ServiceProvider, From: store.Keys(ids)},
				// the zones of the providers, in the same statement as the providers
				&store.RelatedPart[*model.Zone]{Rel: &store.ActorZones, From: store.Via(store.Keys(ids), &store.ServiceProvider)},
				&store.PagePart[*model.Membership]{Rel: &store.ActorMemberships, From: store.Via(store.Keys(ids), &store.ServiceProvider), Page: pages["first page"]},
				&store.GetPart[*model.Partnership]{Kind: store.PartnershipKind, IDs: []string{"p1"}},
			})
		},
	}
	for name, lookup := range lookups {
		t.Run(name, func(t *testing.T) {
			pctx, plans := store.WithPlanLog(ctx)
			if err := lookup(pctx); err != nil {
				t.Fatal(err)
			}
			for _, sp := range plans() {
				ops := operators(sp.Plan)
				// A relationship field sorts the related nodes of each parent it was given, a
				// few each: a sort is fine here, a scan of a label is not.
				for _, op := range badOperators(ops) {
					if op != "Sort" && op != "Top" {
						t.Errorf("has %s; want a seek of the key's index\n%s\n%v", op, sp.Cypher, ops)
					}
				}
				if !strings.Contains(strings.Join(ops, " "), "NodeUniqueIndexSeek") {
					t.Errorf("no unique index seek\n%s\n%v", sp.Cypher, ops)
				}
			}
		})
	}
}

// countAhead reads, with a page of nodes, a count of a relationship field of each (a column
// with no sort of its own, so that any sort in the plan is the page's): the shape of a page
// read with the fields below it (store.Ahead).
type countAhead struct{}

func (countAhead) Plan(_ context.Context, label string, src store.Source) ([]store.Part, []string, func([]any)) {
	var part store.Part
	switch label {
	case "Service":
		part = &store.CountPart[*model.Zone]{Rel: &store.ServiceZones, From: src}
	case "Actor":
		part = &store.CountPart[*model.Zone]{Rel: &store.ActorZones, From: src}
	case "Zone":
		part = &store.CountPart[*model.Zone]{Rel: &store.ZoneParents, From: src}
	case "Partnership":
		part = &store.CountPart[*model.Zone]{Rel: &store.PartnershipZones, From: src}
	case "Need":
		part = &store.CountPart[*model.Need]{Rel: &store.NeedBroader, From: src}
	default:
		return nil, nil, nil
	}
	return []store.Part{part}, nil, func([]any) {}
}
