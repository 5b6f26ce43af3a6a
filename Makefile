# Snodo's two commands: `make run` and `make test`. Each provisions its own local Neo4j unless
# NEO4J_URI points at one already: `make run` the development one (.data/neo4j on 7687), `make
# test` the tests' own (.data/neo4j-test on 7688), so that the tests, which delete every node,
# never touch the development network.
.PHONY: run test build generate neo4j neo4j-stop neo4j-status test-neo4j test-neo4j-stop web chromium schemathesis lint bench bench-research bench-region region check

GO ?= go
BIN := bin/snodo
TEST_NEO4J_HOME ?= $(CURDIR)/.data/neo4j-test
TEST_NEO4J_PORT ?= 7688

# Development mode (--dev): on 127.0.0.1:8080 only, development tokens accepted, GraphiQL on.
run: build neo4j
	@$(BIN) token --demo
	$(BIN) serve --dev --seed-if-empty

# Packages that touch Neo4j share its one database, so they run one at a time (-p 1). The tests
# use NEO4J_URI when it is set (and then refuse a database that holds data they did not create).
# SNODO_KILL_TEST=1 runs the fault tests too, which start, SIGKILL and restart a Neo4j of their
# own (a temporary home on a free port) and a Snodo of their own (graph/kill_test.go).
test: test-neo4j web chromium schemathesis
	SNODO_KILL_TEST=$${SNODO_KILL_TEST:-1} NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(TEST_NEO4J_PORT)} \
	SNODO_SCHEMATHESIS=$${SNODO_SCHEMATHESIS:-$(SCHEMATHESIS_VENV)/bin/schemathesis} \
	$(GO) test -p 1 -count=1 -timeout 30m ./...

# Starts the tests' own Neo4j (idempotent) unless NEO4J_URI names another server.
test-neo4j:
	@if [ -n "$$NEO4J_URI" ]; then echo "neo4j: tests use $$NEO4J_URI"; \
	else SNODO_NEO4J_HOME=$(TEST_NEO4J_HOME) NEO4J_BOLT_PORT=$(TEST_NEO4J_PORT) scripts/neo4j start; fi

test-neo4j-stop:
	SNODO_NEO4J_HOME=$(TEST_NEO4J_HOME) NEO4J_BOLT_PORT=$(TEST_NEO4J_PORT) scripts/neo4j stop

build: web
	$(GO) build -o $(BIN) .

# The web app (web/): npm ci and the Vite build into web/dist, which the binary embeds.
web:
	cd web && npm ci --no-audit --no-fund && npm run build

# The browser tests (e2e/) drive Debian's Chromium; installed when missing.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium; }

# The property-based run of the HSDS API (hsds/schemathesis_test.go) uses schemathesis from
# PyPI, pinned, in a venv of its own under .cache/ (the system Python is left alone); installed
# when missing or another version. SNODO_SCHEMATHESIS names another one, or =off leaves it out
# (and the test skips).
SCHEMATHESIS_VERSION := 4.32.5
SCHEMATHESIS_VENV ?= $(CURDIR)/.cache/schemathesis
schemathesis:
	@if [ "$$SNODO_SCHEMATHESIS" = off ]; then echo "schemathesis: SNODO_SCHEMATHESIS=off, not installed"; \
	elif [ -n "$$SNODO_SCHEMATHESIS" ]; then echo "schemathesis: tests use $$SNODO_SCHEMATHESIS"; \
	elif [ "$$($(SCHEMATHESIS_VENV)/bin/schemathesis --version 2>/dev/null)" != "schemathesis, version $(SCHEMATHESIS_VERSION)" ]; then \
		echo "schemathesis: installing $(SCHEMATHESIS_VERSION) into $(SCHEMATHESIS_VENV)" && \
		python3 -m venv --clear $(SCHEMATHESIS_VENV) && \
		$(SCHEMATHESIS_VENV)/bin/pip install -q --disable-pip-version-check schemathesis==$(SCHEMATHESIS_VERSION); \
	fi

# Regenerates graph/generated.go, model/models_gen.go and the resolver stubs from the schema
# (gqlgen, then cmd/generate's changes to graph/generated.go, each said in its doc comment).
generate:
	$(GO) run ./cmd/generate

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
bench: test-neo4j
	NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(TEST_NEO4J_PORT)} $(GO) test -p 1 -run '^$$' -bench 'BenchmarkDirectory|BenchmarkFindServices' -benchtime 200x ./graph/
	$(GO) test -run '^$$' -bench . -benchtime 3x ./analysis/

# The research queries on the generated region with 100,000 cases and 1,000,000 referrals.
# Loading them takes about 15 minutes and wants a larger Neo4j: stop it first
# (make test-neo4j-stop), and this target starts it with a 6 GiB heap and a 4 GiB page cache.
# The history stays loaded for the next run (SNODO_BENCH_REUSE).
bench-research:
	@if [ -z "$$NEO4J_URI" ]; then SNODO_NEO4J_HOME=$(TEST_NEO4J_HOME) NEO4J_BOLT_PORT=$(TEST_NEO4J_PORT) NEO4J_HEAP=$${NEO4J_HEAP:-6g} NEO4J_PAGECACHE=$${NEO4J_PAGECACHE:-4g} scripts/neo4j start; fi
	SNODO_BENCH_REUSE=1 NEO4J_URI=$${NEO4J_URI:-bolt://127.0.0.1:$(TEST_NEO4J_PORT)} $(GO) test -p 1 -run '^$$' -bench BenchmarkResearch -benchtime 3x -timeout 90m -v ./graph/

# The benchmark region (internal/gen Tuscany: 10,000 actors, 50,000 services, 600 partnerships)
# loaded into the empty Neo4j at REGION_NEO4J_URI (never the development database), then the
# region benchmarks: Snodo against the bare Cypher of each question, in one run.
REGION_NEO4J_URI ?= bolt://127.0.0.1:7707
region:
	NEO4J_URI=$(REGION_NEO4J_URI) $(GO) run ./cmd/loadregion

bench-region:
	SNODO_REGION_URI=$(REGION_NEO4J_URI) $(GO) test -run '^$$' -bench Region -benchtime 200x ./graph/
