package graph_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"snodo/internal/testenv"
)

// odd are the values the input test sends for each kind of input: wrong types, empty, huge and
// strange values.
func odd(f *filler, def *ast.Definition) []any {
	wrong := []any{true, map[string]any{}, map[string]any{"nope": 1}}
	switch def.Kind {
	case ast.Enum:
		first := def.EnumValues[0].Name
		return append(wrong, strings.ToLower(first), strings.ToLower(first[:1])+first[1:], " "+first, "NOPE", "", 1)
	case ast.InputObject:
		return []any{map[string]any{}, map[string]any{"nope": 1}, "x", []any{}, 1}
	}
	switch def.Name {
	case "ID":
		return append(wrong, "", " ", "x", "!!!", "Wm9uZTpub3Bl", f.nodes["Need"], f.nodes["Case"], strings.Repeat("A", 10000), 12345, 1.5, -1)
	case "String":
		return append(wrong, "", " ", strings.Repeat("é", 20000), strings.Repeat("word ", 2000), "\x00", "💥", "<script>alert(1)</script>", "' OR 1=1 --",
			"MATCH (n) DETACH DELETE n", "2026-Q5", "9999-Q1", 123, 1.5)
	case "Int":
		return append(wrong, 0, -1, 2147483647, -2147483648, 2147483648, -2147483649, 1e12, 1e300, 1.5, "1", "one", "")
	case "Float":
		return append(wrong, 0, -1, 1e308, -1e308, 5e-324, "1.5", "x")
	case "Boolean":
		return append(wrong, "true", 1, 0, "")
	case "DateTime":
		return append(wrong, validDateTimes[0], validDateTimes[7], invalidDateTimes[0], invalidDateTimes[1], invalidDateTimes[8])
	case "Date":
		return append(wrong, validDates[2], invalidDates[0], invalidDates[1], invalidDates[3])
	}
	return wrong
}

func input(def *ast.Definition) bool {
	return def.Kind == ast.Scalar || def.Kind == ast.Enum || def.Kind == ast.InputObject
}

// TestEveryInputValueAnswersACode sends, at every place of the schema where a client gives a
// value (every argument and input field, found by walking it), odd values of its type: wrong
// types, empty and huge values, enum values in lower case, {} for input objects, null. Each
// answer is either data or errors that all carry a code, never INTERNAL_SERVER_ERROR; lower-case
// enum values and {} missing required fields are also written in the document as literals. The
// pool is healthy afterwards.
func TestEveryInputValueAnswersACode(t *testing.T) {
	e := testenv.Open(t)
	f := probeWorld(t, e)
	h := racing(e)
	found := places(t, f.s, input)
	sent := 0
	for _, p := range found {
		def := f.s.Types[p.typ().Name()]
		values := append(odd(f, def), nil)
		for _, v := range values {
			at := v
			if p.typ().Elem != nil && v != nil {
				at = []any{v}
			}
			what := fmt.Sprintf("%s = %.60v", p, at)
			doc, vars := f.request(p, at, "")
			codes := answer(t, h, what, doc, vars)
			sent++
			if s, ok := v.(string); ok && def.Kind == ast.Enum && strings.EqualFold(s, def.EnumValues[0].Name) {
				if len(codes) == 0 || codes[0] != "BAD_USER_INPUT" && codes[0] != "GRAPHQL_VALIDATION_FAILED" {
					t.Errorf("%s: an enum value is written in capitals: got %v, want BAD_USER_INPUT", what, codes)
				}
				// The same value written in the document.
				doc, vars := f.request(p, nil, literal(f.s, p.arg.Type, f.nest(p.arg.Type, p.path, at)))
				if codes := answer(t, h, what+" (literal)", doc, vars); len(codes) == 0 || codes[0] != "GRAPHQL_VALIDATION_FAILED" {
					t.Errorf("%s (literal): got %v, want GRAPHQL_VALIDATION_FAILED", what, codes)
				}
				sent++
			}
		}
		if def.Kind == ast.InputObject {
			// {} written in the document: valid when the input requires nothing, else refused.
			doc, vars := f.request(p, nil, literal(f.s, p.arg.Type, f.nest(p.arg.Type, p.path, map[string]any{})))
			codes := answer(t, h, p.String()+" = {} (literal)", doc, vars)
			required := false
			for _, fd := range def.Fields {
				required = required || fd.Type.NonNull && fd.DefaultValue == nil
			}
			if required && (len(codes) == 0 || codes[0] != "GRAPHQL_VALIDATION_FAILED") {
				t.Errorf("%s = {} (literal): required fields are missing: got %v, want GRAPHQL_VALIDATION_FAILED", p, codes)
			}
			sent++
		}
	}
	t.Logf("%d places, %d requests", len(found), sent)
	poolHealthy(t, h, 20)
}
