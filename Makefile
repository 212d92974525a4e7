# Luotain: `make demo` sets up and runs the demo, `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core for the accessibility tests: a pinned version from the npm registry, its integrity checked
# (tests/browser_support.py has the version and the sha512).
AXE := $(VENV)/axe/axe.min.js

.PHONY: demo test check lint format install clean messages axe system

$(STAMP): pyproject.toml
	@echo "Installing Luotain and its Python packages into $(VENV) (the first time takes a few minutes)..."
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

install: $(STAMP)

$(AXE): tests/browser_support.py | $(STAMP)
	$(BIN)/python tests/browser_support.py fetch-axe $@
	touch $@

axe: $(AXE)

# The Debian packages the tests need (Chromium, Voikko, Pango and fonts, gettext, the PostgreSQL client,
# Redis): installed where they are missing and we may (root), otherwise listed, and the tests that need them
# skip. .ci/run calls the same script.
system:
	@scripts/debian-packages test

demo: $(STAMP)
	@scripts/debian-packages demo
	$(BIN)/luotain demo --serve

test: $(STAMP) $(AXE) system
	$(BIN)/python -m pytest

# ruff (lint and format) and mypy strict over all of src/ (django-stubs for the web layer). django-stubs loads
# the settings and the apps; with the in-memory queue that needs no prepared home (var/), as on a clean clone.
check: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	LUOTAIN_QUEUE_URL=immediate $(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

clean:
	rm -rf $(VENV) var out .pytest_cache .mypy_cache .ruff_cache

# Update the translation catalogues after changing user-facing text, then translate and compile them.
messages: $(STAMP)
	cd src/luotain/web && LUOTAIN_QUEUE_URL=immediate ../../../$(BIN)/django-admin makemessages -l fi -l sv --settings=luotain.web.settings
	cd src/luotain/web && for l in fi sv; do msgfmt --check -o locale/$$l/LC_MESSAGES/django.mo locale/$$l/LC_MESSAGES/django.po; done
