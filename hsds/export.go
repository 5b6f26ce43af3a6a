package hsds

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"snodo/auth"
	"snodo/store"
)

// The files of an HSDS dataset as Snodo writes and reads it: one JSON array per entity, of
// whole objects (services with their parts), and Snodo's extension files for what HSDS cannot
// carry (extension.go).
const (
	ManifestFile      = "dataset.json"
	OrganizationsFile = "organizations.json"
	ServicesFile      = "services.json"
	TaxonomiesFile    = "taxonomies.json"
	TermsFile         = "taxonomy_terms.json"
	// ZonesFile is Snodo's extension: the zone graph with every parent of each zone.
	ZonesFile = "snodo_zones.json"
)

// DatasetFiles are the entity files of a dataset and the HSDS entity of their items; the zones
// file is Snodo's and has no HSDS schema.
var DatasetFiles = []struct{ File, Entity string }{
	{OrganizationsFile, "organization"}, {ServicesFile, "service"},
	{TaxonomiesFile, "taxonomy"}, {TermsFile, "taxonomy_term"},
}

// Zone is a zone of Snodo's extension file.
type Zone struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Kind      string   `json:"kind"`
	IstatCode string   `json:"istat_code,omitempty"`
	Status    string   `json:"status"`
	ParentIDs []string `json:"parent_ids,omitempty"`
	// LastModified is when the zone last changed.
	LastModified string `json:"last_modified,omitempty"`
}

// Manifest describes a dataset: the HSDS version and profile, when it was written, whether it
// is the public directory or the network's whole one, and how many items each file holds.
type Manifest struct {
	HSDSVersion string         `json:"hsds_version"`
	Profile     string         `json:"profile"`
	Generated   string         `json:"generated"`
	Public      bool           `json:"public"`
	Counts      map[string]int `json:"counts"`
}

// ExportOptions say what to export. Full exports the network's whole directory, confidential
// services' addresses, hours and places included, for a trusted copy; otherwise the dataset
// is the public directory, as the HSDS API publishes it.
type ExportOptions struct {
	Full bool
	Now  time.Time
}

// Export writes the directory as an HSDS dataset in dir, creating it.
func Export(ctx context.Context, st *store.Store, dir string, opt ExportOptions) (Manifest, error) {
	viewer := auth.Viewer{Subject: "snodo export hsds", Role: auth.Anonymous}
	if opt.Full {
		viewer = auth.Viewer{Subject: "snodo export hsds --full", Role: auth.Admin}
	}
	ctx = auth.WithViewer(ctx, viewer)
	m := Manifest{HSDSVersion: Version, Profile: ProfileName, Public: !opt.Full,
		Generated: stamp(opt.Now), Counts: map[string]int{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return m, err
	}
	var orgs []Organization
	err := pages(func(p store.DirectoryPage) (int, int, error) {
		rows, total, err := st.DirectoryActors(ctx, nil, p)
		for _, d := range rows {
			orgs = append(orgs, OrganizationOf(d))
		}
		return len(rows), total, err
	})
	if err != nil {
		return m, err
	}
	var services []Service
	err = pages(func(p store.DirectoryPage) (int, int, error) {
		rows, total, err := st.DirectoryServices(ctx, store.DirectoryFilter{}, p)
		for _, d := range rows {
			services = append(services, ServiceOf(d, true))
		}
		return len(rows), total, err
	})
	if err != nil {
		return m, err
	}
	var terms []TaxonomyTerm
	err = pages(func(p store.DirectoryPage) (int, int, error) {
		rows, total, err := st.DirectoryTerms(ctx, store.TermFilter{}, p)
		for _, t := range rows {
			terms = append(terms, Term(t))
		}
		return len(rows), total, err
	})
	if err != nil {
		return m, err
	}
	var zones []Zone
	err = pages(func(p store.DirectoryPage) (int, int, error) {
		rows, total, err := st.DirectoryZones(ctx, p)
		for _, z := range rows {
			zones = append(zones, Zone{ID: z.Zone.ID, Name: z.Zone.Name, Kind: string(z.Zone.Kind), IstatCode: deref(z.Zone.IstatCode),
				Status: string(z.Zone.Status), ParentIDs: z.Parents, LastModified: stamp(z.Zone.UpdatedAt)})
		}
		return len(rows), total, err
	})
	if err != nil {
		return m, err
	}
	network, err := st.DirectoryNetwork(ctx)
	if err != nil {
		return m, err
	}
	partnerships, models, routes := networkFiles(network)
	for _, f := range []struct {
		name  string
		items any
		n     int
	}{
		{OrganizationsFile, orgs, len(orgs)}, {ServicesFile, services, len(services)},
		{TaxonomiesFile, []Taxonomy{NeedTaxonomy, CatalogueTaxonomy}, 2}, {TermsFile, terms, len(terms)},
		{ZonesFile, zones, len(zones)}, {PartnershipsFile, partnerships, len(partnerships)},
		{PathwayModelsFile, models, len(models)}, {RoutesFile, routes, len(routes)},
	} {
		if err := writeFile(filepath.Join(dir, f.name), f.items); err != nil {
			return m, err
		}
		m.Counts[f.name] = f.n
	}
	return m, writeFile(filepath.Join(dir, ManifestFile), m)
}

// pages calls read a page at a time until the list is read.
func pages(read func(store.DirectoryPage) (n, total int, err error)) error {
	for skip := 0; ; skip += MaxPerPage {
		n, total, err := read(store.DirectoryPage{Skip: skip, Limit: MaxPerPage})
		if err != nil {
			return err
		}
		if n == 0 || skip+n >= total {
			return nil
		}
	}
}

func writeFile(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if string(b) == "null" {
		b = []byte("[]")
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
