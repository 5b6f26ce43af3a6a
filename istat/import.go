package istat

import (
	"context"
	"fmt"
	"io"
	"sort"

	"snodo/model"
	"snodo/store"
)

// Options say what to import of an edition: the regions (their 2-digit codes; all when none)
// and whether only to report what would change.
type Options struct {
	Regions []string
	DryRun  bool
}

// Report is what an import of an edition did, or would do: counts by change and zone kind,
// the changes themselves, and the rows that could not be read (then nothing is written).
type Report struct {
	DryRun    bool                      `json:"dry_run"`
	Counts    map[string]map[string]int `json:"counts"`
	Changes   store.OfficialResult      `json:"changes"`
	RowErrors []string                  `json:"row_errors"`
	// Population is the legal population of the municipalities imported, as the list gives it.
	Population int `json:"population"`
}

// Zones are the regions, provinces and municipalities of the edition in the regions (all when
// none), parents first.
func Zones(ed *Edition, regions []string) []store.OfficialZone {
	keep := func(r string) bool {
		if len(regions) == 0 {
			return true
		}
		for _, x := range regions {
			if x == r {
				return true
			}
		}
		return false
	}
	var out []store.OfficialZone
	var codes []string
	for c := range ed.Regions {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if keep(c) {
			out = append(out, store.OfficialZone{Code: c, Name: ed.Regions[c], Kind: model.ZoneKindRegion})
		}
	}
	codes = codes[:0]
	for c := range ed.Provinces {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		if p := ed.Provinces[c]; keep(p.Region) {
			out = append(out, store.OfficialZone{Code: c, Name: p.Name(), Kind: model.ZoneKindProvince, Parent: p.Region})
		}
	}
	for _, m := range ed.Municipalities {
		if keep(m.Region) {
			out = append(out, store.OfficialZone{Code: m.Code, Name: m.Name, Kind: model.ZoneKindMunicipality, Parent: m.Province})
		}
	}
	return out
}

// Import reads an edition and brings the zone graph in line with it (store.ImportOfficialZones).
// An edition with rows that cannot be read, or names Snodo would refuse, writes nothing.
func Import(ctx context.Context, st *store.Store, r io.Reader, opt Options) (*Report, error) {
	ed, rowErrs, err := Read(r)
	if err != nil {
		return nil, err
	}
	rep := &Report{DryRun: opt.DryRun, Counts: map[string]map[string]int{}, RowErrors: []string{}}
	for _, e := range rowErrs {
		rep.RowErrors = append(rep.RowErrors, e.Error())
	}
	for _, reg := range opt.Regions {
		if _, ok := ed.Regions[reg]; !ok {
			return nil, model.Errorf(model.CodeBadUserInput, "the edition has no region %s", model.Quote(reg))
		}
	}
	zones := Zones(ed, opt.Regions)
	for _, z := range zones {
		var c model.Check
		if c.Name(z.Name, "name"); len(c.InputErrors) > 0 {
			rep.RowErrors = append(rep.RowErrors, fmt.Sprintf("%s %s: the name %s", z.Kind, z.Code, c.InputErrors[0].Message))
		}
	}
	for _, m := range ed.Municipalities {
		if len(opt.Regions) == 0 || contains(opt.Regions, m.Region) {
			rep.Population += m.Population
		}
	}
	if len(rep.RowErrors) > 0 {
		return rep, nil
	}
	res, err := st.ImportOfficialZones(ctx, zones, opt.DryRun)
	if err != nil {
		return nil, err
	}
	rep.Changes = res
	for change, list := range map[string][]store.OfficialChange{"created": res.Created, "renamed": res.Renamed, "moved": res.Moved,
		"archived": res.Archived, "restored": res.Restored, "skipped": res.Skipped} {
		rep.Counts[change] = map[string]int{}
		for _, c := range list {
			rep.Counts[change][c.Kind]++
		}
	}
	rep.Counts["unchanged"] = map[string]int{"all": res.Unchanged}
	return rep, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
