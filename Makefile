# Two commands matter on a new machine: `make run` and `make test`. Both create the virtualenv.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt requirements-infra.txt | sha1sum | cut -c1-12)
PYTEST_ARGS ?=
# Deployment (docs/deployment.md): the CDK CLI comes from the npm registry through npx.
STAGE ?=
OPS_EMAIL ?=
STANDARDS_EMAILS ?=
CDK_CLI_VERSION ?= 2.1148.1
CDK := cd infra && npx --yes aws-cdk@$(CDK_CLI_VERSION)
CDK_STAGE = $(STAGE) -c stage=$(STAGE) $(if $(OPS_EMAIL),-c opsEmail=$(OPS_EMAIL)) \
	$(if $(STANDARDS_EMAILS),-c standardsEmails=$(STANDARDS_EMAILS))
# aws-cdk-lib runs on this machine's Node.js; silence its end-of-life banner (Node 22+ is better).
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 18,20

# The web faces (web/): npm installs from package-lock.json; the build is redone when a source changes.
WEB_SOURCES := $(shell find web/src web/public web/officer web/console -type f 2>/dev/null) \
	web/index.html web/package.json web/vite.config.ts web/tsconfig.json
NPM := npm --prefix web --no-audit --no-fund --loglevel=error
WEB_DEPS := web/node_modules/.package-lock.json
CHROMIUM ?= /usr/bin/chromium

.PHONY: help venv run test lint format emulator clean synth bootstrap diff deploy destroy check-stage \
	web web-test browser bench burst openapi

help:
	@echo "make run       start the local stack (moto + Chime emulator) with demo data"
	@echo "make test      lint, type-check and run every test"
	@echo "make web       build the three web faces into web/dist (make run and make test do it)"
	@echo "make types     regenerate the pages' API types and server constants (docs/web.md)"
	@echo "make emulator  run only the Chime SDK Meetings emulator on 127.0.0.1:4567"
	@echo "make format    format the code with ruff"
	@echo "make bench     speed figures against PRODUCT.md's bar (docs/performance.md; BENCH_ARGS=--json)"
	@echo "make burst     bursts of 40 session starts against a running \`make run\` (docs/performance.md)"
	@echo "make openapi   regenerate docs/openapi.json from the routes and models (tests/fuzz checks it)"
	@echo "make proto     regenerate the Chime signaling frames' Python module from signaling.proto"
	@echo "make synth     synthesise the CDK app offline into infra/cdk.out (STAGE=dev|prod for one)"
	@echo "make bootstrap STAGE=dev|prod   prepare an AWS account/region for CDK (once)"
	@echo "make diff STAGE=dev|prod        what a deploy would change"
	@echo "make deploy STAGE=dev|prod [OPS_EMAIL=...] [STANDARDS_EMAILS=MET=...]   deploy a stage (docs/deployment.md)"
	@echo "make destroy STAGE=dev          delete the dev stack (prod keeps its data: see docs)"

$(STAMP): requirements.txt requirements-dev.txt requirements-infra.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(wildcard app.py functions local bench)
	$(BIN)/mypy --config-file infra/mypy.ini --cache-dir .mypy_cache/infra infra

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint web-test web browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

run: venv web
	$(BIN)/python -m local.stack

$(WEB_DEPS): web/package-lock.json
	$(NPM) ci
	@touch $@

web/dist/index.html: $(WEB_DEPS) $(WEB_SOURCES)
	$(NPM) run build

web: web/dist/index.html

# Type-check and unit-test the pages' state handling (Vitest).
web-test: $(WEB_DEPS)
	$(NPM) run typecheck
	$(NPM) run lint
	$(NPM) test

# The pages' API types and the server's constants, from the pydantic models (docs/web.md);
# tests/unit/test_web_parity.py fails while the committed file differs.
.PHONY: types
types: venv $(WEB_DEPS)
	$(BIN)/python -m local.web_types

# The end-to-end tests drive Debian's Chromium (Playwright never downloads a browser here).
browser:
	@test -x $(CHROMIUM) || command -v chromium >/dev/null || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || { \
	    $$SUDO apt-get update -qq && \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; }
	@# Her page's Bengali and Urdu screenshots (tests/e2e/test_languages.py, test_her_record.py)
	@# need fonts for those scripts, which phones have and this machine may not.
	@for pair in bn:fonts-lohit-beng-bengali ur:fonts-sil-awami-nastaliq; do \
	  lang=$${pair%%:*}; package=$${pair#*:}; \
	  fc-list :lang=$$lang 2>/dev/null | grep -q . && continue; \
	  echo "Installing a font for $$lang for the browser tests' screenshots ($$package)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$package >/dev/null || { \
	    $$SUDO apt-get update -qq && \
	    $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$package >/dev/null; } || \
	  echo "No $$lang font could be installed: the tests still run, that screenshot shows boxes"; \
	done

# Prints figures (docs/performance.md); exits 0 whether or not a target is met. Needs no `make run`.
BENCH_ARGS ?=
bench: venv web browser
	$(BIN)/python -m bench $(BENCH_ARGS)
	$(BIN)/python -m bench.media
	$(BIN)/python -m bench.reports $(filter --json,$(BENCH_ARGS))
	$(BIN)/python -m bench.history $(filter --json,$(BENCH_ARGS))
	$(BIN)/python -m bench.lambda_burst $(filter --json,$(BENCH_ARGS))
	$(BIN)/python -m bench.memory $(filter --json,$(BENCH_ARGS))
	$(BIN)/python -m bench.cost $(filter --json,$(BENCH_ARGS))

# Needs `make run` going in another terminal; measures it (docs/performance.md, "Local stack under
# a burst"). BURST_ARGS=--json for JSON, e.g. BURST_ARGS="--bursts 10 --concurrency 60".
BURST_ARGS ?=
burst: venv
	$(BIN)/python -m bench.burst $(BURST_ARGS)

# The OpenAPI document is generated, never edited: tests/fuzz/test_openapi.py fails when it drifts.
openapi: venv
	$(BIN)/python -m local.openapi

# The Chime SDK signaling frames (docs/chime-emulator.md): protoc, from grpcio-tools in the venv,
# writes signaling_pb2.py and .pyi; tests/emulator/test_signaling_protocol.py fails when they drift.
.PHONY: proto
proto: venv
	$(BIN)/python -m local.chime_emulator.media.protocol.generate

emulator: venv
	$(BIN)/python -m local.chime_emulator --host 127.0.0.1 --port 4567

# Offline: no AWS account or credentials. Runs `chalice package`, cdk-nag and writes infra/cdk.out.
synth: venv web
	rm -rf infra/cdk.out
	STAGE=$(STAGE) $(BIN)/python infra/app.py

check-stage:
	@case "$(STAGE)" in dev|prod) ;; *) echo "set STAGE=dev or STAGE=prod" >&2; exit 2;; esac

bootstrap: venv check-stage
	$(CDK) bootstrap -c stage=$(STAGE)

diff: venv web check-stage
	$(CDK) diff $(CDK_STAGE)

deploy: venv web check-stage
	$(CDK) deploy $(CDK_STAGE) --require-approval broadening

destroy: venv check-stage
	@test "$(STAGE)" = dev || { echo "only dev is destroyed by make; see docs/deployment.md for prod" >&2; exit 2; }
	$(CDK) destroy $(CDK_STAGE)

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache infra/cdk.out web/dist web/node_modules \
	  test-artifacts
