// Command generate is `make generate`: gqlgen's generate, with gqlgen.yml, and then one change
// to the execution code it writes (exec.filename, graph/generated.go). Where gqlgen runs a field
// with a resolver, or the items of a list of objects, each in a goroutine of its own, the code
// calls graph's concurrently and marshalSlice instead (graph/inline.go), which run them inline
// when the request's reads are all in its loaders, and as gqlgen does otherwise. The root
// fields of a query are left as gqlgen runs them.
package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen/config"
)

// The calls rewritten. When gqlgen's templates no longer write one of them, the command fails
// rather than leave the code as gqlgen wrote it.
var rewrites = []struct{ from, to string }{
	{"out.Concurrently(i, func(ctx context.Context) graphql.Marshaler { return innerFunc(ctx, out) })",
		"concurrently(ctx, out, i, func(ctx context.Context) graphql.Marshaler { return innerFunc(ctx, out) })"},
	{"graphql.MarshalSliceConcurrently(ctx, ", "marshalSlice(ctx, "},
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
	return os.WriteFile(path, src, 0o644)
}
