# tandem: `make run` serves the demo, `make test` runs the whole suite. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test lint bench assets install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The files extra (MPXJ) lets the import read .mpp, .xer and the rest; it needs Java 17 to run.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[files]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

assets: node_modules/.package-lock.json | $(BIN)/python
	$(BIN)/python src/tandem/web/assets.py node_modules

run: install assets
	$(BIN)/tandem db upgrade
	$(BIN)/tandem demo --if-missing
	@echo ""
	@echo "  tandem is at http://$(HOST):$(PORT)  (sign in with a demo login above; Ctrl+C stops)"
	@echo ""
	$(BIN)/tandem serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

lint: install-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

# The suite runs on SQLite; when TANDEM_TEST_POSTGRES_URL is set (CI sets it) it runs again on
# PostgreSQL, so a test that needs PostgreSQL never skips there.
test: install-test assets lint
	$(BIN)/pytest
	@if [ -n "$$TANDEM_TEST_POSTGRES_URL" ]; then \
		echo "--- again on PostgreSQL ($$TANDEM_TEST_POSTGRES_URL)"; \
		TANDEM_DATABASE_URL="$$TANDEM_TEST_POSTGRES_URL" $(BIN)/pytest; \
	fi

bench: install-test
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules src/tandem/web/static/vendor
