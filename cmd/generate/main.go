// Command generate is `make generate`: gqlgen's generate, with gqlgen.yml, and then these
// changes to the execution code it writes (exec.filename, graph/generated.go):
//
//   - Where gqlgen runs a field with a resolver, or the items of a list of objects, each in a
//     goroutine of its own, the code calls graph's concurrently and marshalSlice instead
//     (graph/inline.go), which run them inline when the request's reads are all in its
//     loaders, and as gqlgen does otherwise. The root fields of a query are left as gqlgen
//     runs them.
//   - A plain leaf, a field read straight from its struct (a struct field, or GlobalID) whose
//     value marshals without its field context, is marshalled at once (plainLeaves), not
//     through gqlgen's field context, its field middleware and its recovery, none of which
//     such a field can use: it has no resolver, no directive, no arguments, and cannot fail.
//   - An object's set of deferred fields is made when it has one (graph.deferredGroup), its
//     path worked out only then (graph.deferredPath), and the object is written by
//     graph.objectOut rather than by gqlgen's FieldSet, whose writing allocates a map and a
//     copy of each field (graph/objects.go).
//   - The map of input unmarshallers gqlgen builds for every operation (BuildUnmarshalerMap, a
//     reflect.Type lookup and a bound method for each input type of the schema, about 10 KB a
//     request, 2% of a small query's CPU) is not built, and not put in the context: only
//     graphql.UnmarshalInputFromContext reads it, and nothing in Snodo calls that (the command
//     fails if something does; see unmarshalerMap).
package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
)

// The calls rewritten. When gqlgen's templates no longer write one of them, the command fails
// rather than leave the code as gqlgen wrote it.
var rewrites = []struct{ from, to string }{
	{"out.Concurrently(i, func(ctx context.Context) graphql.Marshaler { return innerFunc(ctx, out) })",
		"concurrently(ctx, out, i, func(ctx context.Context) graphql.Marshaler { return innerFunc(ctx, out) })"},
	{"graphql.MarshalSliceConcurrently(ctx, ", "marshalSlice(ctx, "},
	{"\t\tPath:     graphql.GetPath(ctx),\n\t\tFieldSet: deferredFieldSet,",
		"\t\tPath:     deferredPath(ctx, deferLabelToView),\n\t\tFieldSet: deferredFieldSet,"},
	{"\tdeferredFieldSet := graphql.NewFieldSet(nil)\n\tdeferLabelToView := make(map[string]*graphql.FieldSetView)\n",
		"\tvar deferredFieldSet *graphql.FieldSet\n\tvar deferLabelToView map[string]*graphql.FieldSetView\n"},
	{"\t\t\t\tdeferredFieldSet.AddField(field)\n",
		"\t\t\t\tdeferredFieldSet, deferLabelToView = deferredGroup(deferredFieldSet, deferLabelToView)\n\t\t\t\tdeferredFieldSet.AddField(field)\n"},
	{"\t})\n\n\treturn out\n}\n", "\t})\n\n\treturn objectOut(fields, out)\n}\n"},
}

func main() {
	log.SetOutput(io.Discard) // gqlgen's progress, as its own command does without -v
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err == nil {
		err = api.Generate(cfg)
	}
	if err == nil {
		err = rewrite(cfg.Exec.Filename)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "generate:", err)
		os.Exit(1)
	}
}

func rewrite(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, r := range rewrites {
		if !bytes.Contains(src, []byte(r.from)) {
			return fmt.Errorf("%s: gqlgen wrote no %q: its templates changed, and graph/inline.go with them", path, r.from)
		}
		src = bytes.ReplaceAll(src, []byte(r.from), []byte(r.to))
	}
	src, err = unmarshalerMap(src, path)
	if err != nil {
		return err
	}
	src, n := plainLeaves(src)
	if n == 0 {
		return fmt.Errorf("%s: no plain leaf found: gqlgen's templates changed, and cmd/generate with them", path)
	}
	return os.WriteFile(path, src, 0o644)
}

