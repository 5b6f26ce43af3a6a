package hsds

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// Schemas are HSDS's JSON schemas and OpenAPI reference, unchanged (schema/README.md).
//
//go:embed schema/*.json
var Schemas embed.FS

// Profile is Snodo's Italian profile: JSON Merge Patches over the files of the same name in
// Schemas (profile/README.md).
//
//go:embed profile/*.json profile/README.md
var Profile embed.FS

// ProfileFiles are the names of the profile's patches.
func ProfileFiles() []string {
	entries, _ := fs.ReadDir(Profile, "profile")
	var out []string
	for _, e := range entries {
		if path.Ext(e.Name()) == ".json" {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

// Profiled returns the HSDS file (an entity's schema, or openapi.json) with the profile's patch
// applied, when the profile has one.
func Profiled(name string) ([]byte, error) {
	base, err := Schemas.ReadFile("schema/" + name)
	if err != nil {
		return nil, err
	}
	patch, err := Profile.ReadFile("profile/" + name)
	if err != nil {
		return base, nil // no patch: the schema as HSDS has it
	}
	var b, p any
	if err := json.Unmarshal(base, &b); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	if err := json.Unmarshal(patch, &p); err != nil {
		return nil, fmt.Errorf("profile %s: %w", name, err)
	}
	return json.MarshalIndent(MergePatch(b, p), "", "  ")
}

// MergePatch applies a JSON Merge Patch (RFC 7396) to a document decoded by encoding/json.
func MergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	out := make(map[string]any, len(t))
	for k, v := range t {
		out[k] = v
	}
	for k, v := range p {
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = MergePatch(out[k], v)
	}
	return out
}

// ProfileName names Snodo's Italian profile in a dataset's manifest: its patches are
// hsds/profile/ in Snodo's repository, and every Snodo serves them at /hsds/profile/.
const ProfileName = "snodo-it (hsds/profile/ of Snodo; served at /hsds/profile/)"
