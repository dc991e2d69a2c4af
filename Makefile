# The two commands a newcomer needs: `make dev` starts everything on embedded
# defaults; `make test` runs every test. See README.md.

GO ?= go

.PHONY: dev prod-local test vet fmt-check build record-histories clean-dev

dev:
	$(GO) run ./cmd/remiss-dev

# The production topology without containers: Temporal on PostgreSQL, two
# workers and the web server as separate processes.
prod-local:
	scripts/prod-local

test: fmt-check vet
	$(GO) test -count=1 -timeout 20m ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

build:
	$(GO) build -o bin/ ./worker ./starter ./cmd/...

# Re-record the histories the replay test replays, after a deliberate change
# to a workflow's history shape.
record-histories:
	REMISS_RECORD_HISTORY=1 $(GO) test -count=1 -run 'TestRoundToFourteenStadsdelsnamnder|TestDecisionRoutingEndToEnd' ./tests/e2e

# Remove the dev state (Temporal's SQLite file, a private PostgreSQL cluster).
clean-dev:
	rm -rf data
