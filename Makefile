# Two commands do everything on a fresh machine:
#   make run   — install into .venv, migrate, load the article's records, serve on http://127.0.0.1:8000
#   make test  — install, lint, check migrations, run the whole suite
# Set DATABASE_URL=postgres://… to use PostgreSQL instead of the embedded SQLite file.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve install install-dev migrate fixtures admin-user lint format migrations-check test clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/activate requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# A local demo: DEBUG on, embedded database unless DATABASE_URL says otherwise.
run: export DEBUG ?= 1
run: install migrate fixtures admin-user serve

serve:
	$(PY) manage.py runserver $(HOST):$(PORT)

migrate: install
	$(PY) manage.py migrate --no-input

fixtures: install
	$(PY) manage.py loaddata fixtures/*.yaml
	$(PY) manage.py rebuild_search_index
	$(PY) manage.py build_datapackage

admin-user: install
	$(PY) manage.py createlocaladmin

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install-dev
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run

test: lint migrations-check
	DEBUG=1 $(BIN)/pytest

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache
