# The two commands a newcomer needs: `make dev` starts everything on embedded
# defaults; `make test` runs every test. See README.md.

GO ?= go

.PHONY: dev prod-local test vet fmt-check staticcheck workflowcheck build record-histories clean-dev fuzz-starter

dev:
	$(GO) run ./cmd/remiss-dev

# The production topology without containers: Temporal on PostgreSQL, two
# workers and the web server as separate processes.
prod-local:
	scripts/prod-local

# Every package but the end-to-end and topology tests runs under the race
# detector (it needs cgo: a C compiler); those two link a Temporal server and
# run without it.
test: fmt-check vet staticcheck workflowcheck fuzz-starter
	$(GO) test -race -count=1 -timeout 20m $$($(GO) list ./... | grep -v /tests/)
	$(GO) test -count=1 -timeout 20m ./tests/...

vet:
	$(GO) vet ./...

# staticcheck and workflowcheck are tools of the module (`tool` in go.mod):
# `go tool` builds them at the versions go.mod names.
staticcheck:
	$(GO) tool staticcheck ./...

# Temporal's determinism check of the workflows; workflows/workflowcheck.yaml
# lists the calls it flags wrongly, with the reasons.
workflowcheck:
	$(GO) tool workflowcheck -config workflows/workflowcheck.yaml ./workflows/...

# A few seconds of fuzzing the starter's YAML reader (launch, answer and
# directory files); a longer run: go test -run '^$$' -fuzz FuzzReadYAML -fuzztime 5m ./starter
fuzz-starter:
	$(GO) test -run '^$$' -fuzz '^FuzzReadYAML$$' -fuzztime 3s ./starter

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

# The web's fuzz targets (the JSON decoder, the form reading), each for
# FUZZTIME_WEB; `make test` runs them for a few seconds, a longer run is
# `make fuzz-web FUZZTIME_WEB=10m`.
FUZZTIME_WEB ?= 3s
.PHONY: fuzz-web
test: fuzz-web
fuzz-web:
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME_WEB) -fuzzminimizetime 20x ./internal/web
	$(GO) test -run '^$$' -fuzz '^FuzzReadForm$$' -fuzztime $(FUZZTIME_WEB) -fuzzminimizetime 20x ./internal/web