// leafField is gqlgen's code for a field without a resolver: the struct field (or method) it
// reads, and the function that marshals the value.
var leafField = regexp.MustCompile(`(?m)^(func \(ec \*executionContext\) _\w+\(ctx context\.Context, field graphql\.CollectedField, obj \*[^)]+\) \(ret graphql\.Marshaler\) \{\n)` +
	`\treturn graphql\.ResolveField\(\n\t\tctx,\n\t\tec\.OperationContext,\n\t\tfield,\n` +
	`\t\tfunc\(ctx context\.Context, field graphql\.CollectedField\) \(\*graphql\.FieldContext, error\) \{\n\t\t\treturn ec\.fieldContext_\w+\(ctx, field\)\n\t\t\},\n` +
	`\t\tfunc\(ctx context\.Context\) \(any, error\) \{\n\t\t\treturn (obj\.\w+|obj\.GlobalID\(\)), nil\n\t\t\},\n` +
	`\t\tnil,\n` +
	`\t\tfunc\(ctx context\.Context, selections ast\.SelectionSet, v [^)]+\) graphql\.Marshaler \{\n\t\t\treturn ec\.([\pL\pN_]+)\(ctx, selections, v\)\n\t\t\},\n` +
	`\t\ttrue,\n\t\t(?:true|false),\n\t\)\n\}\n`)

// contextFree are gqlgen's marshallers of the built-in scalars that never use the field
// context: their values always marshal (graphql.MarshalString and the others never give
// null), so the branch that reports a null against the field is never taken. Floats are not
// among them: a NaN is reported against the field when it is written.
var contextFree = map[string]bool{
	"marshalNString2string": true, "marshalOString2ᚖstring": true, "marshalNString2ᚕstringᚄ": true,
	"marshalNID2string": true, "marshalOID2ᚖstring": true,
	"marshalNInt2int": true, "marshalOInt2ᚖint": true,
	"marshalNBoolean2bool": true, "marshalOBoolean2ᚖbool": true,
}

// selfMarshaller is gqlgen's marshaller of a value that writes itself, or of a pointer to
// one: an enum, or a scalar of the model with a MarshalGQL that cannot fail (model.Date).
var selfMarshaller = regexp.MustCompile(`(?m)^func \(ec \*executionContext\) (marshal[\pL\pN_]+)\(ctx context\.Context, sel ast\.SelectionSet, v \*?[\w.]+\) graphql\.Marshaler \{\n` +
	`(?:\tif v == nil \{\n\t\treturn graphql\.Null\n\t\}\n)?\treturn v\n\}\n`)

// plainLeaves rewrites each plain leaf of src to marshal its value at once, and says how many
// it rewrote.
func plainLeaves(src []byte) ([]byte, int) {
	plain := map[string]bool{}
	for k := range contextFree {
		plain[k] = true
	}
	for _, m := range selfMarshaller.FindAllSubmatch(src, -1) {
		plain[string(m[1])] = true
	}
	n := 0
	src = leafField.ReplaceAllFunc(src, func(fn []byte) []byte {
		m := leafField.FindSubmatch(fn)
		if !plain[string(m[3])] {
			return fn
		}
		n++
		return fmt.Appendf(nil, "%s\treturn ec.%s(ctx, field.Selections, %s) // a plain leaf (cmd/generate)\n}\n", m[1], m[3], m[2])
	})
	return src, n
}

// buildUnmarshalers is gqlgen's map of input unmarshallers, built at the start of Exec, and
// withUnmarshalers the statements that put it in an operation's context.
var (
	buildUnmarshalers = regexp.MustCompile(`(?s)\n\tinputUnmarshalMap := graphql\.BuildUnmarshalerMap\(\n.*?\n\t\)\n`)
	withUnmarshalers  = regexp.MustCompile(`\n\t+ctx = graphql\.WithUnmarshalerMap\(ctx, inputUnmarshalMap\)\n`)
	// A call of the map's reader, written so that this file does not call it.
	unmarshalInput = "UnmarshalInputFromContext" + "("
)

// unmarshalerMap takes out of src (the execution code, at path) the map of input unmarshallers
// and the statements that put it in the context, and fails when Go code of the module beside
// it calls graphql.UnmarshalInputFromContext, the one reader of that map.
func unmarshalerMap(src []byte, path string) ([]byte, error) {
	if !buildUnmarshalers.Match(src) || !withUnmarshalers.Match(src) {
		return nil, fmt.Errorf("%s: gqlgen built no map of input unmarshallers: its templates changed, and cmd/generate with them", path)
	}
	exec, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	err = filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && p != ".":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(p, ".go"):
			return nil
		}
		if abs, err := filepath.Abs(p); err != nil || abs == exec {
			return err
		}
		code, err := os.ReadFile(p)
		if err == nil && bytes.Contains(code, []byte(unmarshalInput)) {
			err = fmt.Errorf("%s calls graphql.UnmarshalInputFromContext, which needs the map of input unmarshallers cmd/generate takes out of %s: take its unmarshalerMap rewrite out first", p, path)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	src = buildUnmarshalers.ReplaceAll(src, []byte("\n"))
	return withUnmarshalers.ReplaceAll(src, []byte("\n")), nil
}
