# The two commands a newcomer needs: `make dev` starts everything on embedded
# defaults; `make test` runs every test. See README.md.

GO ?= go

.PHONY: dev prod-local test vet fmt-check staticcheck workflowcheck build record-histories clean-dev fuzz fuzz-short

dev:
	$(GO) run ./cmd/remiss-dev

# The production topology without containers: Temporal on PostgreSQL, two
# workers and the web server as separate processes.
prod-local:
	scripts/prod-local

# Every package but the end-to-end and topology tests runs under the race
# detector (it needs cgo: a C compiler); those two link a Temporal server and
# run without it. Each fuzz target runs for a few seconds too.
test: fmt-check vet staticcheck workflowcheck
	$(GO) test -race -count=1 -timeout 20m $$($(GO) list ./... | grep -v /tests/)
	$(MAKE) --no-print-directory fuzz-short
	$(GO) test -count=1 -timeout 20m ./tests/...

# The fuzz targets, as package:Target (go test -fuzz takes one target in
# one package at a time). Their seed corpora are in the tests (f.Add) and in
# testdata/fuzz; what a run finds is written there.
FUZZ_TARGETS = ./internal/pdfupdate:FuzzRead ./internal/pdfupdate:FuzzUpdate ./internal/sign:FuzzVerify \
	./internal/web:FuzzDecode ./internal/web:FuzzReadForm ./starter:FuzzReadYAML
FUZZTIME ?= 60s
FUZZMINIMIZE ?= 5s

# Each fuzz target for FUZZTIME (make fuzz FUZZTIME=10m for a longer run).
# Go's fuzzer may end a run with a bare "context deadline exceeded" when
# the time is up while it minimises a new interesting input (no failing
# input, nothing written to testdata): that run is tried once more; any
# other failure stops.
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		echo "fuzz $${t#*:} ($(FUZZTIME))"; \
		for try in 1 2; do \
			out=$$($(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZE) "$${t%%:*}" 2>&1); rc=$$?; \
			echo "$$out"; \
			[ $$rc -eq 0 ] && break; \
			if [ $$try -eq 1 ] && echo "$$out" | grep -q 'context deadline exceeded' && ! echo "$$out" | grep -q 'Failing input'; then \
				echo "fuzz $${t#*:}: the time ran out while minimising; once more"; continue; \
			fi; \
			exit 1; \
		done; \
	done

# Each fuzz target for three seconds: part of `make test`.
fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=3s FUZZMINIMIZE=1s

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
