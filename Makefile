# Metrohub: `make run` serves the platform with demo data; `make test` runs every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
export METROHUB_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test setup lint format check bench clean

setup: $(VENV)/.installed node_modules/.installed .system-packages messages

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --silent
	@touch $@

.system-packages: scripts/system-packages
	scripts/system-packages
	@touch $@

messages: $(VENV)/.installed
	@cd src/metrohub && ../../$(BIN)/metrohub compilemessages -v0 --ignore=.venv

run: setup
	$(BIN)/metrohub migrate -v0
	@test -f $(METROHUB_DATA_DIR)/.demo-loaded || ($(BIN)/metrohub demo --quiet && touch $(METROHUB_DATA_DIR)/.demo-loaded)
	@$(BIN)/metrohub demo --logins-only
	@echo "Metrohub is starting on http://127.0.0.1:8000  (Ctrl-C stops it)"
	$(BIN)/metrohub serve 127.0.0.1:8000

test: setup
	scripts/test-all

lint:
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

format:
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

bench: setup
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) node_modules .system-packages
