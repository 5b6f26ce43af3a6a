package hsds

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Problem is one way a record fails its schema: the field (a JSON pointer into the record)
// and what is wrong.
type Problem struct {
	Field   string
	Message string
}

// Validator checks HSDS objects against HSDS's schemas with Snodo's profile applied, as JSON
// Schema 2020-12 with format assertions (uuid, email, uri, date, date-time).
type Validator struct {
	schemas map[string]*jsonschema.Schema
}

const schemaBase = "https://snodo.invalid/hsds/schema/"

// NewValidator compiles the schemas of every entity.
func NewValidator() (*Validator, error) {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	entries, err := fs.ReadDir(Schemas, "schema")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		if path.Ext(name) != ".json" || name == "openapi.json" {
			continue
		}
		b, err := Profiled(name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		if err := c.AddResource(schemaBase+name, doc); err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		names = append(names, name)
	}
	v := &Validator{schemas: map[string]*jsonschema.Schema{}}
	for _, name := range names {
		s, err := c.Compile(schemaBase + name)
		if err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
		v.schemas[strings.TrimSuffix(name, ".json")] = s
	}
	return v, nil
}

// Entities are the names of the entities the validator knows.
func (v *Validator) Entities() []string {
	out := make([]string, 0, len(v.schemas))
	for k := range v.schemas {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var printer = message.NewPrinter(language.English)

// Validate checks one JSON object against the schema of the entity (service, organization,
// taxonomy_term...), returning its problems, none when it is valid.
func (v *Validator) Validate(entity string, object []byte) ([]Problem, error) {
	s, ok := v.schemas[entity]
	if !ok {
		return nil, fmt.Errorf("no HSDS entity %q", entity)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(object))
	if err != nil {
		return []Problem{{Field: "", Message: "not JSON: " + err.Error()}}, nil
	}
	err = s.Validate(doc)
	var ve *jsonschema.ValidationError
	if err == nil {
		return nil, nil
	}
	if !errors.As(err, &ve) {
		return nil, err
	}
	var out []Problem
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, Problem{Field: "/" + strings.Join(e.InstanceLocation, "/"), Message: e.ErrorKind.LocalizedString(printer)})
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	sort.Slice(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out, nil
}
