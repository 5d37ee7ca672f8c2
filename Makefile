# The README's contract: `make run` sets up and runs the demo county; `make test` sets up and passes every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DEMO_PASSWORD ?= daiban2026
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-test fonts browser-deps test-postgres test-topology lint typecheck bench clean db-roles lock wheelhouse

# Runtime packages (requirements.lock, with hashes); the test tools come on top (requirements-test.lock).
$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.lock
	$(PY) -m pip install --quiet --require-hashes -r requirements-test.lock
	touch $@

setup: $(VENV)/.installed

setup-test: $(VENV)/.installed-test

# The plan's flowchart and Gantt pictures are drawn with a CJK font (daiban/plans/charts.py).
fonts:
	@if ! fc-list 2>/dev/null | grep -qi wqy; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq fonts-wqy-microhei fontconfig >/dev/null; \
	fi

# One command on the embedded SQLite, served by the production server (manage.py serve: gunicorn + worker).
run: setup fonts
	DAIBAN_DEBUG=1 $(PY) manage.py migrate --noinput
	DAIBAN_DEBUG=1 $(PY) manage.py seed_demo --password $(DEMO_PASSWORD)
	@echo ""
	@echo "演示账号的密码均为：$(DEMO_PASSWORD)    打开 http://$(HOST):$(PORT)/"
	DAIBAN_DEBUG=1 $(PY) manage.py serve --host $(HOST) --port $(PORT)

# Debian's chromium and a CJK font for the browser tests (never `playwright install`).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null; \
	fi

lint: setup-test typecheck
	$(VENV)/bin/ruff check daiban conftest.py bench
	$(VENV)/bin/lint-imports  # the layer contract in .importlinter (docs/architecture.md)

# mypy with django-stubs and django-ninja's types (pyproject.toml [tool.mypy]), 0 errors; its cache in
# var/mypy_cache makes a run after small changes take seconds (the first one about half a minute to two).
typecheck: setup-test
	$(VENV)/bin/mypy daiban

test: setup-test browser-deps fonts lint
	$(PY) -m pytest -q

# The same suite on PostgreSQL (DATABASE_URL may be overridden).
test-postgres: setup-test browser-deps fonts
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/daiban} $(PY) -m pytest -q

# Two web processes and two workers on PostgreSQL + Redis, one of each killed mid-run (daiban/ops/tests/
# test_topology.py, about 3 minutes); the ordinary runs skip it (no DAIBAN_TOPOLOGY=1).
test-topology: setup-test
	DAIBAN_TOPOLOGY=1 DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/daiban_topology} \
		REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(PY) -m pytest -q -m topology daiban/ops/tests/test_topology.py

# Both locks again from the .in files, with hashes (uv from PyPI).
lock: setup
	$(PY) -m pip install --quiet uv
	$(PY) -m uv pip compile requirements.in --generate-hashes --python-version 3.11 --no-header -o requirements.lock
	$(PY) -m uv pip compile requirements-test.in --generate-hashes --python-version 3.11 --no-header \
		--constraint requirements.lock -o requirements-test.lock

# For an intranet without PyPI: the wheels of the runtime lock, to copy over and install with
# pip install --no-index --find-links wheelhouse --require-hashes -r requirements.lock (docs/operations.md).
wheelhouse: setup
	$(PY) -m pip download --quiet --require-hashes --dest wheelhouse -r requirements.lock

# The SQL that creates the runtime database role and its grants (docs/database-roles.md): the
# application connects as that role, migrations as the owner (DAIBAN_MIGRATE_DATABASE_URL).
db-roles: setup
	$(PY) manage.py db_roles --print

# One table of the province-scale goals on PostgreSQL (bench/README.md); e.g. make bench BENCH_FLAGS="--large 20000".
BENCH_FLAGS ?=
bench: setup-test
	$(PY) bench/bench_all.py $(BENCH_FLAGS)

clean:
	rm -rf $(VENV) var staticfiles
