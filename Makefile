# The index of what you can run. `make dev` and `make test` set up everything they need.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAGE ?= prod
FRONTEND := frontend
PY_DEPS := $(VENV)/.synced
JS_DEPS := $(FRONTEND)/node_modules/.synced
PNPM_DEPS := tools/pnpm/node_modules/.synced
PNPM := $(CURDIR)/tools/pnpm/node_modules/.bin/pnpm
LIGHTHOUSE_DEPS := bench/lighthouse/node_modules/.synced
# Most of the suite waits (on servers, a browser, the emulator's workflow), so more processes
# than cores pays; each gets its own local stack, ports and tables (conftest.py).
TEST_WORKERS ?= 3
# The suite starts dozens of Python processes (stacks, `make dev`, linters, deploy builds); with
# bytecode caches off, each compiles every module it imports again. So they are written (gitignored).
unexport PYTHONDONTWRITEBYTECODE
PYTEST := $(PY) -m pytest -p no:cacheprovider -n $(TEST_WORKERS) $(PYTEST_ARGS)
PYTEST_EVERY_TEST := tests $(wildcard $(FRONTEND)/e2e)
# Independent steps at once, each one's output printed whole when it ends (never interleaved);
# the first failure stops the rest from starting and fails the run.
PARALLEL := $(MAKE) --no-print-directory -j 6 --output-sync=target
# Alongside pytest, the other steps yield the CPU to it: some of its tests hold answers to a time budget.
SIDE :=

.PHONY: help deps headless-chromium chromium dev lint lint-openapi test-frontend test check pytest pytest-beside-chromium pytest-quick \
        bench generate deploy clean smoke rollback-console

# The variables `make help` lists (each a "#:" line):
#: API_PORT=8000                 make dev: the API (chalice local)
#: EMULATOR_PORT=5000            make dev: the AWS emulator (AWS_ENDPOINT_URL for the CLI and SDKs)
#: WEB_PORT=5173                 make dev: the console
#: SEED=1                        make dev: load a few sample IDs
#: FRESH=1                       make dev: start clean (forget the IDs and submissions kept in LOCAL_DATA_DIR)
#: LOCAL_DATA_DIR=.local-data    make dev: where local data is kept between runs
#: LOCAL_API_KEY=local-dev-key   make dev: the x-api-key the local API asks for
#: LOCAL_USER_PASSWORD=Local-users-pass-1  make dev: the password of its users viewer, operator and admin
#: LOCAL_SCHEDULE_SECONDS=5      make dev: how often @app.schedule functions run locally
#: STAGE=prod                    make deploy: the stage to deploy
#: API_URL=https://…/api         make smoke: the deployed API to check (SMOKE_API_KEY=its key, from the env)
#: CONSOLE_URL=https://…         make smoke: also check the console there (index.html, security headers)
#: TEST_WORKERS=3                make test/check: pytest processes (each runs its own local stack)
#: PYTEST_ARGS=                  make test/check: more pytest options, e.g. --durations=30

help: ## list the targets and the variables they read
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'
	@printf '\nVariables, e.g. make dev API_PORT=8100 SEED=1:\n'
	@sed -n 's/^#: /  /p' $(MAKEFILE_LIST)

# The venv starts without pip (ensurepip alone takes seconds): this Python's pip puts uv in it, and
# uv installs the rest, pip included (the deploy build runs it). An old or missing pip: ensurepip.
$(PY_DEPS): requirements-dev.txt requirements.txt
	@test -x $(PY) || $(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(PY) install --quiet --disable-pip-version-check uv==0.13.9 2>/dev/null || \
	  { $(PY) -m ensurepip --default-pip >/dev/null && $(PY) -m pip install --quiet --disable-pip-version-check uv==0.13.9; }
	$(VENV)/bin/uv pip sync --quiet --python $(PY) requirements-dev.txt
	@touch $@

# pnpm itself, pinned with its integrity by tools/pnpm/package-lock.json and installed by plain npm
# (corepack leaves Node in version 25). --prefer-offline: what a lockfile pins comes from npm's cache
# when it is there (integrity still checked) instead of asking the registry about every package first.
$(PNPM_DEPS): tools/pnpm/package-lock.json
	cd tools/pnpm && npm ci --prefer-offline --no-audit --no-fund --loglevel=error
	@touch $@

# The console's packages, with pnpm: it hard-links them from its store where npm ci copies every file
# out of its cache, and every make test starts with this install. A node_modules that npm made (no
# .modules.yaml) goes first: pnpm would leave npm's flat packages importable beside its own. The
# settings: no prompt when pnpm must rebuild node_modules; a dependency's build script fails the
# install (none runs today); package.json's packageManager must name this very pnpm (no switching).
$(JS_DEPS): $(FRONTEND)/pnpm-lock.yaml $(FRONTEND)/package.json $(PNPM_DEPS)
	@if [ -d $(FRONTEND)/node_modules ] && [ ! -f $(FRONTEND)/node_modules/.modules.yaml ]; then \
	  echo "removing $(FRONTEND)/node_modules (made by npm; pnpm installs it now)"; rm -rf $(FRONTEND)/node_modules; fi
	cd $(FRONTEND) && $(PNPM) install --frozen-lockfile --prefer-offline --loglevel=error \
	  --config.confirm-modules-purge=false --config.strict-dep-builds=true --config.update-notifier=false \
	  --config.manage-package-manager-versions=false --config.package-manager-strict-version=true
	@touch $@

# Lighthouse (and its ~170 packages) only for make bench: the console's install above is on every
# make test's path.
$(LIGHTHOUSE_DEPS): bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --prefer-offline --no-audit --no-fund --loglevel=error
	@touch $@

deps: $(PY_DEPS) $(JS_DEPS)

# While it looks and installs, each browser target holds CHROMIUM_INSTALL_LOCK (with flock, where
# there is one): make test's browser tests wait on it (see pytest-beside-chromium).
CHROMIUM_INSTALL_LOCK := $(CURDIR)/.chromium-install.lock
HOLD_CHROMIUM_INSTALL_LOCK := exec 9>"$(CHROMIUM_INSTALL_LOCK)"; flock 9 2>/dev/null || true
SUDO := $$([ "$$(id -u)" = 0 ] || echo sudo)

# What the browser tests run: Chromium's headless shell (or the full browser, where only it is there).
# Without what chromium-common recommends for a desktop (GTK, printing, notifications, avahi: about a
# hundred packages on a new machine, none used headless) except fonts-liberation, the fonts the
# console renders in besides the system's DejaVu.
headless-chromium: ## install Debian's Chromium headless shell (the browser tests'), when missing
	@$(HOLD_CHROMIUM_INSTALL_LOCK); \
	command -v chromium-headless-shell >/dev/null || command -v chromium >/dev/null || { \
	  echo "installing chromium-headless-shell (apt)"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) apt-get install -y -qq --no-install-recommends chromium-headless-shell fonts-liberation >/dev/null; }

