package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"snodo/auth"
	"snodo/model"
)

// DirectoryRecord is a record of the directory to import by its key, already checked by the
// mutations' rules (model.Check, CheckPartnership, CheckPathwayModel, CheckRoute) by the caller:
// its plain properties and its links.
type DirectoryRecord struct {
	// Label is Need, ServiceCategory, Zone, Actor, Service, Partnership, PathwayModel or Route.
	Label string
	ID    string
	// Ref names the record for a report: its file, say.
	Ref   string
	Props map[string]any
	// ModifiedAt is when the record was last changed where it comes from; a record changed in
	// Snodo after it is a conflict, and stays as it is. Nil means unknown: a record that
	// differs from Snodo's is then a conflict too.
	ModifiedAt *time.Time
	// Links by relationship: a zone's PART_OF parents; an actor's OPERATES_IN zones and PART_OF
	// parent; a service's provider (PROVIDES, from the actor), IN_CATEGORY category, MEETS
	// needs and AVAILABLE_IN zones; a partnership's COVERS zones and PART_OF parent; a route's
	// ends (fromActor or fromService, toActor or toService), FOR needs, IN_STAGE stage and
	// GOVERNED_BY partnership. Each is a list of keys.
	Links map[string][]string
	// Members are a partnership's members with their roles; Stages a pathway model's stages in
	// order. Either, given, replaces what Snodo has.
	Members []MemberRecord
	Stages  []StageRecord
	// PlacesUpdatedAt, for a service, is the time its free places are set to when the record
	// changes them (a sheet carries no time of its own for its places).
	PlacesUpdatedAt *time.Time
}

// The outcomes of a record's import.
const (
	OutcomeCreated   = "created"
	OutcomeUpdated   = "updated"
	OutcomeUnchanged = "unchanged"
	OutcomeConflict  = "conflict"
)

// DirectoryOutcome is what the import did, or would do, with a record.
type DirectoryOutcome struct {
	Label, ID, Ref, Outcome string
	// Reason says why a conflict is one.
	Reason string
}

// RecordError is a batch refused for a record: what is wrong with it, at which field.
type RecordError struct {
	Label, ID, Ref, Field, Message string
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("%s %s (%s), %s: %s", e.Label, e.ID, e.Ref, e.Field, e.Message)
}

// linkSpec is how a record's links are stored: the relationship, the label at the other end,
// and whether the relationship points to the record (a provider PROVIDES the service).
type linkSpec struct {
	rel, label string
	incoming   bool
	one        bool
}

var importLinks = map[string]map[string]linkSpec{
	"Need":            {"broader": {rel: "BROADER", label: "Need", one: true}},
	"ServiceCategory": {"broader": {rel: "BROADER", label: "ServiceCategory", one: true}},
	"Zone":            {"parents": {rel: "PART_OF", label: "Zone"}},
	"Actor":           {"zones": {rel: "OPERATES_IN", label: "Zone"}, "parent": {rel: "PART_OF", label: "Actor", one: true}},
	"Service": {
		"provider": {rel: "PROVIDES", label: "Actor", incoming: true, one: true}, "category": {rel: "IN_CATEGORY", label: "ServiceCategory", one: true},
		"needs": {rel: "MEETS", label: "Need"}, "zones": {rel: "AVAILABLE_IN", label: "Zone"},
	},
	"Partnership":  {"zones": {rel: "COVERS", label: "Zone"}, "parent": {rel: "PART_OF", label: "Partnership", one: true}},
	"PathwayModel": {},
	"Route": {
		"fromActor": {rel: "FROM", label: "Actor", one: true}, "fromService": {rel: "FROM", label: "Service", one: true},
		"toActor": {rel: "TO", label: "Actor", one: true}, "toService": {rel: "TO", label: "Service", one: true},
		"needs": {rel: "FOR", label: "Need"}, "stage": {rel: "IN_STAGE", label: "Stage", one: true},
		"partnership": {rel: "GOVERNED_BY", label: "Partnership", one: true},
	},
}

// requiredLinks are the links a record must have, as the mutations require them.
var requiredLinks = map[string][]string{"Actor": {"zones"}, "Service": {"provider", "category", "zones"}, "Partnership": {"zones"}}

var errDryRun = errors.New("dry run")

