# Two commands matter on a new machine: `make run` and `make test`. Both create the virtualenv.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
PYTEST_ARGS ?=

.PHONY: help venv run test lint format emulator clean

help:
	@echo "make run       start the local stack (moto + Chime emulator) with demo data"
	@echo "make test      lint, type-check and run every test"
	@echo "make emulator  run only the Chime SDK Meetings emulator on 127.0.0.1:4567"
	@echo "make format    format the code with ruff"

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy $(wildcard app.py functions local)

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

run: venv
	$(BIN)/python -m local.stack

emulator: venv
	$(BIN)/python -m local.chime_emulator --host 127.0.0.1 --port 4567

clean:
	rm -rf $(VENV) .local .pytest_cache .mypy_cache .ruff_cache
