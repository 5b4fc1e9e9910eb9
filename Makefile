# Line of Sight: the two set-up commands are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_LA ?= 891
DEMO_SCALE ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo test lint format assets lock serve clean audit

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever a lock file or pyproject.toml changes.
$(STAMP): $(BIN)/python requirements/base.txt requirements/dev.txt pyproject.toml
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/base.txt -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/lineofsight migrate --no-input -v 0
	$(BIN)/lineofsight demo_data --la $(DEMO_LA) --scale $(DEMO_SCALE)
	@echo "Serving Line of Sight on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	@$(BIN)/lineofsight worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/lineofsight runserver --noreload $(HOST):$(PORT)

# The layers of docs/architecture.md are checked with import-linter (pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# pytest exits 5 when it collects nothing: here that is a failure, never a pass.
test: lint
	$(BIN)/python -m pytest; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$rc

# Known vulnerabilities in the pinned dependencies, from the Python Packaging Advisory Database
# (needs the vulnerability service; pip-audit lives in its own environment).
audit:
	test -x .venv-audit/bin/pip-audit || (python3 -m venv .venv-audit && .venv-audit/bin/pip install --quiet pip-audit==2.10.1)
	.venv-audit/bin/pip-audit --disable-pip --require-hashes --progress-spinner off \
		-r requirements/base.txt -r requirements/dev.txt

assets:
	cd frontend && npm ci --no-audit --no-fund && npm run build

# Regenerate the lock files after changing requirements/*.in (needs the registry).
lock: install
	$(BIN)/python -m pip install --quiet pip-tools
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o dev.txt dev.in

clean:
	rm -rf $(VENV) .venv-audit var .pytest_cache .ruff_cache .import_linter_cache
