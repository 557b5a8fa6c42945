# partyhub: the common commands. `make run` starts the site, `make test` tests it.
# GNU make; every recipe is one bash script (.ONESHELL) that stops at the first error.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
CELERY := $(VENV)/bin/celery
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
# Python 3.11: python3.11, or python3 when that is 3.11.
PYTHON311 ?= $(shell command -v python3.11 2>/dev/null || { python3 -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null && command -v python3; })

# Playwright drives Debian's /usr/bin/chromium; it must never download a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# `make test` runs on local PostgreSQL and Redis unless the environment says otherwise.
TEST_SETTINGS ?= partyhub.settings_test
test: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/partyhub
test: export REDIS_URL ?= redis://127.0.0.1:6379/1
test: export CACHE_URL ?= redis://127.0.0.1:6379/2
test: export DJANGO_SETTINGS_MODULE := $(TEST_SETTINGS)
PYTEST_ARGS ?=

START_POSTGRES := pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
START_REDIS := redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no

# Local commands default to DEBUG on (the embedded default: SQLite, a folder broker).
DEV_ENV = export DEBUG="$${DEBUG:-1}"

.PHONY: help run test venv lint typecheck format migrate smtp-sink worker beat clean

help:
	@echo "make run        start web (http://127.0.0.1:8000), Celery worker and beat; Ctrl-C stops all"
	echo "make test       run the tests on PostgreSQL and Redis (PYTEST_ARGS='-m \"not browser\"' ...)"
	echo "make lint       ruff check and ruff format --check"
	echo "make typecheck  mypy (fails on a type error not in .ci/mypy-baseline.txt)"
	echo "make format     ruff format and ruff check --fix"
	echo "make migrate    apply database migrations"
	echo "make worker     a Celery worker on its own"
	echo "make beat       Celery beat on its own (run exactly one)"
	echo "make smtp-sink  print mail sent to 127.0.0.1:1025 (EMAIL_URL=smtp://127.0.0.1:1025)"
	echo "make venv       create .venv with the test and tooling requirements"
	echo "make clean      remove caches and the local Celery broker folder (keeps db.sqlite3)"

# --- virtualenv ---------------------------------------------------------------------
$(PY):
	@if [ -z "$(PYTHON311)" ]; then
	  echo "partyhub needs Python 3.11 (python3.11, or python3 being 3.11); none found." >&2
	  exit 1
	fi
	echo "Creating $(VENV) with $(PYTHON311)"
	"$(PYTHON311)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstalled only when a requirements file changes.
$(RUNTIME_STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements-dev.txt requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(RUNTIME_STAMP) $@

venv: $(DEV_STAMP)

# --- run ----------------------------------------------------------------------------
run: $(RUNTIME_STAMP)
	@$(DEV_ENV)
	export PORT="$${PORT:-8000}"
	export SITE_URL="$${SITE_URL:-http://127.0.0.1:$$PORT}"
	$(PY) manage.py check_services
	$(PY) manage.py migrate --noinput
	case "$${DEBUG,,}" in
	  1|true|yes|y|on|ok) $(PY) manage.py seed_demo ;;
	  *) echo "DEBUG is off: not loading the demo (its logins share a published password)." ;;
	esac
	pids=()
	stop_all() {
	  trap - INT TERM EXIT
	  echo; echo "Stopping web, worker and beat..."
	  kill -TERM "$${pids[@]}" 2>/dev/null || true
	  for _ in $$(seq 40); do
	    alive=0
	    for pid in "$${pids[@]}"; do kill -0 "$$pid" 2>/dev/null && alive=1; done
	    [ "$$alive" = 0 ] && break
	    sleep 0.25
	  done
	  kill -KILL "$${pids[@]}" 2>/dev/null || true
	  wait 2>/dev/null || true
	}
	trap 'stop_all; exit 130' INT TERM
	trap stop_all EXIT
	$(CELERY) -A partyhub worker -l info --concurrency 2 & pids+=($$!)
	$(CELERY) -A partyhub beat -l info & pids+=($$!)
	echo
	echo "================================================================"
	echo "  partyhub: http://127.0.0.1:$$PORT/   (admin: http://127.0.0.1:$$PORT/admin/)"
	echo "  web, Celery worker and Celery beat are starting; Ctrl-C stops all three."
	echo "================================================================"
	echo
	$(PY) manage.py runserver "127.0.0.1:$$PORT" & pids+=($$!)
	# When any of the three stops, stop the others too.
	wait -n

# --- test ---------------------------------------------------------------------------
test: $(DEV_STAMP)
	@if [ ! -x /usr/bin/chromium ]; then
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then
	    apt_get="apt-get"
	  elif command -v apt-get >/dev/null && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	    apt_get="sudo apt-get"
	  else
	    apt_get=""
	  fi
	  if [ -n "$$apt_get" ]; then
	    echo "Installing Debian's Chromium for the browser tests ($$apt_get install chromium)"
	    $$apt_get update && DEBIAN_FRONTEND=noninteractive $$apt_get install -y chromium \
	      || echo "Could not install chromium: browser tests will be skipped." >&2
	  else
	    echo "Browser tests need Debian's Chromium at /usr/bin/chromium:" >&2
	    echo "    sudo apt-get install chromium" >&2
	    echo "Carrying on; browser tests will be skipped." >&2
	  fi
	fi
	if ! $(PY) manage.py check_services; then
	  echo >&2
	  echo "make test needs PostgreSQL ($$DATABASE_URL) and Redis ($$REDIS_URL)." >&2
	  echo "Start them as shown above, or point DATABASE_URL / REDIS_URL elsewhere." >&2
	  exit 1
	fi
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# --- tooling ------------------------------------------------------------------------
lint: $(DEV_STAMP)
	@$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(DEV_STAMP)
	@$(PY) .ci/typecheck

format: $(DEV_STAMP)
	@$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: $(RUNTIME_STAMP)
	@$(DEV_ENV)
	$(PY) manage.py migrate

worker: $(RUNTIME_STAMP)
	@$(DEV_ENV)
	exec $(CELERY) -A partyhub worker -l info --concurrency 2

beat: $(RUNTIME_STAMP)
	@$(DEV_ENV)
	exec $(CELERY) -A partyhub beat -l info

smtp-sink: $(DEV_STAMP)
	@echo "SMTP sink on 127.0.0.1:1025; run the site with EMAIL_URL=smtp://127.0.0.1:1025"
	PYTHONUNBUFFERED=1 exec $(PY) -m aiosmtpd -n -l 127.0.0.1:1025

clean:
	@find . -path ./$(VENV) -prune -o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .mypy_cache var staticfiles tests/artifacts
