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

# axe-core, the accessibility checker the browser tests run in each page (tests/test_browser_a11y.py), from the
# npm registry at a pinned version, into the virtualenv (removed with it by `make clean`). The stamp names the
# version, so changing AXE_CORE_VERSION installs the new one.
AXE_CORE_VERSION := 4.14.1
AXE_CORE_STAMP := $(VENV)/node_modules/.axe-core-$(AXE_CORE_VERSION)

$(AXE_CORE_STAMP): | $(BIN)/activate
	npm install --prefix $(VENV) --no-save --no-package-lock --no-audit --no-fund axe-core@$(AXE_CORE_VERSION)
	test -f $(VENV)/node_modules/axe-core/axe.min.js
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev $(AXE_CORE_STAMP)

# A local demo on the embedded database unless DATABASE_URL says otherwise. Set-up runs with DEBUG on;
# the site is served with DEBUG off (SERVE_DEBUG=1 to debug), so a mistyped address gets the archive's own
# 404 page rather than Django's list of every URL pattern. Plain http on this machine: no HTTPS redirect.
run: export DEBUG ?= 1
run: install migrate fixtures admin-user serve

SERVE_DEBUG ?= 0
LOCAL_SITE := ALLOWED_HOSTS=$(HOST),127.0.0.1,localhost SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 \
	CSRF_COOKIE_SECURE=0 SECURE_HSTS_SECONDS=0 SECURE_HSTS_INCLUDE_SUBDOMAINS=0 SECURE_HSTS_PRELOAD=0

# The local server's signing key, made once and kept (sign-ins survive a restart), readable only by you.
.local-secret-key:
	umask 077 && $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

serve: install .local-secret-key
	DEBUG=$(SERVE_DEBUG) SECRET_KEY="$$(cat .local-secret-key)" $(LOCAL_SITE) $(PY) manage.py runserver --insecure $(HOST):$(PORT)

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

# The suite runs on TEST_PROCESSES processes (pytest-xdist): one per core this process may use, at most four
# (each builds its own test database, test worlds and browser); 0: in this process alone, as a debugger wants.
# Tests are dealt out one by one in the suite's own order (--dist load; .ci/run says why).
TEST_PROCESSES ?= $(shell n=$$(nproc); echo $$(( n < 4 ? n : 4 )))

test: lint migrations-check
	DEBUG=1 $(BIN)/pytest -n $(TEST_PROCESSES) --dist load

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .ruff_cache

# Benchmark (GitHub issue #7): prepare archive_bench_<scale> once (generate_archive), serve it under gunicorn with
# production settings, drive it over HTTP, ask Datasette the same questions on a SQLite export of the public
# protests (NO_DATASETTE=1 skips it), time imports, write $(BENCH_OUT)/benchmarks.md and .json (bench/).
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

bench: $(VENV)/.dev  # the dev requirements hold Datasette, served beside the app (bench/datasette.py)
	$(PY) -m bench.run --scale $(SCALE) --seed $(SEED) --out $(BENCH_OUT) $(if $(filter 1,$(SMOKE)),--smoke) \
		$(if $(filter 1,$(REGENERATE)),--regenerate) $(if $(filter 1,$(NO_DATASETTE)),--no-datasette)

loadtest: install-dev
	$(PY) -m bench.load --scale $(SCALE) --seed $(SEED) --out $(BENCH_OUT) --rate $(RATE) --duration $(DURATION)

faults: install-dev
	$(PY) -m bench.faults --phase-seconds $(PHASE) --rate $(RATE) --out $(BENCH_OUT)
