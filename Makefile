# dualwatch: `make demo` and `make test` do all set-up (a .venv with everything installed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.install-stamp

.PHONY: install demo test lint format bench browser clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Crawl the bundled offline replica (baseline, then new and revised notices, then the
## control lists of 2026 No. 11 and 12: rows, list state, a screening example) and
## show the detected changes and the alert messages. Offline; well under a minute.
demo: $(STAMP)
	$(BIN)/python -m tests.replica.demo

## Lint (ruff), check types (mypy), byte-compile once (the environment may forbid writing
## bytecode, and each of the ~650 crawl and CLI subprocesses would compile everything again),
## then run the whole suite (real HTTP to the replica, real Scrapy, SQLite, SMTP) four tests
## at a time, idle workers stealing queued tests from busy ones.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/python -m compileall -q monitors crawler tests
	$(BIN)/pytest -n 4 --dist worksteal

## Debian's Chromium, for the tests that open the bulletin in a real browser (they are
## skipped, saying so, where it is missing). Needs root and apt; best effort elsewhere.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends chromium >/dev/null; \
	} || echo "chromium could not be installed: the browser tests will be skipped"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Crawl a replica holding 1,000 notices per site; print timings, requests and peak RSS.
## Then 30 hourly cycles of revisions and withdrawals of every age: detection delay against
## the re-verify period, requests per cycle, CPU per page, at 1,000 and 5,000 notices
## (bench/cycles_bench.py, about 4 min).
bench: $(STAMP)
	$(BIN)/python bench/crawl_bench.py
	$(BIN)/python bench/cycles_bench.py --bulk 1000 5000

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
