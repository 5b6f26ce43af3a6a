package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// execSource is the shape of gqlgen's Exec that unmarshalerMap rewrites, cut down.
const execSource = `func (e *executableSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	opCtx := graphql.GetOperationContext(ctx)
	ec := newExecutionContext(opCtx, e, make(chan graphql.DeferredResult))
	inputUnmarshalMap := graphql.BuildUnmarshalerMap(
		ec.unmarshalInputActorFilter,
		ec.unmarshalInputZoneOrder,
	)
	first := true

	switch opCtx.Operation.Operation {
	case ast.Query:
		return func(ctx context.Context) *graphql.Response {
			if first {
				first = false
				ctx = graphql.WithUnmarshalerMap(ctx, inputUnmarshalMap)
				data = ec._Query(ctx, opCtx.Operation.SelectionSet)
			}
		}
	case ast.Mutation:
		return func(ctx context.Context) *graphql.Response {
			first = false
			ctx = graphql.WithUnmarshalerMap(ctx, inputUnmarshalMap)
			data := ec._Mutation(ctx, opCtx.Operation.SelectionSet)
		}
	}
}
`

// TestUnmarshalerMapTakesTheMapOut: the map and the statements that put it in the context go,
// and nothing else of Exec does.
func TestUnmarshalerMapTakesTheMapOut(t *testing.T) {
	t.Chdir(t.TempDir()) // a module with no caller of the map's reader
	out, err := unmarshalerMap([]byte(execSource), "generated.go")
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, gone := range []string{"BuildUnmarshalerMap", "WithUnmarshalerMap", "inputUnmarshalMap", "unmarshalInputActorFilter"} {
		if strings.Contains(got, gone) {
			t.Errorf("%s is still in the code:\n%s", gone, got)
		}
	}
	for _, kept := range []string{"\tec := newExecutionContext(opCtx, e, make(chan graphql.DeferredResult))\n\tfirst := true\n",
		"\t\t\t\tfirst = false\n\t\t\t\tdata = ec._Query(", "\t\t\tfirst = false\n\t\t\tdata := ec._Mutation("} {
		if !strings.Contains(got, kept) {
			t.Errorf("the rewrite lost %q:\n%s", kept, got)
		}
	}
}

// TestUnmarshalerMapRefuses: the rewrite fails when gqlgen wrote no map (its templates changed),
// and when Go code of the module calls the map's reader.
func TestUnmarshalerMapRefuses(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if _, err := unmarshalerMap([]byte("func (e *executableSchema) Exec() {}\n"), "generated.go"); err == nil {
		t.Error("code with no map was rewritten")
	}
	caller := "package model\n\nfunc (x *X) UnmarshalGQLContext(ctx context.Context, v any) error {\n\treturn graphql." + unmarshalInput + "ctx, v, x)\n}\n"
	if err := os.MkdirAll(filepath.Join(dir, "model"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "model", "x.go"), []byte(caller), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := unmarshalerMap([]byte(execSource), "generated.go")
	if err == nil || !strings.Contains(err.Error(), filepath.Join("model", "x.go")) {
		t.Errorf("a caller of the map's reader: %v", err)
	}
}
