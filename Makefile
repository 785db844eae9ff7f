# Resonance — the two commands that matter on a fresh machine:
#   make demo   set up and run the product on its embedded default
#   make test   set up and run every test (lint, types, unit, integration)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
DATA_DIR ?= $(CURDIR)/data
export RESONANCE_DATA_DIR ?= $(DATA_DIR)

.PHONY: setup demo test lint typecheck pytest bench serve clean

$(STAMP): backend/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e "backend[dev]"
	touch $(STAMP)

setup: $(STAMP)  ## create the virtual environment and install everything

demo: setup  ## run the product on its embedded default (SQLite, in-process cache and jobs)
	bash scripts/demo.sh

serve: setup
	$(BIN)/resonance serve

lint: setup  ## ruff (lint + format check)
	cd backend && ../$(BIN)/ruff check src tests ../bench && ../$(BIN)/ruff format --check src tests ../bench

typecheck: setup  ## mypy strict on the resonance package
	cd backend && ../$(BIN)/mypy

pytest: setup
	cd backend && ../$(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest  ## every test

bench: setup  ## benchmarks that print tables (figures go in docs/benchmarks.md)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) data backend/.mypy_cache backend/.pytest_cache backend/.ruff_cache
