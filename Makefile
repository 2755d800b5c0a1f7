# Participation: `make run` to try it, `make test` to check it. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
# `make run PORT=5001` serves elsewhere; QR codes and links follow the port unless
# PARTICIPATION_BASE_URL is set.
PORT ?= 5000

.DEFAULT_GOAL := help
.PHONY: help run test test-browser lint typecheck coverage format bench clean

help: ## Show this list of commands
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  make %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP) $@

run: $(STAMP) ## Set up and serve the app with demo data on http://127.0.0.1:5000 (PORT=5001 to move)
	$(BIN)/participation db upgrade
	$(BIN)/participation demo
	$(BIN)/participation serve --host 127.0.0.1 --port $(PORT)

test: $(TEST_STAMP) ## Install test tools and run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: $(TEST_STAMP) ## Run only the real-browser tests (needs Debian's chromium)
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: $(TEST_STAMP) ## Check style with ruff (lint and format)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(TEST_STAMP) ## Check types with mypy (strict on the domain packages)
	$(BIN)/mypy

coverage: $(TEST_STAMP) ## Run the tests (no browser) with the coverage floor on the domain packages
	$(BIN)/python -m pytest --ignore=tests/browser --cov --cov-report=term $(PYTEST_ARGS)

format: $(TEST_STAMP) ## Reformat the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(TEST_STAMP) ## Run the benchmarks in bench/ (several minutes)
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/submit.py

clean: ## Remove the virtual environment and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
