package hsds_test

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"snodo/hsds"
	"snodo/model"
)

func validator(t *testing.T) *hsds.Validator {
	t.Helper()
	v, err := hsds.NewValidator()
	if err != nil {
		t.Fatalf("the schemas (with the profile) do not compile: %v", err)
	}
	return v
}

// The official examples are valid, and the ORUK validator's Fail mocks are not: the validator
// tells them apart, so a test that finds Snodo's answers valid means something.
func TestValidatorTellsValidFromInvalid(t *testing.T) {
	v := validator(t)
	for file, entity := range map[string]string{
		"testdata/examples/service_full.json":             "service",
		"testdata/examples/organization_full.json":        "organization",
		"testdata/examples/service_at_location_full.json": "service_at_location",
		"testdata/examples/taxonomy_term.json":            "taxonomy_term",
		"testdata/examples/taxonomy.json":                 "taxonomy",
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		problems, err := v.Validate(entity, b)
		if err != nil || len(problems) > 0 {
			t.Errorf("%s: %v %v", file, err, problems)
		}
	}
	b, err := os.ReadFile("testdata/oruk/V3.0-UK-Fail/service_full.json")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := v.Validate("service", b)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, p := range problems {
		if strings.Contains(p.Field, "email") || strings.Contains(p.Message, "email") {
			found = true
		}
	}
	if !found {
		t.Errorf("the Fail mock's bad email is not found: %v", problems)
	}
}

// The profile's patches are JSON objects, each over a file HSDS has, and the profiled service
// schema carries the Italian fields.
func TestProfilePatchesHSDSFiles(t *testing.T) {
	for _, f := range hsds.ProfileFiles() {
		if _, err := hsds.Schemas.ReadFile("schema/" + f); err != nil {
			t.Errorf("the profile patches %s, which HSDS does not have", f)
		}
	}
	b, err := hsds.Profiled("service_area.json")
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"istat_code", "zone_kind", "extent", "name"} {
		if _, ok := s.Properties[p]; !ok {
			t.Errorf("the profiled service_area has no %s", p)
		}
	}
}

func TestMergePatch(t *testing.T) {
	got := hsds.MergePatch(map[string]any{"a": "b", "c": map[string]any{"d": "e", "f": "g"}},
		map[string]any{"a": "z", "c": map[string]any{"f": nil}})
	b, _ := json.Marshal(got)
	if string(b) != `{"a":"z","c":{"d":"e"}}` {
		t.Errorf("RFC 7396 example: got %s", b)
	}
}

// The profile's enums are Snodo's: a value added to the GraphQL schema must be added here.
func TestProfileEnumsAreSnodos(t *testing.T) {
	enum := func(file string, path ...string) []string {
		b, err := hsds.Profile.ReadFile("profile/" + file)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, p := range path {
			doc = doc.(map[string]any)[p]
		}
		var out []string
		for _, v := range doc.([]any) {
			out = append(out, v.(string))
		}
		return out
	}
	check := func(name string, got []string, want []string) {
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("%s: the profile has %v, Snodo %v", name, got, want)
		}
	}
	check("ActorKind", enum("organization.json", "properties", "snodo_kind", "enum"), strs(model.AllActorKind))
	check("ZoneKind", enum("service_area.json", "properties", "zone_kind", "enum"), strs(model.AllZoneKind))
	check("LegalStatus", enum("service.json", "properties", "snodo_legal_statuses", "items", "enum"), strs(model.AllLegalStatus))
	check("ServiceChannel", enum("service.json", "properties", "snodo_channel", "enum"), strs(model.AllServiceChannel))
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}
