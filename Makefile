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

.PHONY: setup demo test lint typecheck pytest bench serve clean frontend-test frontend-e2e

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

lint: setup  ## ruff (lint + format check) and the layer contract (import-linter)
	cd backend && ../$(BIN)/ruff check src tests ../bench ../scripts && ../$(BIN)/ruff format --check src tests ../bench ../scripts && ../$(BIN)/lint-imports

typecheck: setup  ## mypy strict on the resonance package
	cd backend && ../$(BIN)/mypy

pytest: setup
	cd backend && ../$(PY) -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest frontend-test  ## every test: backend and web app

bench: setup  ## benchmarks that print tables (figures go in docs/benchmarks.md)
	@for script in bench/*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# The web app: npm ci, lint, type-check, production build, first-load JS budget, unit tests,
# then end-to-end tests in headless Chromium against the real sandbox, API and `next start`.
CHROMIUM ?= /usr/bin/chromium
frontend-test: setup
	cd frontend && npm ci --no-audit --no-fund
	cd frontend && npm run lint
	cd frontend && npm run typecheck
	cd frontend && NEXT_TELEMETRY_DISABLED=1 npm run build
	cd frontend && node scripts/first-load-js.mjs --max-kb 200
	cd frontend && npm test
	$(MAKE) frontend-e2e

frontend-e2e: setup  ## e2e only (needs a build: npm run build in frontend/)
	@test -x $(CHROMIUM) || (apt-get update -qq && apt-get install -y -qq chromium)
	cd frontend && CHROMIUM_PATH=$(CHROMIUM) npm run test:e2e

clean:
	rm -rf frontend/node_modules frontend/.next
	rm -rf $(VENV) data backend/.mypy_cache backend/.pytest_cache backend/.ruff_cache