// ImportDirectory imports the records in one transaction: each is created, updated, left
// unchanged or, when Snodo's record was changed after the imported one, left as a conflict. A
// record whose links name what does not exist refuses the whole batch with a *RecordError, and
// nothing is written. A dry run does all of it and rolls back. Only an administrator imports.
func (s *Store) ImportDirectory(ctx context.Context, records []DirectoryRecord, dryRun bool) ([]DirectoryOutcome, error) {
	if v := auth.From(ctx); v.Role != auth.Admin {
		return nil, forbidden(v)
	}
	var outcomes []DirectoryOutcome
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		outcomes = outcomes[:0]
		now := s.now()
		var linked []DirectoryRecord
		for _, r := range records {
			specs, ok := importLinks[r.Label]
			if !ok {
				return 0, &RecordError{r.Label, r.ID, r.Ref, "", "Snodo imports needs, categories, zones, actors, services, partnerships, pathway models and routes only"}
			}
			if r.Label == "Route" {
				var err error
				if r, err = prepareRoute(r); err != nil {
					return 0, err
				}
			}
			for _, name := range requiredLinks[r.Label] {
				if len(r.Links[name]) == 0 {
					return 0, &RecordError{r.Label, r.ID, r.Ref, name, "is required"}
				}
			}
			o, err := importNode(ctx, tx, r, specs, now)
			if err != nil {
				return 0, err
			}
			outcomes = append(outcomes, o)
			if o.Outcome == OutcomeCreated || o.Outcome == OutcomeUpdated {
				linked = append(linked, r)
			}
		}
		// Links once every node of the batch is there, so that they may name each other.
		for _, r := range linked {
			if err := importLinksOf(ctx, tx, r, importLinks[r.Label]); err != nil {
				return 0, err
			}
			switch r.Label {
			case "Partnership":
				if err := setMembers(ctx, tx, r); err != nil {
					return 0, err
				}
			case "PathwayModel":
				if err := importStages(ctx, tx, r); err != nil {
					return 0, err
				}
			}
		}
		if dryRun {
			return 0, errDryRun
		}
		return 0, nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return outcomes, err
}

// importNode creates or updates the node of the record, or says why it stays.
func importNode(ctx context.Context, tx neo4j.ManagedTransaction, r DirectoryRecord, specs map[string]linkSpec, now time.Time) (DirectoryOutcome, error) {
	o := DirectoryOutcome{Label: r.Label, ID: r.ID, Ref: r.Ref}
	records, err := run(ctx, tx, "MATCH (n:"+r.Label+" {id: $id}) RETURN n", map[string]any{"id": r.ID})
	if err != nil {
		return o, err
	}
	if r.PlacesUpdatedAt != nil {
		var have any
		if len(records) > 0 {
			have = records[0].Values[0].(neo4j.Node).Props["freePlaces"]
		}
		if r.Props["freePlaces"] != nil && !sameValue(have, r.Props["freePlaces"]) {
			r.Props = merge(r.Props, map[string]any{"placesUpdatedAt": *r.PlacesUpdatedAt})
		}
	}
	if len(records) == 0 {
		_, err := run(ctx, tx, "CREATE (n:"+r.Label+" {id: $id, createdAt: $now, updatedAt: $now, version: 1}) SET n += $props",
			map[string]any{"id": r.ID, "now": now, "props": driverParams(r.Props)})
		o.Outcome = OutcomeCreated
		return o, err
	}
	node := records[0].Values[0].(neo4j.Node)
	same, err := sameRecord(ctx, tx, node, r, specs)
	if err != nil {
		return o, err
	}
	if same {
		o.Outcome = OutcomeUnchanged
		return o, nil
	}
	updated := props(node.Props).time("updatedAt")
	switch {
	case r.ModifiedAt == nil:
		o.Outcome, o.Reason = OutcomeConflict, "the record carries no modification time and differs from Snodo's"
		return o, nil
	case updated.After(*r.ModifiedAt):
		o.Outcome, o.Reason = OutcomeConflict, fmt.Sprintf("changed in Snodo at %s, after the record's modification time %s",
			updated.UTC().Format(time.RFC3339), r.ModifiedAt.UTC().Format(time.RFC3339))
		return o, nil
	}
	_, err = run(ctx, tx, "MATCH (n:"+r.Label+" {id: $id}) SET n += $props, "+touch,
		map[string]any{"id": r.ID, "now": now, "props": driverParams(r.Props)})
	o.Outcome = OutcomeUpdated
	return o, err
}

