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

# The article's records go into an empty archive only: a second `make run` keeps every edit.
fixtures: install
	$(PY) manage.py load_article
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

# Benchmark (GitHub issue #7): prepare archive_bench_<scale> once (generate_archive), serve it under gunicorn with
# production settings, drive it over HTTP, time imports, write $(BENCH_OUT)/benchmarks.md and .json (bench/).
# XS and S are smoke runs unless SMOKE=0 (few requests, one export, the 10k import only): minutes, for CI.
# REGENERATE=1 drops and generates the dataset again.
SCALE ?= L
SEED ?= 1
BENCH_OUT ?= docs
SMOKE ?= $(if $(filter XS S,$(SCALE)),1,0)
# Load test: RATE requests/s offered (twice the assumed 20 req/s peak) for DURATION seconds.
RATE ?= 40
DURATION ?= 180

.PHONY: bench loadtest faults

# Fault test (issue #17): its own throwaway PostgreSQL cluster and Redis on spare ports, RATE req/s of the load
# test's mix, Redis paused then killed, PostgreSQL restarted, a record withdrawn during the cache outage
# (bench/faults.py). PHASE: seconds per phase. Fails on any 500, a request over 10 s, recovery over 10 s, or the
# withdrawn record served once; the phase table goes into $(BENCH_OUT)/benchmarks.md.
PHASE ?= 20

bench: install
	$(PY) -m bench.run --scale $(SCALE) --seed $(SEED) --out $(BENCH_OUT) $(if $(filter 1,$(SMOKE)),--smoke) \
		$(if $(filter 1,$(REGENERATE)),--regenerate)

loadtest: install-dev
	$(PY) -m bench.load --scale $(SCALE) --seed $(SEED) --out $(BENCH_OUT) --rate $(RATE) --duration $(DURATION)

faults: install-dev
	$(PY) -m bench.faults --phase-seconds $(PHASE) --rate $(RATE) --out $(BENCH_OUT)
