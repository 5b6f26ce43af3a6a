# Snodo's two commands: `make run` and `make test`. Both provision a local Neo4j unless
# NEO4J_URI points at one already.
.PHONY: run test build generate neo4j neo4j-stop neo4j-status lint bench check

GO ?= go
BIN := bin/snodo

run: build neo4j
	@$(BIN) token --demo
	$(BIN) serve --seed-if-empty

# Packages that touch Neo4j share its one database, so they run one at a time (-p 1).
test: neo4j
	$(GO) test -p 1 -count=1 ./...

build:
	$(GO) build -o $(BIN) .

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

bench: neo4j
	$(GO) test -p 1 -run '^$$' -bench . -benchtime 200x ./...
