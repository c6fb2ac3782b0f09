# cos-signer: `make run` starts the local service, `make test` runs every test.
GO        ?= go
PKGS      := ./...
FUZZTIME  ?= 60s
BENCHTIME ?= 1s
COUNT     ?= 6

# Deployment builds: static, stripped linux binaries.
DIST        ?= dist
# The Lambda architecture is template.yaml's Globals Architectures (the one place; sam build
# does not pass it to make, aws/aws-sam-cli#3349): arm64 or x86_64, built as GOARCH arm64 or amd64.
TEMPLATE_ARCH := $(shell sed -n 's/^ *Architectures: *\[ *\([a-z0-9_]*\) *\].*/\1/p' $(dir $(lastword $(MAKEFILE_LIST)))template.yaml 2>/dev/null)
LAMBDA_ARCH   ?= $(if $(filter x86_64,$(TEMPLATE_ARCH)),amd64,$(TEMPLATE_ARCH))
# Evaluated once, so every binary of one build carries the same version.
ifeq ($(origin VERSION),undefined)
VERSION     := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
endif
GOBUILD      = CGO_ENABLED=0 GOOS=linux $(GO) build -trimpath -ldflags='-s -w -X main.version=$(VERSION)'
ZIP          = $(GO) run ./cmd/zipdist

.PHONY: test test-browser bench fuzz lint build build-lambda build-scf build-web package run token invoke build-SignerFunction clean
.DEFAULT_GOAL := test

# One build configuration for everything make test compiles: vet, the tests, and the binaries the
# tests build the way make build does (internal/runtimeharness: CGO_ENABLED=0, -trimpath). Otherwise
# an empty build cache compiles the standard library and every module twice.
test lint: export CGO_ENABLED := 0
test lint: export GOFLAGS := $(strip $(shell $(GO) env GOFLAGS) -trimpath)

## test: every test, plus each fuzz target's seed corpus (go test runs those); lint has vetted and staticchecked already
test: lint interop/node_modules
	@echo "== go test $(PKGS) (a line per package as it finishes)"
	$(GO) test -count=1 -vet=off $(PKGS)

## test-browser: the interop flows with cos-js-sdk-v5, and Uppy 6 with docs/uppy.md's recipe, in headless Chromium (Debian's chromium; .ci/run installs it)
test-browser: interop/node_modules
	$(GO) test -count=1 -tags browser -run '^TestBrowser(Uppy)?$$' -v ./interop/

## interop/node_modules: the official COS client SDKs the interop tests drive, as interop/package-lock.json pins them
interop/node_modules: interop/package-lock.json
	cd interop && npm ci --ignore-scripts --no-audit --no-fund
	@touch $@

## bench: the signer beside cos-go-sdk-v5 (impl=cos-go-sdk-v5, impl=signer); the request path in
## process (ServeHTTP: a POST /presign with an HS256 token, ns/op and allocs/op); and end to end the
## cold start and warm invoke beside their hello-world floors (p50/floor, p99/floor) and the web
## server under load (64 clients) beside a bare net/http server (cpu-us per request, cpu/floor,
## rps/floor), each pair in the same run, COUNT times; benchstat (a tool in go.mod) gives medians and
## confidence intervals (for e2e only the latency and load metrics: its B/op and sec/op are the
## harness's). Raw: $(DIST)/bench-*.txt
bench:
	@mkdir -p $(DIST)
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(COUNT) ./signer > $(DIST)/bench-signer.txt || { cat $(DIST)/bench-signer.txt; exit 1; }
	$(GO) test -run '^$$' -bench '^BenchmarkServeHTTP$$' -benchmem -benchtime $(BENCHTIME) -count $(COUNT) ./functions/service > $(DIST)/bench-service.txt || { cat $(DIST)/bench-service.txt; exit 1; }
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count $(COUNT) ./e2e > $(DIST)/bench-e2e.txt || { cat $(DIST)/bench-e2e.txt; exit 1; }
	$(GO) tool benchstat -col /impl $(DIST)/bench-signer.txt
	$(GO) tool benchstat $(DIST)/bench-service.txt
	$(GO) tool benchstat -filter '.unit:/floor|-ms$$|-us$$/' $(DIST)/bench-e2e.txt

## fuzz: each fuzz target for FUZZTIME (go test -fuzz takes one target at a time). A run that
## ends in "context deadline exceeded" without writing a failing input is Go 1.26's fuzz engine
## racing its own -fuzztime deadline (golang/go#75804, fixed in Go 1.27), not a finding: it is
## reported and the next target runs.
fuzz:
	@set -e; mkdir -p $(DIST); for pkg in $$($(GO) list $(PKGS)); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "== $$pkg $$t ($(FUZZTIME))"; \
	    ( $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg 2>&1; echo "exit $$?" ) | tee $(DIST)/fuzz.log; \
	    if [ "$$(tail -n 1 $(DIST)/fuzz.log)" != "exit 0" ]; then \
	      if grep -q 'context deadline exceeded' $(DIST)/fuzz.log && ! grep -q 'Failing input written' $(DIST)/fuzz.log; then \
	        echo "-- $$t: stopped by the fuzz engine's deadline race (golang/go#75804); no failing input was written"; \
	      else exit 1; fi; \
	    fi; \
	  done; \
	done

