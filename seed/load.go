package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/hsds"
	"snodo/store"
)

// namespace makes the demo network's IDs: the same key always gives the same ID.
var namespace = uuid.MustParse("6f1c4f0e-5b7a-4d3e-9a51-2f0d8c7e6a10")

// ID returns the node ID of the record of the kind with the key.
func ID(kind, key string) string { return uuid.NewSHA1(namespace, []byte(kind+":"+key)).String() }

// Load imports the network's directory through the HSDS importer, as an administrator, and
// then writes its case history and figures through the store. Loading it twice writes nothing
// the second time (cases, whose IDs are random, are found by their codes); a directory record
// edited since the first load is left as it is (the importer's conflict). It returns how many
// nodes of each label and relationships of each type it created (the directory's by label).
func Load(ctx context.Context, st *store.Store, n Network) (map[string]int, error) {
	created, err := loadDirectory(ctx, st, n.Directory)
	if err != nil {
		return nil, err
	}
	codes := []string{}
	for _, c := range n.allCases() {
		codes = append(codes, c.Code)
	}
	loaded, err := st.ExistingCaseCodes(ctx, codes)
	if err != nil {
		return nil, err
	}
	rest, err := st.Import(ctx, n.importSkipping(loaded))
	if err != nil {
		return nil, err
	}
	for k, v := range rest {
		created[k] += v
	}
	return created, nil
}

// labelOf names the importer's entities by Snodo's labels.
var labelOf = map[string]string{"zone": "Zone", "need": "Need", "category": "ServiceCategory", "organization": "Actor",
	"service": "Service", "partnership": "Partnership", "pathway_model": "PathwayModel", "route": "Route"}

// loadDirectory imports the dataset's files, refusing them whole if the importer finds a
// problem in any.
func loadDirectory(ctx context.Context, st *store.Store, files []hsds.File) (map[string]int, error) {
	created := map[string]int{}
	if len(files) == 0 {
		return created, nil
	}
	ctx = auth.WithViewer(ctx, auth.Viewer{Subject: "snodo seed", Role: auth.Admin})
	rep, err := hsds.ImportFiles(ctx, st, files, hsds.ImportOptions{})
	if err != nil {
		return nil, err
	}
	if len(rep.Problems) > 0 {
		p := rep.Problems[0]
		return nil, fmt.Errorf("the demo dataset has %d problems; the first: %s, record %s, %s: %s", len(rep.Problems), p.File, p.RecordID, p.Field, p.Message)
	}
	for entity, outcomes := range rep.Counts {
		created[labelOf[entity]] += outcomes[store.OutcomeCreated]
	}
	return created, nil
}

// Import turns the network's case history and figures into the store's bulk form, keys into
// IDs; each call gives its cases new random IDs. The directory is not in it: Load imports it.
func (n Network) Import() store.Import { return n.importSkipping(nil) }

// importSkipping is Import without the cases whose codes are in skip.
func (n Network) importSkipping(skip map[string]bool) store.Import {
	im := store.Import{Nodes: map[string][]store.ImportNode{}, Links: map[store.LinkType][]store.ImportLink{}}
	node := func(label, key string, props map[string]any) {
		im.Nodes[label] = append(im.Nodes[label], store.ImportNode{ID: ID(label, key), Props: props})
	}
	link := func(lt store.LinkType, from, to string, props map[string]any) {
		im.Links[lt] = append(im.Links[lt], store.ImportLink{From: ID(lt.From, from), To: ID(lt.To, to), Props: props})
	}
	n.importCases(node, link, skip)
	n.importFigures(node, link)
	return im
}

// opt maps "" to no property at all.
func opt(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}

func optDate(s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return neo4j.DateOf(t)
}
