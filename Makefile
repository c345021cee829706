# Newsroom: `make run` serves the site with the annotated seed article; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# make test runs the suite in one process a core (pytest-xdist), each test file in one process;
# at most 6, each with its own Redis database (10-15, tests/conftest.py).
TEST_WORKERS ?= auto
STAMP := $(VENV)/.installed
# axe-core runs inside the browser tests (accessibility); fetched from npm, never shipped.
AXE_VERSION := 4.11.0
AXE := .cache/axe/node_modules/axe-core/axe.min.js
# Apache Annotator's W3C selector matchers resolve our exported selectors in the browser tests;
# fetched from npm and bundled for the page by esbuild (from npm too), never shipped.
ANNOTATOR_VERSION := 0.2.0
ESBUILD_VERSION := 0.25.12
ANNOTATOR := .cache/annotator/annotator.js

.PHONY: run test lint format migrate seed clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seed
	$(BIN)/python manage.py load_gazetteer --bundled
	$(BIN)/python manage.py ensure_admin
	@echo "Newsroom is at http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	@# The background-job worker runs beside the server and stops when the server stops.
	$(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

$(AXE):
	npm install --prefix .cache/axe --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION)

$(ANNOTATOR):
	npm install --prefix .cache/annotator --no-audit --no-fund --loglevel=error \
		@apache-annotator/dom@$(ANNOTATOR_VERSION) @apache-annotator/selector@$(ANNOTATOR_VERSION) \
		esbuild@$(ESBUILD_VERSION)
	cd .cache/annotator && echo 'export { createTextQuoteSelectorMatcher, createTextPositionSelectorMatcher } from "@apache-annotator/dom";' \
		| node_modules/.bin/esbuild --bundle --format=iife --global-name=ApacheAnnotator \
		--log-level=warning --outfile=annotator.js.tmp && mv annotator.js.tmp annotator.js

test: $(STAMP) $(AXE) $(ANNOTATOR)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses 6 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: $(STAMP)
	$(BIN)/python manage.py load_seed --force  # reload the seed, overwriting its objects

clean:
	rm -rf $(VENV) .cache staticfiles .pytest_cache .ruff_cache .hypothesis db.sqlite3
