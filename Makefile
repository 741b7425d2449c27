# ig-pipeline: `make demo` and `make test` set up everything they need in .venv on a fresh machine.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo ui test test-fast lint bench validate lock clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

## Sync the follow graph of three sandbox accounts as real Dagster runs (SQLite, offline sandbox).
demo: $(STAMP)
	$(BIN)/ig-pipeline demo

## Open the Dagster UI on the demo's instance, with the sandbox running.
ui: $(STAMP)
	$(BIN)/ig-pipeline ui

# pytest-xdist workers: one per core (each has its own PostgreSQL test database); the slow tests are
# dealt out first (tests/conftest.py). `make test WORKERS=0` runs serially.
WORKERS ?= auto
PYTEST  := $(BIN)/python -m pytest -n $(WORKERS) --dist load --durations=15

## Lint, then the whole test suite (slow end-to-end tests included) against SQLite and the local
## PostgreSQL (started if it is down) and Debian's Chromium; prints the 15 slowest tests.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	scripts/ensure-postgres
	scripts/ensure-chromium
	$(PYTEST)

## The suite without the slow end-to-end tests (`pytest -m slow` runs those alone).
test-fast: $(STAMP)
	scripts/ensure-postgres
	scripts/ensure-chromium
	$(PYTEST) -m "not slow"

## Fix what ruff can fix and format the tree.
lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP)
	scripts/ensure-postgres
	$(BIN)/python bench/follow_graph.py
	$(BIN)/python bench/profiles.py
	$(BIN)/python bench/content.py
	$(BIN)/python bench/faces.py
	$(BIN)/python bench/insights.py

## Re-pin requirements.lock from a clean resolve of pyproject.toml.
lock:
	rm -rf /tmp/ig-pipeline-lock && $(PYTHON) -m venv /tmp/ig-pipeline-lock
	/tmp/ig-pipeline-lock/bin/python -m pip install --quiet --upgrade pip
	/tmp/ig-pipeline-lock/bin/python -m pip install --quiet -e '.[test]'
	/tmp/ig-pipeline-lock/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > requirements.lock

clean:
	rm -rf $(VENV) .ig-pipeline
