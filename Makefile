# docbase — the two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export DOCBASE_INSTANCE ?= $(CURDIR)/instance

.PHONY: run test lint format install install-test bench translations clean

$(BIN)/docbase: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/docbase

# axe-core (npm) for the accessibility audit of the browser tests
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

install-test: install node_modules/axe-core/axe.min.js

install: $(BIN)/docbase

## make run: venv, install, import records/ into the store, build the index, serve on :5000
run: install
	-$(BIN)/docbase import records/  # a file that cannot be read is reported; the site still serves
	$(BIN)/docbase index
	$(BIN)/docbase serve --host $(HOST) --port $(PORT)

## make test: lint, then the whole test suite (browser tests included)
test: install-test lint
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check catalogue indexer web tests bench
	$(BIN)/ruff format --check catalogue indexer web tests bench

format: install
	$(BIN)/ruff check --fix catalogue indexer web tests bench
	$(BIN)/ruff format catalogue indexer web tests bench

bench: install
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/web.py

## make translations: extract the interface's messages, update and compile the catalogues
translations: install
	$(BIN)/pybabel extract --project docbase -F web/babel.cfg -k _l -k lazy_gettext -k N_ -k tr --no-location -o web/translations/messages.pot .
	$(BIN)/pybabel update -i web/translations/messages.pot -d web/translations
	$(BIN)/pybabel compile -d web/translations

clean:
	rm -rf instance .pytest_cache
