package seed

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"sort"

	"snodo/hsds"
	"snodo/model"
)

// data is the demo network's directory as an HSDS dataset, the files `snodo export hsds --full`
// writes (docs/hsds.md): organizations, services, the two taxonomies and their terms, and
// Snodo's extension files (zones, partnerships, pathway models, routes). Its zones are ISTAT's
// list for Tuscany (1 January 2020: 273 municipalities, 10 provinces), the social and health
// districts and health-agency areas the source documents name, and the Lombard zones of InLav
// and the SIL. demo_keys.json is no part of the dataset: it holds the demo's stable keys, by
// which the case generator and the tests name records (a record's ID is ID(kind, key)).
//
//go:embed data/*.json
var data embed.FS

// keysFile is the file of the demo's keys.
const keysFile = "demo_keys.json"

// DatasetFiles returns the files of the demo's HSDS dataset, as the importer reads them.
func DatasetFiles() []hsds.File {
	entries, err := data.ReadDir("data")
	if err != nil {
		panic(err)
	}
	var out []hsds.File
	for _, e := range entries {
		if e.Name() == keysFile || e.Name() == hsds.ManifestFile {
			continue
		}
		out = append(out, hsds.File{Name: e.Name(), Data: dataFile(e.Name())})
	}
	return out
}

func dataFile(name string) []byte {
	b, err := data.ReadFile(path.Join("data", name))
	if err != nil {
		panic(err)
	}
	return b
}

// directory is the network's directory read from the dataset, once: the records in the order of
// the keys file (the order the generator draws in), then those without a key by ID.
var directory = mustReadDirectory()

func mustReadDirectory() Network {
	n, err := readDirectory()
	if err != nil {
		panic("seed: the embedded demo dataset does not read: " + err.Error())
	}
	return n
}

// keyring maps the dataset's IDs to the demo's keys.
type keyring struct {
	byID  map[string]string
	order map[string][]string // by label, the IDs in the keys file's order
}

func readKeys() (keyring, error) {
	var keys map[string][]string
	if err := json.Unmarshal(dataFile(keysFile), &keys); err != nil {
		return keyring{}, err
	}
	k := keyring{byID: map[string]string{}, order: map[string][]string{}}
	for label, list := range keys {
		for _, key := range list {
			id := ID(label, key)
			k.byID[id] = key
			k.order[label] = append(k.order[label], id)
		}
	}
	return k, nil
}

// key is the demo's key of the record with the ID, or the ID itself for a record without one.
func (k keyring) key(id string) string {
	if key, ok := k.byID[id]; ok {
		return key
	}
	return id
}

func (k keyring) keys(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = k.key(id)
	}
	return out
}

