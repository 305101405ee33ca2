# The two commands: `make run` and `make test`. Everything else here is what they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.DEFAULT_GOAL := help
.PHONY: help run test cluster-test bench setup dev-setup assets verifier messages system-deps lint format migrations-check clean

help:
	@echo "make run   - set up everything on a fresh machine and serve the portal with demo data on http://127.0.0.1:8000"
	@echo "make test  - set up what the suite needs (PostgreSQL, Chromium) and run ruff, mypy and the whole suite"
	@echo "make cluster-test - two app servers, two workers and nginx (deploy/) on this machine, tested through nginx"
	@echo "make bench - benchmark at 2,000, 20,000 and 200,000 students on PostgreSQL and gunicorn; BENCH_ARGS=\"--sizes 2000,20000\" picks sizes (docs/performance.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.deps-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.deps-dev: requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.deps-run

# Front-end assets come from the npm registry at setup (no CDN); WhiteNoise serves them.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor/bootstrap static/vendor/htmx
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map static/vendor/bootstrap/
	cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	touch $@

assets: static/vendor/.installed

# The independent verifier of credentials (tests only): Digital Bazaar's JS libraries.
tests/verifier/node_modules/.installed: tests/verifier/package.json tests/verifier/package-lock.json
	cd tests/verifier && npm ci --no-audit --no-fund --loglevel=error
	touch $@

verifier: tests/verifier/node_modules/.installed

system-deps:
	@scripts/system-deps.sh $(SYSTEM_DEPS)

messages: $(VENV)/.deps-run
	@command -v msgfmt >/dev/null || scripts/system-deps.sh gettext
	DJANGO_DEBUG=true $(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

setup: $(VENV)/.deps-run assets messages

# seed_demo (the demo app, demo/seed.py) is idempotent and prints the demo logins.
# Demo diplomas carry a demo seal (a demo CA's certificate, made once into .demo-seal/), unless
# CIL_SEAL_P12_FILE names a real one.
DEMO_SEAL := .demo-seal
run: SYSTEM_DEPS = run
ifeq ($(origin CIL_SEAL_P12_FILE),undefined)
run: export CIL_SEAL_P12_FILE = $(DEMO_SEAL)/seal.p12
run: export CIL_SEAL_P12_PASSWORD_FILE = $(DEMO_SEAL)/seal.password
endif
run: system-deps setup
	DJANGO_DEBUG=true $(MANAGE) migrate --noinput -v 0
	DJANGO_DEBUG=true $(MANAGE) createcachetable
	DJANGO_DEBUG=true $(MANAGE) vc_create_key --if-missing
	@if [[ "$$CIL_SEAL_P12_FILE" == "$(DEMO_SEAL)/seal.p12" ]]; then DJANGO_DEBUG=true $(MANAGE) create_demo_seal $(DEMO_SEAL); fi
	DJANGO_DEBUG=true $(MANAGE) seed_demo
	@echo "Serving on http://127.0.0.1:8000 with a background worker for mail; Ctrl+C stops both."
	DJANGO_DEBUG=true $(MANAGE) db_worker --interval 2 & trap 'kill $$! 2>/dev/null' EXIT; \
	  DJANGO_DEBUG=true $(MANAGE) runserver 127.0.0.1:8000

dev-setup: $(VENV)/.deps-dev assets verifier messages

test: SYSTEM_DEPS = test
test: system-deps dev-setup
	scripts/test.sh

# The deployment of docs/deployment.md on one machine: deploy/nginx/cil.conf in front of two
# gunicorn instances and two workers started as deploy/systemd/ starts them (tests/cluster/).
cluster-test: SYSTEM_DEPS = cluster
cluster-test: system-deps dev-setup
	scripts/cluster-test.sh $(CLUSTER_ARGS)

# Not part of `make test`: it takes about four minutes and checks speed, not behaviour.
bench: SYSTEM_DEPS = bench
bench: system-deps dev-setup  # the S3 upload is measured against moto, a dev dependency
	scripts/bench.sh $(BENCH_ARGS)

lint: $(VENV)/.deps-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=true $(BIN)/mypy

format: $(VENV)/.deps-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.deps-run
	DJANGO_DEBUG=true $(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles test-artifacts .mypy_cache
	find . -name '*.mo' -not -path './.venv/*' -delete
