# Newsroom: `make run` serves the site with the annotated seed article; `make test` runs everything.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
# axe-core runs inside the browser tests (accessibility); fetched from npm, never shipped.
AXE_VERSION := 4.11.0
AXE := .cache/axe/node_modules/axe-core/axe.min.js

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

test: $(STAMP) $(AXE)
	$(BIN)/python -m pytest

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
