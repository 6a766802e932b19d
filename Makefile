# Two commands for a newcomer: `make demo` (set up, validate the bundled example) and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint bench schemas

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/oafctl validate examples/minimal

lint: setup
	$(BIN)/ruff check oafctl tests bench
	$(BIN)/mypy oafctl

test: lint
	$(BIN)/oafctl test -q policies/tests
	$(BIN)/oafctl test -q examples/england/tests
	$(BIN)/python -m pytest -q

schemas: setup
	$(BIN)/oafctl schema

bench: setup
	$(BIN)/python bench/run.py