## lint: gofmt, go vet and staticcheck (a tool in go.mod; its checks are staticcheck.conf's). Vet
## compiles every package and its dependencies first, silently for minutes on an empty build cache:
## its -v list of compiled packages is counted instead. Staticcheck keeps its own cache (a few
## seconds when warm; a few minutes on an empty one, as in .ci/run).
lint:
	@echo "== gofmt"
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	@echo "== go vet $(PKGS) (compiles every package first)"
	@{ $(GO) vet -v $(PKGS) 2>&1; echo "go vet exit $$?"; } | awk \
	  '/^go vet exit [0-9]+$$/ { printf "   %d packages compiled\n", n; exit $$4 } \
	   /^[A-Za-z0-9_.\/-]+$$/ { if (++n % 50 == 0) printf "   %d packages compiled...\n", n; next } { print }'
	@echo "== staticcheck $(PKGS)"
	$(GO) tool staticcheck $(PKGS)

## build: dist/lambda/bootstrap (LAMBDA_ARCH, default template.yaml's), dist/scf/main (amd64), dist/web/{server,scf_bootstrap} (amd64)
build: build-lambda build-scf build-web

build-lambda:
	GOARCH=$(LAMBDA_ARCH) $(GOBUILD) -tags lambda.norpc -o $(DIST)/lambda/bootstrap ./functions/lambda

build-scf:
	GOARCH=amd64 $(GOBUILD) -o $(DIST)/scf/main ./functions/scf

build-web:
	GOARCH=amd64 $(GOBUILD) -o $(DIST)/web/server ./functions/web
	cp deploy/scf_bootstrap $(DIST)/web/scf_bootstrap
	chmod 755 $(DIST)/web/scf_bootstrap

## package: dist/lambda.zip, dist/scf.zip, dist/web.zip for upload (binaries at the zip root, mode 755)
package: build
	$(ZIP) -o $(DIST)/lambda.zip $(DIST)/lambda/bootstrap
	$(ZIP) -o $(DIST)/scf.zip $(DIST)/scf/main
	$(ZIP) -o $(DIST)/web.zip $(DIST)/web/scf_bootstrap $(DIST)/web/server

## run: the local HTTP server on 127.0.0.1:9000 (PORT, LISTEN_HOST; demo credentials unless COS_*
## are set). Built, then exec'd: the server is make's own child, so stopping make (Ctrl-C, kill)
## stops it (`go run` would leave it running on SIGTERM).
run:
	@mkdir -p $(DIST)/run
	$(GO) build -ldflags='-X main.version=$(VERSION)' -o $(DIST)/run/server ./functions/web
	exec $(DIST)/run/server -demo

## token: a short-lived HS256 caller token for local testing, alone on stdout: TOKEN=$(make -s token SUB=alice)
## [TTL=1h, at most 24h]. Signed with AUTH_JWT_SECRET/ISSUER/AUDIENCE when set, else with the local
## secret that `AUTH_MODE=jwt make run` verifies with (public: never for a deployment).
token:
	@test -n "$(SUB)" || { echo "usage: make token SUB=alice [TTL=1h]" >&2; exit 2; }
	@$(GO) run ./cmd/token -sub '$(SUB)' -ttl '$(or $(TTL),1h)'

## invoke: one sample event through its platform's real binary: make invoke EVENT=events/scf/url-presign.json [PLATFORM=scf|lambda|web]
invoke:
	@test -n "$(EVENT)" || { echo "usage: make invoke EVENT=events/<platform>/<name>.json [PLATFORM=scf|lambda|web]"; exit 2; }
	$(GO) run ./cmd/invoke -platform '$(PLATFORM)' '$(EVENT)'

## build-SignerFunction: what `sam build` runs (template.yaml, BuildMethod: makefile), for the
## template's architecture whatever LAMBDA_ARCH says
build-SignerFunction:
	@test -n "$(TEMPLATE_ARCH)" || { echo "template.yaml: no Architectures: [arm64] or [x86_64] line" >&2; exit 2; }
	@test -n "$(ARTIFACTS_DIR)" || { echo "build-SignerFunction is run by sam build, which sets ARTIFACTS_DIR; for a local build use make build-lambda" >&2; exit 2; }
	GOARCH=$(if $(filter x86_64,$(TEMPLATE_ARCH)),amd64,$(TEMPLATE_ARCH)) $(GOBUILD) -tags lambda.norpc -o $(ARTIFACTS_DIR)/bootstrap ./functions/lambda

clean:
	rm -rf $(DIST)
