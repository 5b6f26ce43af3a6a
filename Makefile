# Snodo's two commands: `make run` and `make test`. Both provision a local Neo4j unless
# NEO4J_URI points at one already.
.PHONY: run test build generate neo4j neo4j-stop neo4j-status lint bench bench-research check web chromium

GO ?= go
BIN := bin/snodo

run: build neo4j
	@$(BIN) token --demo
	$(BIN) serve --seed-if-empty

# Packages that touch Neo4j share its one database, so they run one at a time (-p 1).
test: neo4j web chromium
	$(GO) test -p 1 -count=1 ./...

build: web
	$(GO) build -o $(BIN) .

# The web app (web/): npm ci and the Vite build into web/dist, which the binary embeds.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

# The browser tests (e2e/) drive Debian's Chromium; installed when missing.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# Regenerates graph/generated.go, model/models_gen.go and the resolver stubs from the schema.
generate:
	$(GO) run github.com/99designs/gqlgen generate

# Starts the local Neo4j (idempotent) unless NEO4J_URI names another server.
neo4j:
	@if [ -n "$$NEO4J_URI" ]; then echo "neo4j: using $$NEO4J_URI"; else scripts/neo4j start; fi

neo4j-stop:
	scripts/neo4j stop

neo4j-status:
	scripts/neo4j status

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.6.1 ./...

# The directory and finder benchmarks, and betweenness against gonum's.
bench: neo4j
	$(GO) test -p 1 -run '^$$' -bench 'BenchmarkDirectory|BenchmarkFindServices' -benchtime 200x ./graph/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./analysis/

# The research queries on the generated region with 100,000 cases and 1,000,000 referrals.
# Loading them takes about 15 minutes and wants a larger Neo4j: stop it first
# (make neo4j-stop), and this target starts it with a 6 GiB heap and a 4 GiB page cache.
# The history stays loaded for the next run (SNODO_BENCH_REUSE).
bench-research:
	@if [ -z "$$NEO4J_URI" ]; then NEO4J_HEAP=$${NEO4J_HEAP:-6g} NEO4J_PAGECACHE=$${NEO4J_PAGECACHE:-4g} scripts/neo4j start; fi
	SNODO_BENCH_REUSE=1 $(GO) test -p 1 -run '^$$' -bench BenchmarkResearch -benchtime 3x -timeout 90m -v ./graph/
