# Two entry points: `make run` (the app with demo data on SQLite) and `make test` (the suite).
# Both build .venv from the pinned requirements on first use and reuse it afterwards.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := KHIDMA_ENV=development $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# The address printed on certificates (and in their QR codes) and e-mails: where `make run` serves.
PUBLIC_BASE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint bench translations

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Khidma needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.run-deps: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev-deps: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-deps

run: $(VENV)/.run-deps
	$(FLASK) db upgrade
	$(FLASK) content sync
	$(FLASK) demo load --if-empty
	PUBLIC_BASE_URL=$(PUBLIC_BASE_URL) $(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.dev-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: $(VENV)/.dev-deps
	$(BIN)/python -m bench

# Re-extract the interface strings after changing templates or code, then translate ar.
translations: $(VENV)/.dev-deps
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k N_plural:1,2 -k lazy_ngettext:1,2 --no-location --sort-output -o app/translations/messages.pot .
	$(BIN)/pybabel update -w 100 -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d app/translations
