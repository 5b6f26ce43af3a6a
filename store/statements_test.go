package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/internal/testenv"
	"snodo/store"
)

// The statement log keeps every statement the store sent, in order, with its parameters as sent;
// run bare, a kept statement gives the answer the store read.
func TestStatementLogKeepsWhatWasSent(t *testing.T) {
	e := testenv.Open(t)
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	im.Nodes["Actor"] = []store.ImportNode{{ID: "a1", Props: map[string]any{"name": "Ente", "kind": "COOPERATIVE"}}}
	for _, n := range []string{"n1", "n2"} {
		im.Nodes["Need"] = append(im.Nodes["Need"], store.ImportNode{ID: n, Props: map[string]any{"code": n, "labelIt": n, "labelEn": n}})
	}
	for _, s := range []string{"s1", "s2"} {
		im.Nodes["Service"] = append(im.Nodes["Service"], store.ImportNode{ID: s, Props: map[string]any{"name": "Servizio " + s, "channel": "DESK", "status": "ACTIVE"}})
		im.Links[store.LinkProvides] = append(im.Links[store.LinkProvides], store.ImportLink{From: "a1", To: s})
	}
	im.Links[store.LinkServiceNeed] = []store.ImportLink{{From: "s1", To: "n1"}, {From: "s1", To: "n2"}, {From: "s2", To: "n2"}}
	ctx := context.Background()
	if _, err := e.Store.Import(ctx, im); err != nil {
		t.Fatal(err)
	}

	counted, sentCount := store.WithQueryCounter(ctx)
	logged, statements := store.WithStatementLog(counted)
	needs, err := store.Related(logged, e.Store, store.ServiceNeeds, []string{"s1", "s2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get(logged, e.Store, store.ActorKind, []string{"a1"}); err != nil {
		t.Fatal(err)
	}
	sent := statements()
	if len(sent) != 2 || sentCount.Load() != 2 {
		t.Fatalf("kept %d statements of %d sent, want 2 of 2", len(sent), sentCount.Load())
	}
	if !strings.Contains(sent[0].Cypher, ":MEETS]") || !strings.Contains(sent[1].Cypher, "(n:Actor {id: id})") {
		t.Fatalf("not the statements sent, in order:\n%s\n%s", sent[0].Cypher, sent[1].Cypher)
	}
	if ids, ok := sent[0].Params["s0_ids"].([]string); !ok || strings.Join(ids, ",") != "s1,s2" {
		t.Fatalf("parameters as sent: %v", sent[0].Params)
	}

	// Run bare, the first gives each service's needs, as Related read them.
	session := e.Driver.NewSession(ctx, neo4j.SessionConfig{AccessMode: neo4j.AccessModeRead, DatabaseName: e.Config.Neo4jDatabase,
		BookmarkManager: e.Driver.ExecuteQueryBookmarkManager()})
	defer func() { _ = session.Close(ctx) }()
	res, err := session.Run(ctx, sent[0].Cypher, sent[0].Params)
	if err != nil {
		t.Fatal(err)
	}
	records, err := res.Collect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// One record, a list of [part, pid, items].
	got := map[string]int{}
	rows, _ := records[0].Get("rows")
	for _, r := range rows.([]any) {
		row := r.([]any)
		got[row[1].(string)] = len(row[2].([]any)[0].([]any))
	}
	if got["s1"] != len(needs["s1"]) || got["s2"] != len(needs["s2"]) || got["s1"] != 2 || got["s2"] != 1 {
		t.Fatalf("run bare: %v needs by service, Related read s1 %d, s2 %d", got, len(needs["s1"]), len(needs["s2"]))
	}
}
