// Command loadregion loads the generated region network (internal/gen Tuscany: 273
// municipalities, 10,000 actors, 50,000 services) and 600 generated partnerships into the Neo4j
// at NEO4J_URI: the data set of the benchmarks (graph/peer_bench_test.go) and of the Snodo/peer
// instrument. The database must be empty: the region's need codes collide with the demo
// network's. `make region` runs it.
package main

import (
	"context"
	"log"
	"os"
	"time"

	"snodo/internal/gen"
	"snodo/store"
)

func env(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func main() {
	ctx := context.Background()
	uri := env("NEO4J_URI", "bolt://127.0.0.1:7707")
	if uri == "bolt://127.0.0.1:7687" {
		log.Fatal("refusing to load into bolt://127.0.0.1:7687, the development database's default port")
	}
	drv, err := store.Connect(ctx, uri, env("NEO4J_USER", "neo4j"), env("NEO4J_PASSWORD", "snodo-dev-password"), 30*time.Second)
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = drv.Close(ctx) }()
	st := store.New(drv, os.Getenv("NEO4J_DATABASE"))
	if err := st.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	empty, err := st.Empty(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if !empty {
		log.Fatal("the database holds data already; load the region into an empty one")
	}
	start := time.Now()
	created, err := st.Import(ctx, gen.Tuscany.Import())
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("region imported in %s: %v", time.Since(start).Round(time.Millisecond), created)
	created, err = st.Import(ctx, gen.Partnerships())
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("partnerships imported: %v", created)
}
