# The index of what you can run. `make dev` and `make test` set up everything they need.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAGE ?= prod
FRONTEND := frontend

.PHONY: help dev test lint typecheck test-python test-frontend bench openapi deploy clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.synced: requirements-dev.txt requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements-dev.txt
	@touch $@

$(FRONTEND)/node_modules/.synced: $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(VENV)/.synced $(if $(wildcard $(FRONTEND)/package-lock.json),$(FRONTEND)/node_modules/.synced)

chromium: ## install Debian's Chromium for the browser tests, when missing
	@command -v chromium >/dev/null || { \
	  echo "installing chromium (apt)"; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

dev: deps ## run emulator + API + console locally (SEED=1 loads sample IDs)
	$(PY) -m backend.devstack $(if $(filter 1,$(SEED)),--seed)

lint: deps ## ruff and mypy (strict) on the Python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test-frontend: deps ## the console: generated types up to date, tsc, ESLint, Vitest
	@if [ -f $(FRONTEND)/package.json ]; then \
	  cd $(FRONTEND) && npm run --silent check:api && npm run --silent typecheck && npm run --silent lint && npm run --silent test; fi

test: deps chromium lint test-frontend ## every test: lint, unit, functional, integration, infra, browser
	$(PY) -m pytest tests $(wildcard $(FRONTEND)/e2e) -p no:cacheprovider

bench: deps ## benchmarks; figures go in the README
	$(PY) bench/api_bench.py
	@for b in bench/workflow_bench.py bench/frontend_bench.py; do [ ! -f $$b ] || $(PY) $$b; done

openapi: deps ## regenerate backend/openapi.json and the console's types from the models
	$(PY) -m chalicelib.openapi
	@if [ -f $(FRONTEND)/package.json ]; then cd $(FRONTEND) && npm run --silent gen:api; fi

deploy: deps ## deploy a stage to AWS: make deploy STAGE=prod
	./deploy.sh --stage $(STAGE)

clean: ## remove local environments and build output
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist .mypy_cache .ruff_cache .deploy .chalice/deployments
