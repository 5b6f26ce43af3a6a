package store

import (
	"context"
	"errors"
	"sort"

	"github.com/google/uuid"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"snodo/auth"
	"snodo/model"
)

// OfficialZone is a region, province or municipality of ISTAT's list: its code, name, kind and
// the code of its parent (a municipality's province, a province's region).
type OfficialZone struct {
	Code, Name string
	Kind       model.ZoneKind
	Parent     string
}

// OfficialChange is a zone an import of the list creates, renames, moves, archives or restores.
type OfficialChange struct {
	Code    string `json:"istat_code"`
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	OldName string `json:"old_name,omitempty"`
	Parent  string `json:"parent,omitempty"`
}

// OfficialResult is what an import of the list did, or would do.
type OfficialResult struct {
	Created   []OfficialChange `json:"created"`
	Renamed   []OfficialChange `json:"renamed"`
	Moved     []OfficialChange `json:"moved"`
	Archived  []OfficialChange `json:"archived"`
	Restored  []OfficialChange `json:"restored"`
	Unchanged int              `json:"unchanged"`
	// Skipped are codes Snodo has on a zone of another kind, which the import leaves alone.
	Skipped []OfficialChange `json:"skipped"`
}

// istatNamespace makes the keys of the zones an import of the list creates: the same code always
// gives the same key.
var istatNamespace = uuid.MustParse("0b6e2f4a-9c1d-4e8b-a7f3-5d2c8e1b6a94")

// ImportOfficialZones brings the zone graph in line with ISTAT's list, in one transaction: zones
// with new codes are created, zones whose name or province changed are renamed or moved (their
// other parents, such as social districts, are kept), municipalities of the list's provinces
// that the list no longer has (merged away) are archived, and archived ones it has again are
// restored. Zones are matched by ISTAT code. A dry run writes nothing. Only an administrator
// imports.
func (s *Store) ImportOfficialZones(ctx context.Context, zones []OfficialZone, dryRun bool) (OfficialResult, error) {
	var res OfficialResult
	if v := auth.From(ctx); v.Role != auth.Admin {
		return res, forbidden(v)
	}
	_, err := write(ctx, s, func(tx neo4j.ManagedTransaction) (int, error) {
		res = OfficialResult{Created: []OfficialChange{}, Renamed: []OfficialChange{}, Moved: []OfficialChange{},
			Archived: []OfficialChange{}, Restored: []OfficialChange{}, Skipped: []OfficialChange{}}
		records, err := run(ctx, tx, `MATCH (z:Zone) WHERE z.istatCode IS NOT NULL
			RETURN z.istatCode, z.name, z.kind, coalesce(z.status, 'ACTIVE'),
			       [(z)-[:PART_OF]->(p:Zone) WHERE p.istatCode IS NOT NULL AND p.kind IN ['REGION', 'PROVINCE'] | p.istatCode]`, nil)
		if err != nil {
			return 0, err
		}
		type have struct {
			name, kind, status string
			parents            []string
		}
		existing := map[string]have{}
		for _, r := range records {
			h := have{name: r.Values[1].(string), kind: r.Values[2].(string), status: r.Values[3].(string)}
			for _, p := range r.Values[4].([]any) {
				h.parents = append(h.parents, p.(string))
			}
			existing[r.Values[0].(string)] = h
		}
		var creates, renames, moves, restores []map[string]any
		listed := map[string]bool{}
		provinces := map[string]bool{}
		for _, z := range zones {
			listed[z.Code] = true
			if z.Kind == model.ZoneKindProvince {
				provinces[z.Code] = true
			}
			row := map[string]any{"code": z.Code, "name": z.Name, "kind": string(z.Kind), "parent": z.Parent,
				"id": uuid.NewSHA1(istatNamespace, []byte(z.Code)).String()}
			ch := OfficialChange{Code: z.Code, Kind: string(z.Kind), Name: z.Name, Parent: z.Parent}
			h, ok := existing[z.Code]
			switch {
			case !ok:
				creates = append(creates, row)
				res.Created = append(res.Created, ch)
				continue
			case h.kind != string(z.Kind):
				res.Skipped = append(res.Skipped, OfficialChange{Code: z.Code, Kind: h.kind, Name: h.name})
				continue
			}
			changed := false
			if h.name != z.Name {
				ch.OldName = h.name
				renames = append(renames, row)
				res.Renamed = append(res.Renamed, ch)
				changed = true
			}
			if z.Parent != "" && (len(h.parents) != 1 || h.parents[0] != z.Parent) {
				moves = append(moves, row)
				res.Moved = append(res.Moved, ch)
				changed = true
			}
			if h.status != string(model.RecordStatusActive) {
				restores = append(restores, row)
				res.Restored = append(res.Restored, ch)
				changed = true
			}
			if !changed {
				res.Unchanged++
			}
		}
		// Merged away: municipalities of the list's provinces that the list no longer has.
		var archives []string
		for code, h := range existing {
			if h.kind == string(model.ZoneKindMunicipality) && len(code) == 6 && provinces[code[:3]] && !listed[code] && h.status == string(model.RecordStatusActive) {
				archives = append(archives, code)
				res.Archived = append(res.Archived, OfficialChange{Code: code, Kind: h.kind, Name: h.name})
			}
		}
		sort.Slice(res.Archived, func(i, j int) bool { return res.Archived[i].Code < res.Archived[j].Code })
		if dryRun {
			return 0, errDryRun
		}
		now := s.now()
		for _, step := range []struct {
			cypher string
			rows   any
		}{
			{`UNWIND $rows AS r CREATE (:Zone {id: r.id, name: r.name, kind: r.kind, istatCode: r.code, status: 'ACTIVE',
				createdAt: $now, updatedAt: $now, version: 1})`, creates},
			{`UNWIND $rows AS r MATCH (n:Zone {istatCode: r.code}) SET n.name = r.name, ` + touch, renames},
			{`UNWIND $rows AS r MATCH (n:Zone {istatCode: r.code}) SET n.status = 'ACTIVE', ` + touch, restores},
			{`UNWIND $rows AS r MATCH (n:Zone {istatCode: r}) SET n.status = 'ARCHIVED', ` + touch, archives},
			// The official parent: links to other regions and provinces go, others stay.
			{`UNWIND $rows AS r MATCH (n:Zone {istatCode: r.code}) WHERE r.parent <> ''
				CALL (n, r) { MATCH (n)-[old:PART_OF]->(p:Zone) WHERE p.kind IN ['REGION', 'PROVINCE'] AND p.istatCode <> r.parent DELETE old }
				WITH n, r MATCH (p:Zone {istatCode: r.parent}) MERGE (n)-[:PART_OF]->(p)`, append(append([]map[string]any{}, creates...), moves...)},
		} {
			if _, err := run(ctx, tx, step.cypher, map[string]any{"rows": step.rows, "now": now}); err != nil {
				return 0, err
			}
		}
		return len(creates) + len(renames) + len(moves) + len(archives) + len(restores), nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return res, err
}
