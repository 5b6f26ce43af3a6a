package hsds

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/google/uuid"

	"snodo/auth"
	"snodo/model"
	"snodo/store"
)

// ImportOptions say how to import an HSDS dataset. Snodo requires of every service a category
// of its catalogue, a channel and a zone, and of every actor a zone, which other directories do
// not give: the defaults fill them where a record says nothing Snodo can resolve.
type ImportOptions struct {
	DryRun bool
	// Zone is the zone of the records whose service areas name no zone of Snodo: an ISTAT code
	// or a zone's key.
	Zone string
	// Category is the catalogue category (its code or key) of services in none of Snodo's.
	Category string
	// Channel is the channel of services that do not say (DESK when empty).
	Channel model.ServiceChannel
	// BatchSize is how many records each transaction writes (DefaultBatchSize when 0).
	BatchSize int
}

// DefaultBatchSize is how many records one transaction of an import writes.
const DefaultBatchSize = 200

// ImportProblem is a problem of a record: where it is (file and record ID), which field (a
// JSON pointer into the record), and what is wrong. A problem refuses the record's batch; a
// note only says what of the record Snodo does not keep.
type ImportProblem struct {
	File     string `json:"file"`
	RecordID string `json:"record_id"`
	Field    string `json:"field"`
	Message  string `json:"message"`
}

// ImportReport is what an import did, or with DryRun would do.
type ImportReport struct {
	DryRun bool `json:"dry_run"`
	// Counts by entity (zone, organization, service) and outcome (created, updated, unchanged,
	// conflict, refused).
	Counts    map[string]map[string]int `json:"counts"`
	Problems  []ImportProblem           `json:"problems"`
	Conflicts []ImportProblem           `json:"conflicts"`
	Notes     []ImportProblem           `json:"notes"`
	// RefusedBatches are the batches that wrote nothing, because of a problem of one of their
	// records.
	RefusedBatches int `json:"refused_batches"`
}

// OK reports whether the import went through whole: no problem, no conflict.
func (r *ImportReport) OK() bool { return len(r.Problems) == 0 && len(r.Conflicts) == 0 }

func (r *ImportReport) count(entity, outcome string) {
	if r.Counts[entity] == nil {
		r.Counts[entity] = map[string]int{}
	}
	r.Counts[entity][outcome]++
}

// entityOf names Snodo's labels as HSDS entities in a report.
var entityOf = map[string]string{"Zone": "zone", "Actor": "organization", "Service": "service", "Need": "need", "ServiceCategory": "category",
	"Partnership": "partnership", "PathwayModel": "pathway_model", "Route": "route"}

// extensionEntities are the entities of Snodo's extension files, which have no HSDS schema.
var extensionEntities = map[string]bool{"zone": true, "partnership": true, "pathway_model": true, "route": true}

// raw is a record as read: its entity, its file and its JSON.
type raw struct {
	entity, file string
	json         json.RawMessage
}

// importer is one import under way.
type importer struct {
	st       *store.Store
	opt      ImportOptions
	v        *Validator
	rep      *ImportReport
	zone     string // the default zone's key
	category string // the default category's key
	// mapped are the records mapped so far, by label and ID.
	mapped map[string]checked
}

// Import reads an HSDS dataset (a directory Export wrote, or of HSDS JSON files) or one HSDS
// JSON file (an object, an array of objects, or a page of a list), and imports its zones,
// organizations and services into the directory, idempotently by ID. Each record is checked
// against the HSDS schemas with the profile and by the rules of Snodo's mutations; a batch with a
// problem writes nothing. Only an administrator imports.
func Import(ctx context.Context, st *store.Store, path string, opt ImportOptions) (*ImportReport, error) {
	return importFrom(ctx, st, opt, func(im *importer) ([]raw, error) { return im.read(path) })
}

// File is a file of a dataset: its name (which says its entity) and its content.
type File struct {
	Name string
	Data []byte
}

// ImportFiles imports the files as Import imports a dataset's.
func ImportFiles(ctx context.Context, st *store.Store, files []File, opt ImportOptions) (*ImportReport, error) {
	return importFrom(ctx, st, opt, func(im *importer) ([]raw, error) {
		var out []raw
		for _, f := range files {
			if len(f.Data) > maxFileBytes {
				im.problem(f.Name, "", "", fmt.Sprintf("the file is larger than %d MB", maxFileBytes>>20))
				continue
			}
			out = append(out, im.items(filepath.Base(f.Name), f.Data)...)
		}
		return out, nil
	})
}

