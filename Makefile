# Klynge: `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install assets lint format bench lock clean

run: install assets
	$(BIN)/klynge demo

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

assets: node_modules/.package-lock.json
	node scripts/build-assets.mjs

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

# The suite on SQLite and, when TEST_POSTGRES_URL is set (.ci/run sets it), on PostgreSQL at the same
# time, in parallel and in random order (scripts/test.sh, docs/development.md).
# `make test RANDOM_ORDER_SEED=N` repeats an order; PYTEST_ARGS overrides `-n auto --dist worksteal`.
test: install assets lint
	scripts/test.sh

bench: install assets
	BENCH_POSTGRES=1 $(BIN)/python -m bench

# Regenerates requirements.lock (hash-pinned, no index addresses) from pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --no-header --python-version 3.11 \
		--universal --no-emit-index-url -o requirements.lock

clean:
	rm -rf $(VENV) node_modules src/klynge/static/vendor