// sameRecord reports whether the node already holds the record: its properties and its links.
func sameRecord(ctx context.Context, tx neo4j.ManagedTransaction, node neo4j.Node, r DirectoryRecord, specs map[string]linkSpec) (bool, error) {
	for k, want := range r.Props {
		if !sameValue(node.Props[k], want) {
			return false, nil
		}
	}
	for name, spec := range specs {
		have, err := linkKeys(ctx, tx, r, spec)
		if err != nil {
			return false, err
		}
		want := slices.Clone(r.Links[name])
		sort.Strings(want)
		want = slices.Compact(want)
		if !slices.Equal(have, want) {
			return false, nil
		}
	}
	switch r.Label {
	case "Partnership":
		return sameMembers(ctx, tx, r)
	case "PathwayModel":
		return sameStages(ctx, tx, r)
	}
	return true, nil
}

// sameValue compares a stored property with one to store, as Neo4j gives it back.
func sameValue(have, want any) bool {
	want = driverValue(want)
	switch w := want.(type) {
	case nil:
		return have == nil
	case bool:
		h, _ := have.(bool) // an absent flag is false
		return h == w
	case int:
		h, ok := have.(int64)
		return ok && h == int64(w)
	case []string:
		h, _ := have.([]any)
		if len(h) != len(w) {
			return false
		}
		for i := range w {
			if h[i] != w[i] {
				return false
			}
		}
		return true
	case time.Time:
		h, ok := have.(time.Time)
		return ok && h.Equal(w)
	case dbtype.Date:
		h, ok := have.(dbtype.Date)
		return ok && h.Time().Equal(w.Time())
	}
	return reflect.DeepEqual(have, want)
}

func linkKeys(ctx context.Context, tx neo4j.ManagedTransaction, r DirectoryRecord, spec linkSpec) ([]string, error) {
	pattern := "(n)-[:" + spec.rel + "]->(x:" + spec.label + ")"
	if spec.incoming {
		pattern = "(n)<-[:" + spec.rel + "]-(x:" + spec.label + ")"
	}
	records, err := run(ctx, tx, "MATCH (n:"+r.Label+" {id: $id}) MATCH "+pattern+" RETURN x.id ORDER BY x.id", map[string]any{"id": r.ID})
	if err != nil {
		return nil, err
	}
	out := make([]string, len(records))
	for i, rec := range records {
		out[i], _ = rec.Values[0].(string)
	}
	return slices.Compact(out), nil
}

// importLinksOf replaces the record's links with its own, refusing one to what is not there.
func importLinksOf(ctx context.Context, tx neo4j.ManagedTransaction, r DirectoryRecord, specs map[string]linkSpec) error {
	names := make([]string, 0, len(specs))
	for name := range specs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		spec := specs[name]
		keys := r.Links[name]
		if spec.one && len(keys) > 1 {
			return &RecordError{r.Label, r.ID, r.Ref, name, "names one record, not several"}
		}
		records, err := run(ctx, tx, "UNWIND $keys AS k OPTIONAL MATCH (x:"+spec.label+" {id: k}) WITH k, x WHERE x IS NULL RETURN k",
			map[string]any{"keys": orEmpty(keys)})
		if err != nil {
			return err
		}
		if len(records) > 0 {
			return &RecordError{r.Label, r.ID, r.Ref, name, fmt.Sprintf("no %s has the ID %v", spec.label, records[0].Values[0])}
		}
		if slices.Contains(keys, r.ID) {
			return &RecordError{r.Label, r.ID, r.Ref, name, "a record does not name itself"}
		}
		pattern, create := "(n)-[old:"+spec.rel+"]->(:"+spec.label+")", "CREATE (n)-[:"+spec.rel+"]->(x)"
		if spec.incoming {
			pattern, create = "(n)<-[old:"+spec.rel+"]-(:"+spec.label+")", "CREATE (n)<-[:"+spec.rel+"]-(x)"
		}
		_, err = run(ctx, tx, "MATCH (n:"+r.Label+" {id: $id}) CALL (n) { MATCH "+pattern+" DELETE old } "+
			"WITH n UNWIND $keys AS k MATCH (x:"+spec.label+" {id: k}) "+create,
			map[string]any{"id": r.ID, "keys": orEmpty(keys)})
		if err != nil {
			return err
		}
	}
	if rel := map[string]string{"Zone": "PART_OF", "Need": "BROADER", "ServiceCategory": "BROADER", "Partnership": "PART_OF"}[r.Label]; rel != "" {
		// The zone graph and the taxonomies stay acyclic, as updateZone keeps the zones.
		records, err := run(ctx, tx, "MATCH (n:"+r.Label+" {id: $id}) RETURN EXISTS { (n)-[:"+rel+"]->+(n) }", map[string]any{"id": r.ID})
		if err != nil {
			return err
		}
		if records[0].Values[0] == true {
			return &RecordError{r.Label, r.ID, r.Ref, "parents", "would make the record its own ancestor"}
		}
	}
	return nil
}

