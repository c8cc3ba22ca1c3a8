# The two commands a newcomer needs: `make run` (demo site) and `make test` (whole suite).
# Both set everything up first: the virtualenv, the npm packages, translations, static files.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

# Settings for the demo and for set-up steps: debug on, SQLite unless DATABASE_URL says otherwise.
DEMO_ENV := DJANGO_DEBUG=1
# Tests run in production mode (debug off), over plain HTTP on localhost.
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=insecure-key-for-the-test-suite-only \
	DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver

.PHONY: help system-packages setup run serve test test-fast lint format bench messages lock clean

help:
	@echo "make run    set up and serve the demo site on SQLite at http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole test suite (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint   ruff lint and format check, and the direction of imports (import-linter)"
	@echo "make bench  load-test the main pages with wrk under gunicorn in production mode"
	@echo "make serve  gunicorn in production mode (needs the production environment variables;"
	@echo "            run the task worker beside it: .venv/bin/python manage.py run_huey)"
	@echo "make messages  extract new strings into the Spanish catalogues"

# gettext, Pango and a font (and Chromium for `make test`): installed with apt-get when run as
# root, otherwise the one command to run is printed.
system-packages:
	bin/system-packages

$(VENV)/.installed: requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Collected again only when the project's static files or the npm packages change.
STATIC_SOURCES := $(shell find static cities plans roundtables toolkit -path '*/static/*' -type f 2>/dev/null)
staticfiles/staticfiles.json: $(STATIC_SOURCES) node_modules/.installed $(VENV)/.installed
	$(DEMO_ENV) $(PY) manage.py collectstatic --noinput -v 0

setup: system-packages $(VENV)/.installed node_modules/.installed staticfiles/staticfiles.json
	$(DEMO_ENV) $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

run: setup
	$(DEMO_ENV) $(PY) manage.py migrate --noinput -v 0
	$(DEMO_ENV) $(PY) manage.py load_seed_data
	$(DEMO_ENV) $(PY) manage.py load_demo_data
	$(DEMO_ENV) $(PY) manage.py build_packages
	@# The task worker (package builds, mail, hourly reminders) runs beside the server and
	@# stops with it.
	$(DEMO_ENV) $(PY) manage.py run_huey --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

# Serves the site only. In production also run the task worker, with its scheduler (package
# builds, mail with retries, the hourly reminders), as a service of its own beside gunicorn,
# on the same environment (REDIS_URL shared by both):  $(PY) manage.py run_huey
serve: setup
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --noinput
	$(VENV)/bin/gunicorn toolkit.wsgi --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} \
		--access-logfile - --forwarded-allow-ips="$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

test: setup
	bin/system-packages --browser
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup
	@command -v wrk >/dev/null || apt-get install -y -qq wrk
	$(PY) bench/run.py

messages: $(VENV)/.installed
	$(DEMO_ENV) $(PY) manage.py update_catalogues $(if $(ONLY),--only $(ONLY))

# Re-pin the dependencies after changing pyproject.toml.
lock: $(VENV)/.installed
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes -o requirements.txt pyproject.toml
	$(VENV)/bin/pip-compile --quiet --strip-extras --generate-hashes --extra test -o requirements-dev.txt pyproject.toml

clean:
	rm -rf $(VENV) node_modules staticfiles db.sqlite3 db.sqlite3-*