func importFrom(ctx context.Context, st *store.Store, opt ImportOptions, read func(*importer) ([]raw, error)) (*ImportReport, error) {
	if v := auth.From(ctx); v.Role != auth.Admin {
		return nil, model.Errorf(model.CodeForbidden, "only an administrator imports a directory")
	}
	v, err := NewValidator()
	if err != nil {
		return nil, err
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if opt.Channel == "" {
		opt.Channel = model.ServiceChannelDesk
	}
	if !opt.Channel.IsValid() {
		return nil, model.Errorf(model.CodeBadUserInput, "no channel %s", model.Quote(string(opt.Channel)))
	}
	im := &importer{st: st, opt: opt, v: v, rep: &ImportReport{DryRun: opt.DryRun, Counts: map[string]map[string]int{},
		Problems: []ImportProblem{}, Conflicts: []ImportProblem{}, Notes: []ImportProblem{}}, mapped: map[string]checked{}}
	if err := im.defaults(ctx); err != nil {
		return nil, err
	}
	raws, err := read(im)
	if err != nil {
		return nil, err
	}
	byLabel := map[string][]store.DirectoryRecord{}
	bad := map[string]bool{} // records with a problem, by label and ID
	add := func(recs []checked) {
		for _, rec := range recs {
			key := rec.Label + "/" + rec.ID
			if first, ok := im.mapped[key]; ok {
				// A record given twice (an organization nested in a service and given alone):
				// the first is kept.
				if !sameMapped(first.DirectoryRecord, rec.DirectoryRecord) {
					im.note(rec.Ref, rec.ID, "/id", "the dataset gives this record more than once, differently: the one in "+first.Ref+" is kept")
				}
				bad[key] = bad[key] || rec.bad
				continue
			}
			im.mapped[key] = rec
			if rec.bad {
				bad[key] = true
			}
			byLabel[rec.Label] = append(byLabel[rec.Label], rec.DirectoryRecord)
		}
	}
	// The dataset's own terms and zones first, so that its services and actors may name them.
	for _, r := range raws {
		if r.entity == "taxonomy_term" || r.entity == "zone" {
			add(im.records(ctx, r))
		}
	}
	for _, r := range raws {
		if r.entity != "taxonomy_term" && r.entity != "zone" {
			add(im.records(ctx, r))
		}
	}
	if err := im.dropMissingParents(ctx, byLabel["Actor"]); err != nil {
		return nil, err
	}
	// Terms and zones before the actors that operate in them, actors before their services.
	var batches [][]store.DirectoryRecord
	for _, label := range []string{"Need", "ServiceCategory", "Zone", "Actor", "Service", "Partnership", "PathwayModel", "Route"} {
		recs := parentsFirst(byLabel[label], parentLink[label])
		for start := 0; start < len(recs); start += opt.BatchSize {
			batches = append(batches, recs[start:min(start+opt.BatchSize, len(recs))])
		}
	}
	if !opt.DryRun {
		for _, b := range batches {
			im.batch(ctx, b, bad)
		}
		return im.rep, nil
	}
	// A dry run checks the batches that would be written in one transaction, rolled back, so
	// that a batch may rely on what an earlier one would have written.
	var all []store.DirectoryRecord
	for _, b := range batches {
		if im.refusedBatch(b, bad) {
			continue
		}
		all = append(all, b...)
	}
	if len(all) > 0 {
		im.batch(ctx, all, bad)
	}
	return im.rep, nil
}

// parentLink names the link by which records of a label name others of the same label.
var parentLink = map[string]string{"Need": "broader", "ServiceCategory": "broader", "Zone": "parents", "Actor": "parent", "Partnership": "parent"}

// parentsFirst orders the records so that each comes after the records of the dataset it names
// by the link, keeping their order otherwise, so that a batch never names a record of a later
// one. Records in a cycle keep their place; the import refuses them.
func parentsFirst(recs []store.DirectoryRecord, link string) []store.DirectoryRecord {
	if link == "" {
		return recs
	}
	index := make(map[string]int, len(recs))
	for i, r := range recs {
		index[r.ID] = i
	}
	out := make([]store.DirectoryRecord, 0, len(recs))
	state := make([]byte, len(recs)) // 0 new, 1 on the path, 2 placed
	var visit func(i int)
	visit = func(i int) {
		if state[i] != 0 {
			return
		}
		state[i] = 1
		for _, p := range recs[i].Links[link] {
			if j, ok := index[p]; ok {
				visit(j)
			}
		}
		state[i] = 2
		out = append(out, recs[i])
	}
	for i := range recs {
		visit(i)
	}
	return out
}

// dropMissingParents leaves out, with a note, a parent organization that neither the dataset
// nor Snodo has: an actor stands without it.
func (im *importer) dropMissingParents(ctx context.Context, actors []store.DirectoryRecord) error {
	var parents []string
	for _, a := range actors {
		parents = append(parents, a.Links["parent"]...)
	}
	if len(parents) == 0 {
		return nil
	}
	existing, err := im.st.ExistingKeys(ctx, "Actor", parents)
	if err != nil {
		return err
	}
	for _, a := range actors {
		for _, p := range a.Links["parent"] {
			if _, inDataset := im.mapped["Actor/"+p]; !inDataset && !existing[p] {
				im.note(a.Ref, a.ID, "/parent_organization_id", "the parent organization is neither in the dataset nor in Snodo: left out")
				a.Links["parent"] = nil
			}
		}
	}
	return nil
}

// refusedBatch counts a batch with a record with a problem as refused, and says so.
func (im *importer) refusedBatch(recs []store.DirectoryRecord, bad map[string]bool) bool {
	for _, r := range recs {
		if bad[r.Label+"/"+r.ID] {
			im.rep.RefusedBatches++
			for _, r := range recs {
				im.rep.count(entityOf[r.Label], "refused")
			}
			return true
		}
	}
	return false
}

// sameMapped reports whether two mappings of a record agree.
func sameMapped(a, b store.DirectoryRecord) bool {
	ja, _ := json.Marshal([]any{a.Props, a.Links})
	jb, _ := json.Marshal([]any{b.Props, b.Links})
	return string(ja) == string(jb)
}

// defaults resolves the default zone and category.
func (im *importer) defaults(ctx context.Context) error {
	if im.opt.Zone != "" {
		keys, err := im.st.ZoneKeysByIstat(ctx, []string{im.opt.Zone})
		if err != nil {
			return err
		}
		im.zone = keys[im.opt.Zone]
		if im.zone == "" {
			if _, err := uuid.Parse(im.opt.Zone); err == nil {
				im.zone = strings.ToLower(im.opt.Zone)
			} else {
				return model.Errorf(model.CodeBadUserInput, "no zone has the ISTAT code %s", model.Quote(im.opt.Zone))
			}
		}
	}
	if im.opt.Category != "" {
		keys, err := im.st.TermKeys(ctx, "ServiceCategory", []string{im.opt.Category})
		if err != nil {
			return err
		}
		if im.category = keys[im.opt.Category]; im.category == "" {
			return model.Errorf(model.CodeBadUserInput, "no category of the catalogue has the code %s", model.Quote(im.opt.Category))
		}
	}
	return nil
}

// batch imports one batch in one transaction, unless one of its records has a problem.
func (im *importer) batch(ctx context.Context, recs []store.DirectoryRecord, bad map[string]bool) {
	refuse := func() {
		im.rep.RefusedBatches++
		for _, r := range recs {
			im.rep.count(entityOf[r.Label], "refused")
		}
	}
	if im.refusedBatch(recs, bad) {
		return
	}
	outcomes, err := im.st.ImportDirectory(ctx, recs, im.opt.DryRun)
	var re *store.RecordError
	switch {
	case errors.As(err, &re):
		im.rep.Problems = append(im.rep.Problems, ImportProblem{File: re.Ref, RecordID: re.ID, Field: "/" + fieldOfLink[re.Field], Message: re.Message})
		refuse()
		return
	case err != nil:
		var me *model.Error
		if errors.As(err, &me) {
			im.rep.Problems = append(im.rep.Problems, ImportProblem{File: recs[0].Ref, Message: me.Message})
		} else {
			im.rep.Problems = append(im.rep.Problems, ImportProblem{File: recs[0].Ref, Message: "the batch could not be written: " + err.Error()})
		}
		refuse()
		return
	}
	for _, o := range outcomes {
		im.rep.count(entityOf[o.Label], o.Outcome)
		if o.Outcome == store.OutcomeConflict {
			im.rep.Conflicts = append(im.rep.Conflicts, ImportProblem{File: o.Ref, RecordID: o.ID, Message: o.Reason})
		}
	}
}

// fieldOfLink names a record's links by the HSDS fields they come from.
var fieldOfLink = map[string]string{
	"provider": "organization_id", "category": "attributes", "needs": "attributes", "zones": "service_areas",
	"parent": "parent_organization_id", "parents": "parent_ids", "broader": "parent_id",
}

// read collects the records of the path: a directory's JSON files, or one file.
func (im *importer) read(path string) ([]raw, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if info.IsDir() {
		files, err = filepath.Glob(filepath.Join(path, "*.json"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
	}
	var out []raw
	for _, f := range files {
		name := filepath.Base(f)
		if name == ManifestFile {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		if len(b) > maxFileBytes {
			im.problem(name, "", "", fmt.Sprintf("the file is larger than %d MB", maxFileBytes>>20))
			continue
		}
		out = append(out, im.items(name, b)...)
	}
	return out, nil
}

// maxFileBytes bounds the size of one file of a dataset.
const maxFileBytes = 256 << 20

// entityByName guesses the entity of a file's records from its name, as HSDS's examples and
// Snodo's datasets name them.
func entityByName(name string) string {
	n := strings.TrimSuffix(name, ".json")
	switch {
	case n == "snodo_zones":
		return "zone"
	case name == PartnershipsFile:
		return "partnership"
	case name == PathwayModelsFile:
		return "pathway_model"
	case name == RoutesFile:
		return "route"
	case strings.HasPrefix(n, "service_at_location"):
		return "service_at_location"
	case strings.HasPrefix(n, "service"):
		return "service"
	case strings.HasPrefix(n, "organization"):
		return "organization"
	case strings.HasPrefix(n, "taxonomy_term"):
		return "taxonomy_term"
	case strings.HasPrefix(n, "taxonom"):
		return "taxonomy"
	case n == "api_details" || n == "base":
		return "api"
	}
	return ""
}

// items splits a file into records: an array's items, a list page's contents (its envelope
// checked), or the one object.
func (im *importer) items(name string, b []byte) []raw {
	entity := entityByName(name)
	if entity == "" {
		im.note(name, "", "", "not an HSDS file Snodo reads (services, organizations, service_at_locations, taxonomies, taxonomy_terms) nor one of Snodo's extension files: skipped")
		return nil
	}
	var top any
	if err := json.Unmarshal(b, &top); err != nil {
		im.problem(name, "", "", "not JSON: "+err.Error())
		return nil
	}
	var list []json.RawMessage
	switch doc := top.(type) {
	case []any:
		if err := json.Unmarshal(b, &list); err != nil {
			im.problem(name, "", "", err.Error())
		}
	case map[string]any:
		if _, ok := doc["contents"]; ok {
			var page struct {
				Contents []json.RawMessage `json:"contents"`
			}
			if err := json.Unmarshal(b, &page); err != nil {
				im.problem(name, "", "/contents", "is not an array of objects")
				return nil
			}
			im.checkEnvelope(name, doc, len(page.Contents))
			list = page.Contents
		} else {
			list = []json.RawMessage{b}
		}
	default:
		im.problem(name, "", "", "is neither an object nor an array")
		return nil
	}
	out := make([]raw, 0, len(list))
	for _, item := range list {
		out = append(out, raw{entity: entity, file: name, json: item})
	}
	return out
}

// checkEnvelope checks that a list page's envelope agrees with itself and with its contents,
// as the ORUK validator does.
func (im *importer) checkEnvelope(file string, doc map[string]any, n int) {
	num := func(k string) (int, bool) {
		f, ok := doc[k].(float64)
		return int(f), ok && f == float64(int(f)) && f >= 0
	}
	total, ok1 := num("total_items")
	pages, ok2 := num("total_pages")
	page, ok3 := num("page_number")
	size, ok4 := num("size")
	first, ok5 := doc["first_page"].(bool)
	last, ok6 := doc["last_page"].(bool)
	empty, ok7 := doc["empty"].(bool)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		im.problem(file, "", "", "the paging envelope lacks total_items, total_pages, page_number, size, first_page, last_page or empty, or has one of the wrong type")
		return
	}
	switch {
	case size != n:
		im.problem(file, "", "/size", fmt.Sprintf("says %d items, the page holds %d", size, n))
	case empty != (total == 0):
		im.problem(file, "", "/empty", fmt.Sprintf("is %v with %d items in all", empty, total))
	case first != (page <= 1):
		im.problem(file, "", "/first_page", fmt.Sprintf("is %v on page %d", first, page))
	case last != (page >= pages):
		im.problem(file, "", "/last_page", fmt.Sprintf("is %v on page %d of %d", last, page, pages))
	case total < n || (total > 0 && pages == 0):
		im.problem(file, "", "/total_items", fmt.Sprintf("%d items in %d pages, %d on this page", total, pages, n))
	}
}

func (im *importer) problem(file, id, field, msg string) {
	im.rep.Problems = append(im.rep.Problems, ImportProblem{File: file, RecordID: id, Field: field, Message: msg})
}

func (im *importer) note(file, id, field, msg string) {
	im.rep.Notes = append(im.rep.Notes, ImportProblem{File: file, RecordID: id, Field: field, Message: msg})
}

// checked is a record to import, and whether it has a problem.
type checked struct {
	store.DirectoryRecord
	bad bool
}

// records turns one raw record into the records to import, checking it.
func (im *importer) records(ctx context.Context, r raw) []checked {
	id := recordID(r.json)
	if !extensionEntities[r.entity] && r.entity != "api" {
		problems, err := im.v.Validate(r.entity, r.json)
		if err != nil {
			im.problem(r.file, id, "", err.Error())
			return nil
		}
		for _, p := range problems {
			im.problem(r.file, id, p.Field, p.Message)
		}
		if len(problems) > 0 {
			return im.refused(r, id)
		}
	}
	switch r.entity {
	case "api":
		im.checkAPIDetails(r)
		return nil
	case "taxonomy":
		if id != NeedTaxonomy.ID && id != CatalogueTaxonomy.ID {
			im.note(r.file, id, "", "only Snodo's own taxonomies (needs, the service catalogue) are imported; services are linked to other terms by ID or code when Snodo has them")
		}
		return nil
	case "taxonomy_term":
		return im.termRecord(r, id)
	case "zone":
		return im.zoneRecord(r, id)
	case "partnership":
		return im.partnershipRecord(r, id)
	case "pathway_model":
		return im.pathwayModelRecord(r, id)
	case "route":
		return im.routeRecord(r, id)
	case "organization":
		return im.organizationRecords(ctx, r, id)
	case "service":
		return im.serviceRecords(ctx, r, id, nil)
	case "service_at_location":
		return im.serviceAtLocationRecords(ctx, r, id)
	}
	return nil
}

// refused stands for a record that failed its schema: it counts as refused and refuses its
// batch, so a refused record never leaves a batch half-written.
func (im *importer) refused(r raw, id string) []checked {
	label := map[string]string{"organization": "Actor", "service": "Service", "service_at_location": "Service", "zone": "Zone",
		"partnership": "Partnership", "pathway_model": "PathwayModel", "route": "Route"}[r.entity]
	if label == "" {
		return nil
	}
	return []checked{{DirectoryRecord: store.DirectoryRecord{Label: label, ID: id, Ref: r.file}, bad: true}}
}

func recordID(b json.RawMessage) string {
	var r struct {
		ID any `json:"id"`
	}
	_ = json.Unmarshal(b, &r)
	if s, ok := r.ID.(string); ok {
		return s
	}
	return ""
}

// checkAPIDetails checks the root document of an HSDS API (GET /): version, profile and
// openapi_url, the last two absolute URLs.
func (im *importer) checkAPIDetails(r raw) {
	var d map[string]any
	if err := json.Unmarshal(r.json, &d); err != nil {
		im.problem(r.file, "", "", "not a JSON object")
		return
	}
	if v, _ := d["version"].(string); v == "" {
		im.problem(r.file, "", "/version", "the API names no HSDS version")
	}
	for _, k := range []string{"profile", "openapi_url"} {
		s, _ := d[k].(string)
		if u, err := url.Parse(s); s != "" && (err != nil || !u.IsAbs() || u.Host == "") {
			im.problem(r.file, "", "/"+k, fmt.Sprintf("%s is not an absolute URL", model.Quote(s)))
		}
	}
	im.note(r.file, "", "", "API details: checked, nothing to import")
}