# The full browser, which make bench's Lighthouse runs (E2E_BROWSER=chromium runs the browser tests in it).
chromium: ## install Debian's Chromium and its headless shell, when missing
	@$(HOLD_CHROMIUM_INSTALL_LOCK); \
	command -v chromium >/dev/null && command -v chromium-headless-shell >/dev/null || { \
	  echo "installing chromium and chromium-headless-shell (apt)"; \
	  { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium chromium-headless-shell >/dev/null; } \
	  || command -v chromium-headless-shell >/dev/null || command -v chromium >/dev/null; }

dev: deps ## run emulator + API + console locally (SEED=1 loads sample IDs, FRESH=1 starts clean)
	@$(PY) -m backend.local.devstack $(if $(filter 1,$(SEED)),--seed) $(if $(filter 1,$(FRESH)),--fresh)

lint: $(PY_DEPS) ## ruff and mypy (strict) on the Python
	$(SIDE) $(VENV)/bin/ruff check .
	$(SIDE) $(VENV)/bin/mypy

lint-openapi: $(PY_DEPS) $(JS_DEPS) ## the OpenAPI document: openapi-spec-validator, then Redocly's recommended rules (warnings fail)
	$(PY) -m openapi_spec_validator chalicelib/api/openapi.json
	cd $(FRONTEND) && npm run --silent lint:api

test-frontend: $(JS_DEPS) ## the console: generated types up to date, tsc, ESLint, Vitest
	cd $(FRONTEND) && $(SIDE) sh -c 'npm run --silent check:api && npm run --silent typecheck && \
	  npm run --silent lint && npm run --silent test'

test: ## every test: lint, unit, functional, integration, infra, browser
	@$(PARALLEL) SIDE="nice -n 10" lint lint-openapi test-frontend headless-chromium pytest-beside-chromium
	@echo "make test: every step passed"

check: ## the edit loop: ruff, mypy, unit and functional tests (no stack, browser or build)
	@$(PARALLEL) SIDE="nice -n 10" lint pytest-quick
	@echo "make check: every step passed"

# checkov's own venv (.venv-checkov, it pins another boto3) is installed by the test that runs it.
pytest: $(PY_DEPS) $(JS_DEPS) headless-chromium ## every pytest test (TEST_WORKERS processes)
	$(PYTEST) $(PYTEST_EVERY_TEST)

# make test's pytest: started beside the headless-chromium target, not after it. On a new machine apt spends
# tens of seconds installing Chromium, which only the browser tests need, and they run last: they
# wait for the install to end (CHROMIUM_INSTALL_LOCK, frontend/e2e/conftest.py).
pytest-beside-chromium: $(PY_DEPS) $(JS_DEPS)
	CHROMIUM_INSTALL_LOCK="$(CHROMIUM_INSTALL_LOCK)" $(PYTEST) $(PYTEST_EVERY_TEST)

pytest-quick: $(PY_DEPS)
	$(PYTEST) tests/unit tests/functional

bench: deps $(LIGHTHOUSE_DEPS) chromium ## benchmarks; the latest figures are in docs/benchmarks.md
	$(PY) bench/api_bench.py
	$(PY) bench/workflow_bench.py
	$(PY) bench/frontend_bench.py

generate: deps ## rewrite every generated file from its source (a test fails while one is stale)
	$(PY) -m chalicelib.api.openapi
	cd $(FRONTEND) && npm run --silent gen:api
	$(PY) -m workflow
	$(PY) -m backend.deploy.policies

smoke: $(VENV)/.synced ## check a deployed stage: make smoke STAGE=dev API_URL=https://…/api
	$(if $(API_URL),,$(error make smoke needs API_URL=<the stage's API URL>, and SMOKE_API_KEY in the environment))
	$(PY) -m backend.deploy.smoke --stage $(STAGE) --api-url "$(API_URL)" $(if $(CONSOLE_URL),--console-url "$(CONSOLE_URL)")

rollback-console: $(VENV)/.synced ## serve a stage's previous console release again: make rollback-console STAGE=prod
	$(PY) -m backend.deploy rollback-console --stage $(STAGE)

deploy: deps ## deploy a stage to AWS: make deploy STAGE=prod
	./deploy.sh --stage $(STAGE)

clean: ## remove local environments and build output
	rm -rf $(VENV) .venv-checkov $(FRONTEND)/node_modules tools/pnpm/node_modules bench/lighthouse/node_modules $(FRONTEND)/dist .mypy_cache .ruff_cache .deploy .chalice/deployments