// ordered returns the records of the label in the keys file's order, then the others by ID,
// refusing a key whose record the dataset lacks.
func ordered[T any](k keyring, label string, byID map[string]T) ([]T, error) {
	out := make([]T, 0, len(byID))
	seen := map[string]bool{}
	for _, id := range k.order[label] {
		r, ok := byID[id]
		if !ok {
			return nil, fmt.Errorf("%s: the dataset has no %s with the key %q (ID %s)", keysFile, label, k.byID[id], id)
		}
		out = append(out, r)
		seen[id] = true
	}
	var rest []string
	for id := range byID {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	for _, id := range rest {
		out = append(out, byID[id])
	}
	return out, nil
}

func decodeFile(name string, into any) error {
	if err := json.Unmarshal(dataFile(name), into); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// readDirectory reads the dataset into the network's directory, with keys for IDs. The importer
// checks the records when Load imports them; this reads only what the case generator and the
// tests use.
func readDirectory() (Network, error) {
	var n Network
	k, err := readKeys()
	if err != nil {
		return n, err
	}
	var zones []hsds.Zone
	var terms []hsds.TaxonomyTerm
	var orgs []hsds.Organization
	var services []hsds.Service
	var partnerships []hsds.Partnership
	var models []hsds.PathwayModel
	var routes []hsds.Route
	for name, into := range map[string]any{hsds.ZonesFile: &zones, hsds.TermsFile: &terms, hsds.OrganizationsFile: &orgs,
		hsds.ServicesFile: &services, hsds.PartnershipsFile: &partnerships, hsds.PathwayModelsFile: &models, hsds.RoutesFile: &routes} {
		if err := decodeFile(name, into); err != nil {
			return n, err
		}
	}

	zoneByID := map[string]Zone{}
	for _, z := range zones {
		zoneByID[z.ID] = Zone{Key: k.key(z.ID), Name: z.Name, Kind: model.ZoneKind(z.Kind), IstatCode: z.IstatCode, Parents: k.keys(z.ParentIDs)}
	}
	needByID, categoryByID := map[string]Need{}, map[string]Category{}
	for _, t := range terms {
		broader := ""
		if t.ParentID != "" {
			broader = k.key(t.ParentID)
		}
		switch t.TaxonomyID {
		case hsds.NeedTaxonomy.ID:
			needByID[t.ID] = Need{Code: t.Code, LabelIt: t.Name, LabelEn: t.NameEn, Broader: broader}
		case hsds.CatalogueTaxonomy.ID:
			categoryByID[t.ID] = Category{Code: t.Code, LabelIt: t.Name, LabelEn: t.NameEn, Broader: broader}
		}
	}
	actorByID := map[string]Actor{}
	for _, o := range orgs {
		a := Actor{Key: k.key(o.ID), Name: o.Name, Kind: model.ActorKind(o.Kind), Location: pointOf(o.Locations)}
		for _, area := range o.Areas {
			a.Zones = append(a.Zones, k.key(area.ZoneID))
		}
		if o.ParentOrganizationID != "" {
			a.Parent = k.key(o.ParentOrganizationID)
		}
		actorByID[o.ID] = a
	}
	serviceByID := map[string]Service{}
	for _, s := range services {
		status, ok := hsds.StatusOf(s.Status)
		if !ok {
			return n, fmt.Errorf("%s: service %s has the status %q", hsds.ServicesFile, s.ID, s.Status)
		}
		sv := Service{Key: k.key(s.ID), Provider: k.key(s.OrganizationID), Name: s.Name, Channel: model.ServiceChannel(s.Channel),
			Status: status, Confidential: s.Confidential}
		for _, at := range s.ServiceAtLocations {
			if at.Location != nil && sv.Location == nil {
				sv.Location = pointOf([]hsds.Location{*at.Location})
			}
		}
		for _, area := range s.ServiceAreas {
			sv.Zones = append(sv.Zones, k.key(area.ZoneID))
		}
		for _, a := range s.Attributes {
			if a.TaxonomyTerm == nil {
				continue
			}
			switch a.TaxonomyTerm.TaxonomyID {
			case hsds.NeedTaxonomy.ID:
				sv.Needs = append(sv.Needs, k.key(a.TaxonomyTermID))
			case hsds.CatalogueTaxonomy.ID:
				sv.Category = k.key(a.TaxonomyTermID)
			}
		}
		for _, c := range s.Capacities {
			if c.Maximum != nil && c.Available != nil {
				sv.Capacity, sv.FreePlaces = *c.Maximum, *c.Available
			}
		}
		serviceByID[s.ID] = sv
	}
	partnershipByID := map[string]Partnership{}
	for _, p := range partnerships {
		out := Partnership{Key: k.key(p.ID), Title: p.Title, Kind: model.PartnershipKind(p.Kind), Status: model.PartnershipStatus(p.Status),
			Zones: k.keys(p.ZoneIDs)}
		if p.ParentID != "" {
			out.Parent = k.key(p.ParentID)
		}
		for _, m := range p.Members {
			out.Members = append(out.Members, Member{Actor: k.key(m.OrganizationID), Role: model.MemberRole(m.Role), Since: m.Since})
		}
		partnershipByID[p.ID] = out
	}
	modelByID := map[string]PathwayModel{}
	stageOf := map[string][2]string{} // a stage's ID: its model's key and its code
	for _, m := range models {
		out := PathwayModel{Key: k.key(m.ID), Name: m.Name, Description: m.Description, MaxDurationDays: m.MaxDurationDays}
		for _, st := range m.Stages {
			out.Stages = append(out.Stages, Stage{Code: st.Code, Name: st.Name, AllowedBack: st.AllowedBack})
			stageOf[st.ID] = [2]string{out.Key, st.Code}
		}
		modelByID[m.ID] = out
	}
	routeByID := map[string]Route{}
	for _, r := range routes {
		end := func(e hsds.RouteEnd) End {
			if e.Entity == "service" {
				return End{Kind: EndService, Key: k.key(e.ID)}
			}
			return End{Kind: EndActor, Key: k.key(e.ID)}
		}
		out := Route{Key: k.key(r.ID), From: end(r.From), To: end(r.To), Needs: k.keys(r.NeedIDs), Instrument: r.Instrument}
		if st, ok := stageOf[r.StageID]; ok {
			out.Model, out.Stage = st[0], st[1]
		}
		if r.PartnershipID != "" {
			out.Partnership = k.key(r.PartnershipID)
		}
		routeByID[r.ID] = out
	}
	for _, step := range []func() error{
		func() (err error) { n.Zones, err = ordered(k, "Zone", zoneByID); return },
		func() (err error) { n.Needs, err = ordered(k, "Need", needByID); return },
		func() (err error) { n.Categories, err = ordered(k, "ServiceCategory", categoryByID); return },
		func() (err error) { n.Actors, err = ordered(k, "Actor", actorByID); return },
		func() (err error) { n.Services, err = ordered(k, "Service", serviceByID); return },
		func() (err error) { n.Partnerships, err = ordered(k, "Partnership", partnershipByID); return },
		func() (err error) { n.PathwayModels, err = ordered(k, "PathwayModel", modelByID); return },
		func() (err error) { n.Routes, err = ordered(k, "Route", routeByID); return },
	} {
		if err := step(); err != nil {
			return n, err
		}
	}
	return n, nil
}
