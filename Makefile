# docbase — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export DOCBASE_INSTANCE ?= $(CURDIR)/instance

.PHONY: run test lint format install import index serve bench clean

$(BIN)/docbase: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/docbase

install: $(BIN)/docbase

## make run: venv, install, import records/ into the store, build the index, serve on :5000
run: install
	$(BIN)/docbase import records/
	$(BIN)/docbase index
	$(BIN)/docbase serve --host $(HOST) --port $(PORT)

## make test: lint, then the whole test suite (browser tests included)
test: install lint
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check catalogue indexer web tests bench
	$(BIN)/ruff format --check catalogue indexer web tests bench

format: install
	$(BIN)/ruff check --fix catalogue indexer web tests bench
	$(BIN)/ruff format catalogue indexer web tests bench

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf instance .pytest_cache
