# motcua — every command a developer or CI needs. `make help` lists them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/motcua
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-10)

.PHONY: help install run test test-sqlite test-postgres lint schema bench system-packages services demo clean

help:
	@echo "make run        install, migrate, load the demo catalog and a dossier history once, serve http://127.0.0.1:8000"
	@echo "make test       install test tools, run the whole suite on SQLite and on PostgreSQL (when it answers)"
	@echo "make lint       ruff"
	@echo "make schema     regenerate the committed OpenAPI schema (docs/openapi.yaml)"
	@echo "make bench      run the benchmarks (long: large generated databases) and write bench/RESULTS*.md"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,mining]'
	touch $(STAMP)

install: $(STAMP)

# The demo history (about 20,000 dossiers) is generated once: --once skips it when generated dossiers are present.
run: install
	$(BIN)/motcua migrate --no-input
	$(BIN)/motcua demo load
	$(BIN)/motcua demo generate --dossiers 20000 --seed 1 --once
	$(BIN)/motcua feedback demo
	$(BIN)/motcua steering demo
	$(BIN)/motcua demo analyse --once
	$(BIN)/motcua serve 127.0.0.1:8000

demo: install
	$(BIN)/motcua migrate --no-input
	$(BIN)/motcua demo load
	$(BIN)/motcua demo generate --dossiers 20000 --seed 1 --once
	$(BIN)/motcua feedback demo
	$(BIN)/motcua steering demo
	$(BIN)/motcua demo analyse --once

# Debian packages the tests need, installed only when missing (CI machines start without them): Chromium for the
# end-to-end tests, and fonts with every Vietnamese letter (Liberation 2, Tinos) for the PDF forms.
DEBIAN_PACKAGES := chromium fonts-liberation2 fonts-croscore
system-packages:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "WARNING: could not install$$missing; browser tests will be skipped and PDFs use another font"; \
	fi

lint: install
	$(BIN)/ruff check .

# Redis and RabbitMQ: started when they do not answer on their default ports (scripts/ensure-services.sh).
services:
	@bash scripts/ensure-services.sh

# The whole suite runs once on SQLite; on PostgreSQL only the tests whose outcome depends on the backend (marker
# `backend`, see conftest.py). Both runs use every core (pytest-xdist) and print the slowest tests.
PYTEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
PYTEST_PARALLEL := -n $(PYTEST_WORKERS) --dist load

test: install system-packages services lint test-sqlite test-postgres

test-sqlite: install
	@echo "== Test suite on SQLite =="
	env -u DATABASE_URL MOTCUA_VAR_DIR=$(CURDIR)/var/test MOTCUA_VAR_DIR_PER_WORKER=1 \
	  $(BIN)/pytest -p no:randomly $(PYTEST_PARALLEL) --durations=15

test-postgres: install
	@if $(BIN)/python -c "import socket; s=socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
	  echo "== Backend-dependent tests on PostgreSQL =="; \
	  DATABASE_URL=$(PG_URL) MOTCUA_VAR_DIR=$(CURDIR)/var/test MOTCUA_VAR_DIR_PER_WORKER=1 \
	    $(BIN)/pytest --create-db -p no:randomly -m backend $(PYTEST_PARALLEL) --durations=10; \
	else echo "== PostgreSQL does not answer on 127.0.0.1:5432: skipping the PostgreSQL run =="; fi

schema: install
	$(BIN)/motcua spectacular --file docs/openapi.yaml --validate

# The submission benchmark drives the server with Debian's wrk (a load generator that costs the server little CPU).
bench: install
	@dpkg -s wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
	  || echo "WARNING: could not install wrk; the submission benchmark will be skipped"
	$(BIN)/python bench/run.py
	$(BIN)/python bench/dossiers.py
	$(BIN)/python bench/exchange.py --keep
	$(BIN)/python bench/groups.py
	$(BIN)/python bench/feedback.py
	$(BIN)/python bench/open311.py
	$(BIN)/python bench/oversight.py
	$(BIN)/python bench/review.py --dossiers 20000
	$(BIN)/python bench/signing.py

clean:
	rm -rf $(VENV) var/test
