# veeam_community.backup: `make demo` and `make test` are the two commands a newcomer needs.
# Everything they use is installed here, into .venv (newest CPython >= 3.11, ansible-core 2.21 line)
# and .venv-2.19 (CPython 3.11, ansible-core 2.19 line, sanity and unit tests only).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

REPO := $(abspath .)
BUILD := $(REPO)/.build
COLL := $(BUILD)/ansible_collections/veeam_community/backup
VENV := $(REPO)/.venv
VENV_219 := $(REPO)/.venv-2.19
PY := $(VENV)/bin/python
PIP_FLAGS := -q --disable-pip-version-check
export ANSIBLE_COLLECTIONS_PATH := $(BUILD)
export ANSIBLE_FORCE_COLOR := 0
export PY_COLORS := 0

# Run a command inside the build tree with the main venv first on PATH.
IN_COLL = cd $(COLL) && PATH=$(VENV)/bin:$$PATH
PYVER = $$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
HARNESS = $(PY) -m veeam_simulator.harness

.PHONY: help setup demo test lint ruff ansible-lint docs-lint changelog-lint sanity units simulator-tests integration build-tree clean

help:
	@echo "make demo   start the simulator and run the onboarding playbook against it"
	@echo "make test   every check: lint, sanity and unit tests on both ansible-core lines, simulator and integration tests"
	@echo "make setup  only create .venv (and .venv-2.19 when Python 3.11 exists)"

# ---------------------------------------------------------------- setup
$(VENV)/.installed: requirements-dev.txt $(wildcard simulator/pyproject.toml)
	@python=$$(tools/find_python.sh) || { echo "No CPython >= 3.11 found: install python3.11 or newer." >&2; exit 1; }; \
	  echo "setup: $$python -> $(VENV)"; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.txt
	if [ -f simulator/pyproject.toml ]; then $(PY) -m pip install $(PIP_FLAGS) -e ./simulator; fi
	$(PY) tools/prepare_ansible_test.py
	touch $@

# The ansible-core 2.19 line needs CPython 3.11; without one it is skipped with a notice.
$(VENV_219)/.installed: requirements-dev-2.19.txt
	@if python=$$(tools/find_python.sh 3.11); then \
	  echo "setup: $$python -> $(VENV_219)"; \
	  [ -x $(VENV_219)/bin/python ] || $$python -m venv $(VENV_219); \
	  $(VENV_219)/bin/python -m pip install $(PIP_FLAGS) -r requirements-dev-2.19.txt; \
	  $(VENV_219)/bin/python tools/prepare_ansible_test.py; \
	  touch $@; \
	else echo "setup: no CPython 3.11 found, the ansible-core 2.19 line will not be tested"; fi

setup: $(VENV)/.installed $(VENV_219)/.installed

build-tree: $(VENV)/.installed
	@$(PY) tools/sync_build_tree.py $(REPO) $(BUILD) >/dev/null

# ---------------------------------------------------------------- demo
demo: setup build-tree
	$(IN_COLL) $(HARNESS) -- ansible-playbook playbooks/demo.yml

# ---------------------------------------------------------------- checks
test: setup build-tree lint sanity units simulator-tests integration
	@echo "make test: every check passed"

lint: ruff ansible-lint docs-lint changelog-lint

ruff: $(VENV)/.installed
	$(VENV)/bin/ruff check .

ansible-lint: build-tree
	$(IN_COLL) ansible-lint

docs-lint: build-tree
	$(IN_COLL) antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: build-tree
	$(IN_COLL) antsibull-changelog lint

sanity: build-tree
	$(IN_COLL) ansible-test sanity --venv --python $(PYVER)
	@if [ -f $(VENV_219)/.installed ]; then \
	  cd $(COLL) && PATH=$(VENV_219)/bin:$$PATH ansible-test sanity --venv --python 3.11; \
	else echo "sanity: ansible-core 2.19 line skipped (no CPython 3.11)"; fi

units: build-tree
	$(IN_COLL) ansible-test units --venv --python $(PYVER)
	@if [ -f $(VENV_219)/.installed ]; then \
	  cd $(COLL) && PATH=$(VENV_219)/bin:$$PATH ansible-test units --venv --python 3.11; \
	else echo "units: ansible-core 2.19 line skipped (no CPython 3.11)"; fi

simulator-tests: $(VENV)/.installed
	cd simulator && $(PY) -m pytest -q -p no:cacheprovider tests

# The simulator runs for the whole integration run; its address, CA and admin credentials reach
# the targets through integration_config.yml (written 0600 by the harness).
integration: build-tree
	$(IN_COLL) $(HARNESS) --config-out $(COLL)/tests/integration/integration_config.yml -- \
	  ansible-test integration --local --python $(PYVER)

clean:
	rm -rf $(BUILD) build dist