// ZoneKeysByIstat returns the keys of the zones with the ISTAT codes.
func (s *Store) ZoneKeysByIstat(ctx context.Context, codes []string) (map[string]string, error) {
	return readPairs(ctx, s, "UNWIND $codes AS c MATCH (z:Zone {istatCode: c}) RETURN c, z.id", map[string]any{"codes": codes})
}

// TermKeys returns the keys of the needs and categories by key or code: every key given that
// is one, and every code given with its key.
func (s *Store) TermKeys(ctx context.Context, label string, keysOrCodes []string) (map[string]string, error) {
	if label != "Need" && label != "ServiceCategory" {
		return nil, model.Errorf(model.CodeBadUserInput, "no taxonomy %s", label)
	}
	return readPairs(ctx, s, "UNWIND $ks AS k MATCH (x:"+label+") WHERE x.id = k OR x.code = k RETURN k, x.id", map[string]any{"ks": keysOrCodes})
}

// readPairs reads a statement that returns two strings a row as a map from the first to the
// second.
func readPairs(ctx context.Context, s *Store, cypher string, params map[string]any) (map[string]string, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]string, error) {
		records, err := run(ctx, tx, cypher, params)
		if err != nil {
			return nil, err
		}
		out := map[string]string{}
		for _, r := range records {
			out[r.Values[0].(string)] = r.Values[1].(string)
		}
		return out, nil
	})
}

// ExistingKeys reports which of the keys are nodes of the label.
func (s *Store) ExistingKeys(ctx context.Context, label string, keys []string) (map[string]bool, error) {
	if _, ok := importLinks[label]; !ok {
		return nil, model.Errorf(model.CodeBadUserInput, "no label %s", label)
	}
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string]bool, error) {
		records, err := run(ctx, tx, "UNWIND $keys AS k MATCH (n:"+label+" {id: k}) RETURN k", map[string]any{"keys": keys})
		if err != nil {
			return nil, err
		}
		out := map[string]bool{}
		for _, r := range records {
			out[r.Values[0].(string)] = true
		}
		return out, nil
	})
}

// ActorKeys returns, for each reference, the keys of the actors it names: by key, by tax code,
// or by name (case folded). A name two actors share names both.
func (s *Store) ActorKeys(ctx context.Context, refs []string) (map[string][]string, error) {
	return read(ctx, s, func(tx neo4j.ManagedTransaction) (map[string][]string, error) {
		records, err := run(ctx, tx, `UNWIND $refs AS ref
			CALL (ref) {
				MATCH (a:Actor {id: ref}) RETURN a
				UNION MATCH (a:Actor {taxCode: ref}) RETURN a
				UNION MATCH (a:Actor {name: ref}) RETURN a
				UNION CALL db.index.fulltext.queryNodes('actor_search', $quoted[ref]) YIELD node AS a
				      WITH a WHERE toLower(a.name) = toLower(ref) RETURN a
			}
			RETURN ref, collect(DISTINCT a.id)`, map[string]any{"refs": refs, "quoted": quotedNames(refs)})
		if err != nil {
			return nil, err
		}
		out := map[string][]string{}
		for _, r := range records {
			for _, k := range r.Values[1].([]any) {
				out[r.Values[0].(string)] = append(out[r.Values[0].(string)], k.(string))
			}
		}
		return out, nil
	})
}

// quotedNames are the names as Lucene phrase queries, to find a name whatever its case.
func quotedNames(refs []string) map[string]string {
	out := make(map[string]string, len(refs))
	for _, r := range refs {
		q := searchQuery(r)
		if q == "" {
			q = "\"\""
		}
		out[r] = q
	}
	return out
}
