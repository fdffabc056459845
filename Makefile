# The two commands a new user needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-fast lint lock translations translations-update screenshots bench bench-rush clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

translations: $(VENV)/.runtime-installed
	$(BIN)/pybabel compile -d app/translations

## Set up, migrate, load demo data, then serve on http://127.0.0.1:5000 with the scheduler
## (reminders and mail) beside it; Ctrl-C stops both.
run: translations
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo
	$(BIN)/flask scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## Set up and run the whole test suite (SQLite; PostgreSQL when TEST_DATABASE_URL is set)
test: $(VENV)/.dev-installed translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The suite without the browser tests, for a quick local loop
test-fast: $(VENV)/.dev-installed translations
	$(BIN)/python -m pytest -m "not browser" $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check app workflows tests config.py wsgi.py gunicorn.conf.py
	$(BIN)/mypy

## The pinned files from pyproject.toml's lists (the one source); pins that still fit are kept,
## so only a changed list moves a version. requirements-dev.txt holds the whole tree.
COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --strip-extras \
	--no-emit-index-url --no-emit-find-links
lock: $(VENV)/.dev-installed
	$(COMPILE) --output-file=requirements.txt pyproject.toml
	$(COMPILE) --extra=dev --constraint=requirements.txt --output-file=requirements-dev.txt \
		pyproject.toml

translations-update: $(VENV)/.runtime-installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k N_ -k NP_:1,2 -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations -w 100

screenshots: $(VENV)/.dev-installed translations
	$(BIN)/python -m tests.browser.screenshots

## CPU and wall time, SQL count and growth of the heaviest pages on `flask seed-demo` data with
## 10 and 340 agencies, 1 and 10 frozen years; one PDF report and the zip of all of them.
## The seeded files are kept in BENCH_DIR (default /tmp/granska-bench). See docs/PERFORMANCE.md.
bench: $(VENV)/.dev-installed translations
	$(BIN)/python -m tests.benchmarks.bench_pages
	$(BIN)/python -m tests.benchmarks.bench_reports

## The deadline rush: Locust, 100 users for RUSH_SECONDS (180) against gunicorn on 127.0.0.1,
## SQLite, and PostgreSQL too when BENCH_PG_URL names a database that may be emptied.
bench-rush: $(VENV)/.dev-installed translations
	$(BIN)/python -m tests.benchmarks.bench_rush

clean:
	rm -rf $(VENV) instance
