package hsds

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"snodo/model"
)

// upstreamSchemas is where HSDS's OpenAPI reference points its responses: the schemas as Open
// Referral publishes them, without Snodo's profile, and reachable only over the network.
const upstreamSchemas = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"

var openapiOnce = sync.OnceValues(bundleOpenAPI)

// OpenAPI is HSDS's OpenAPI reference as this API answers it, self-contained: the profile's
// patch applied (profile/openapi.json: error answers, bounded parameters, ndjson), every
// entity's schema with the profile applied in components.schemas, and every reference to
// Open Referral's published schemas turned into a reference to those, so that a client (or a
// tester such as schemathesis) checks answers against the schemas the API keeps, offline.
// A list's items point at the whole entity's schema, not at the upstream "_list" variant: the
// list variants are the whole schema without its nested arrays, which an item with full=true
// carries, so the whole schema checks more and forbids nothing a list answers. serverURL goes
// into servers.
func OpenAPI(serverURL string) (map[string]any, error) {
	doc, err := openapiOnce()
	if err != nil {
		return nil, err
	}
	out := make(map[string]any, len(doc)+1)
	for k, v := range doc {
		out[k] = v
	}
	out["servers"] = []any{map[string]any{"url": serverURL, "description": "This Snodo"}}
	return out, nil
}

func bundleOpenAPI() (map[string]any, error) {
	b, err := Profiled("openapi.json")
	if err != nil {
		return nil, err
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	components, _ := doc["components"].(map[string]any)
	if components == nil {
		components = map[string]any{}
		doc["components"] = components
	}
	schemas, _ := components["schemas"].(map[string]any)
	if schemas == nil {
		schemas = map[string]any{}
		components["schemas"] = schemas
	}
	entries, err := fs.ReadDir(Schemas, "schema")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		name := e.Name()
		if path.Ext(name) != ".json" || name == "openapi.json" {
			continue
		}
		b, err := Profiled(name)
		if err != nil {
			return nil, err
		}
		var s any
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		entity := strings.TrimSuffix(name, ".json")
		if _, taken := schemas[entity]; taken {
			return nil, fmt.Errorf("openapi.json: components.schemas.%s is both the profile's and an entity's", entity)
		}
		schemas[entity] = s
	}
	if err := bound(components); err != nil {
		return nil, err
	}
	var missing []string
	rewriteRefs(doc, func(ref string) string {
		entity, ok := entityOfRef(ref)
		if !ok {
			return ref
		}
		if _, known := schemas[entity]; !known {
			missing = append(missing, ref)
		}
		return "#/components/schemas/" + entity
	})
	if len(missing) > 0 {
		return nil, fmt.Errorf("openapi.json: references to schemas Snodo does not keep: %v", missing)
	}
	return doc, nil
}

// bound writes the bounds the API holds its parameters to into their schemas, from the
// constants that hold them (parse, model.Check.Search), so that the OpenAPI says what the API
// refuses.
func bound(components map[string]any) error {
	params, _ := components["parameters"].(map[string]any)
	schema := func(name string) (map[string]any, error) {
		p, _ := params[name].(map[string]any)
		s, _ := p["schema"].(map[string]any)
		if s == nil {
			return nil, fmt.Errorf("openapi.json: no parameter %s", name)
		}
		return s, nil
	}
	page, err := schema("page")
	if err != nil {
		return err
	}
	page["minimum"], page["maximum"], page["default"] = 1, MaxPage, 1
	perPage, err := schema("per_page")
	if err != nil {
		return err
	}
	perPage["minimum"], perPage["maximum"], perPage["default"] = 1, MaxPerPage, DefaultPerPage
	search, err := schema("search")
	if err != nil {
		return err
	}
	search["maxLength"] = model.MaxSearchLength
	p := params["search"].(map[string]any)
	p["description"] = fmt.Sprintf("%s At most %d characters and %d words (runs of letters and digits).",
		p["description"], model.MaxSearchLength, model.MaxSearchWords)
	return nil
}

// entityOfRef names the entity a schema reference points at: a sibling file of an entity's
// schema ("attribute.json"), or one of Open Referral's published schemas (compiled or not,
// whole or "_list"). Internal references ("#/...") are no entity's.
func entityOfRef(ref string) (string, bool) {
	switch {
	case strings.HasPrefix(ref, "#"):
		return "", false
	case strings.HasPrefix(ref, upstreamSchemas):
		ref = strings.TrimPrefix(strings.TrimPrefix(ref, upstreamSchemas), "compiled/")
		ref = strings.TrimSuffix(ref, ".json")
		return strings.TrimSuffix(ref, "_list"), true
	case !strings.Contains(ref, "/") && strings.HasSuffix(ref, ".json"):
		return strings.TrimSuffix(ref, ".json"), true
	}
	return "", false
}

// rewriteRefs replaces every "$ref" string in a decoded JSON document by what to returns.
func rewriteRefs(v any, to func(string) string) {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "$ref" {
				v[k] = to(s)
				continue
			}
			rewriteRefs(x, to)
		}
	case []any:
		for _, x := range v {
			rewriteRefs(x, to)
		}
	}
}
