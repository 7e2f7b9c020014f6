# veeam_community.backup: `make demo` and `make test` are the two commands a newcomer needs.
# Everything they use is installed here: the demo (and `make simulator`) into .venv-demo, with only what
# they run; `make test` into .venv (newest CPython >= 3.11, the whole toolchain; the ansible-core 2.21 line, or the
# 2.19 line when the newest Python is 3.11) and .venv-2.19 (CPython 3.11, ansible-core 2.19 line, sanity and unit
# tests only; not made when .venv is that line already). requirements-dev.txt pins both lines.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

REPO := $(abspath .)
BUILD := $(REPO)/.build
COLL := $(BUILD)/ansible_collections/veeam_community/backup
VENV := $(REPO)/.venv
VENV_219 := $(REPO)/.venv-2.19
VENV_IMPORTER := $(REPO)/.venv-importer
VENV_DEMO := $(REPO)/.venv-demo
PY := $(VENV)/bin/python
DEMO_PY := $(VENV_DEMO)/bin/python
PIP_FLAGS := -q --disable-pip-version-check
# Collections this one works with but does not ship (community.hashi_vault for the MFA vault destination): taken
# from the pinned `ansible` package on PyPI (Galaxy is not reachable here), see deps-collections.
DEPS := $(REPO)/.build-deps
ANSIBLE_BUNDLE_VERSION := 14.5.0
HASHI_VAULT_VERSION := 7.1.0
HASHI_VAULT := $(DEPS)/ansible_collections/community/hashi_vault
export ANSIBLE_COLLECTIONS_PATH := $(BUILD):$(DEPS)
export ANSIBLE_FORCE_COLOR := 0
export PY_COLORS := 0

# Run a command inside the build tree with the main venv first on PATH.
IN_COLL = cd $(COLL) && PATH=$(VENV)/bin:$$PATH
PYVER = $$($(PY) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
# Why the second ansible-core line does not run: .venv is on CPython 3.11 (so it is the 2.19 line itself, and the 2.21
# line, which needs CPython >= 3.12, is not tested), or there is no CPython 3.11 for the 2.19 line.
LINE_219_SKIPPED = $$(if [ "$(PYVER)" = 3.11 ]; then echo "only the ansible-core 2.19 line runs, in .venv (CPython \
  3.11): the 2.21 line needs CPython >= 3.12 and none was found"; else echo "the ansible-core 2.19 line is skipped: \
  it needs a CPython 3.11 and none was found"; fi)
HARNESS = $(PY) -m veeam_simulator.harness
# Extra simulator options for integration, molecule and demo (e.g. --vb365-put replace); empty = defaults.
SIMULATOR_ARGS ?=
# Narrow integration/molecule to some targets/one scenario; empty = all of them.
INTEGRATION_TARGETS ?=
MOLECULE_SCENARIO ?=
# What a VB365 server leaves open (see docs simulator.rst): the account modules, their role and the demo run
# a second time under the other answer. Only those, to keep make test short.
VB365_ACCOUNT_TARGETS := veeam_m365_account veeam_m365_accounts veeam_m365_account_info

# A fresh OpenBao dev server (VAULT_ADDR, VAULT_TOKEN) around a command; it composes with HARNESS.
OPENBAO = $(PY) $(REPO)/tools/openbao_dev.py --

.PHONY: help setup deps-collections demo simulator simulator-stop docs-test readme-test test vb365-replace contract lint ruff size-check ansible-lint docs-lint changelog-lint sanity units simulator-tests integration molecule awx-job fleet docs release-check build-tree clean

help:
	@echo "make demo       start the simulator and run the onboarding playbook against it (installs .venv-demo only)"
	@echo "make test       every check: lint, sanity and unit tests on both ansible-core lines, simulator, integration and guide tests"
	@echo "make simulator  keep a simulator running for your own playbooks: source build/simulator/env.sh; make simulator-stop"
	@echo "make setup      only create .venv (and .venv-2.19 when Python 3.11 exists)"

# ---------------------------------------------------------------- setup
$(VENV)/.installed: requirements-dev.txt $(wildcard simulator/pyproject.toml)
	@python=$$(tools/find_python.sh) || { echo "No CPython >= 3.11 found: install python3.11 or newer." >&2; exit 1; }; \
	  echo "setup: $$python -> $(VENV)"; \
	  [ -x $(PY) ] || $$python -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.txt
	if [ -f simulator/pyproject.toml ]; then $(PY) -m pip install $(PIP_FLAGS) -e ./simulator; fi
	$(PY) tools/prepare_ansible_test.py
	touch $@

# The ansible-core 2.19 line on CPython 3.11 (requirements-dev.txt pins it for Python 3.11). Not made when .venv is
# that line already (the newest Python found is 3.11), nor without a CPython 3.11: either way with a notice.
$(VENV_219)/.installed: requirements-dev.txt $(VENV)/.installed
	@if [ "$(PYVER)" = 3.11 ]; then echo "setup: $(LINE_219_SKIPPED)"; \
	elif python=$$(tools/find_python.sh 3.11); then \
	  echo "setup: $$python -> $(VENV_219)"; \
	  [ -x $(VENV_219)/bin/python ] || $$python -m venv $(VENV_219); \
	  $(VENV_219)/bin/python -m pip install $(PIP_FLAGS) -c requirements-dev.txt ansible-core; \
	  $(VENV_219)/bin/python tools/prepare_ansible_test.py; \
	  touch $@; \
	else echo "setup: $(LINE_219_SKIPPED)"; fi

# galaxy-importer pins old versions of shared libraries, so it gets a venv of its own.
$(VENV_IMPORTER)/.installed: requirements-dev.txt
	[ -x $(VENV_IMPORTER)/bin/python ] || $(PY) -m venv $(VENV_IMPORTER)
	$(VENV_IMPORTER)/bin/python -m pip install $(PIP_FLAGS) galaxy-importer==0.4.44
	touch $@

# The demo's own environment: only what it runs (the modules' requirements.txt, ansible-core and the
# simulator), at the versions requirements-dev.txt pins (on Python 3.11: the ansible-core 2.19 line), none of the
# development toolchain. Its Python finds this checkout's collection in the build tree (a .pth file: found after
# any collections path you configure), so its ansible-playbook runs your playbooks too (make simulator, env.sh).
$(VENV_DEMO)/.installed: requirements.txt requirements-dev.txt $(wildcard simulator/pyproject.toml)
	@python=$$(tools/find_python.sh) || { echo "No CPython >= 3.11 found: install python3.11 or newer." >&2; exit 1; }; \
	  echo "setup: $$python -> $(VENV_DEMO)"; \
	  [ -x $(DEMO_PY) ] || $$python -m venv $(VENV_DEMO)
	$(DEMO_PY) -m pip install $(PIP_FLAGS) -c requirements-dev.txt -r requirements.txt ansible-core -e ./simulator
	echo $(BUILD) > "$$($(DEMO_PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/veeam_community_backup_build_tree.pth"
	touch $@

setup: $(VENV)/.installed $(VENV_219)/.installed

# tools/sync_build_tree.py needs only the standard library: the demo runs it with its own venv's python.
SYNC_TREE = tools/sync_build_tree.py $(REPO) $(BUILD) >/dev/null

build-tree: $(VENV)/.installed
	@$(PY) $(SYNC_TREE)

# community.hashi_vault from the ansible wheel, only that collection; its version is checked against the pin.
# ansible-test sets ANSIBLE_COLLECTIONS_PATH to the build tree's root, so the collection is also linked there.
$(HASHI_VAULT)/.installed-$(HASHI_VAULT_VERSION): $(VENV)/.installed
	rm -rf $(HASHI_VAULT) $(DEPS)/wheel && mkdir -p $(DEPS)/wheel
	$(PY) -m pip download $(PIP_FLAGS) --no-deps --dest $(DEPS)/wheel ansible==$(ANSIBLE_BUNDLE_VERSION)
	$(PY) -c 'import json, sys, zipfile; \
	  wheel, dest, want = sys.argv[1:]; prefix = "ansible_collections/community/hashi_vault/"; \
	  archive = zipfile.ZipFile(wheel); archive.extractall(dest, [n for n in archive.namelist() if n.startswith(prefix)]); \
	  got = json.load(open(dest + "/" + prefix + "MANIFEST.json"))["collection_info"]["version"]; \
	  sys.exit(None if got == want else "community.hashi_vault is %s, the pin is %s" % (got, want))' \
	  $(DEPS)/wheel/ansible-$(ANSIBLE_BUNDLE_VERSION)-py3-none-any.whl $(DEPS) $(HASHI_VAULT_VERSION)
	rm -rf $(DEPS)/wheel
	touch $@

deps-collections: $(HASHI_VAULT)/.installed-$(HASHI_VAULT_VERSION) build-tree
	@mkdir -p $(BUILD)/ansible_collections/community
	@ln -sfn $(HASHI_VAULT) $(BUILD)/ansible_collections/community/hashi_vault

# ---------------------------------------------------------------- demo
# One simulator, two passes of the demo playbook: the first onboards everything, the second must
# change nothing (checked on its recap). New MFA secrets and QR codes go to build/demo-secrets; the
# harness fails the run if any secret the simulator saw shows up in the output.
DEMO_SECRETS := $(REPO)/build/demo-secrets
# It uses .venv-demo only, and finds nothing but this collection (ANSIBLE_COLLECTIONS_PATH=$(BUILD)).
DEMO_PLAY = ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 \
  ansible-playbook veeam_community.backup.demo -e demo_secrets_dir=$(DEMO_SECRETS)

demo: $(VENV_DEMO)/.installed
	@$(DEMO_PY) $(SYNC_TREE)
	@rm -rf $(DEMO_SECRETS)
	cd $(COLL) && PATH=$(VENV_DEMO)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(BUILD) \
	  $(DEMO_PY) -m veeam_simulator.harness $(SIMULATOR_ARGS) --scan-output $(BUILD)/demo.log -- bash -c 'set -euo pipefail; \
	  echo "=== demo, first pass: onboard everything"; $(DEMO_PLAY); \
	  echo "=== demo, second pass: everything is in place already, so nothing may change"; \
	  $(DEMO_PLAY) | tee $(BUILD)/demo-second-pass.log'
	@grep -Eq 'changed=0 +unreachable=0 +failed=0' $(BUILD)/demo-second-pass.log \
	  || { echo "make demo: the second pass changed something" >&2; exit 1; }
	@echo "make demo: the second pass changed nothing; MFA QR codes and secrets are in $(DEMO_SECRETS)"

# ---------------------------------------------------------------- simulator
# A simulator that keeps running for your own playbooks, on fixed local ports, its state kept in
# build/simulator across restarts (delete that directory to start empty). It writes the connection
# settings to build/simulator/env.sh (0600: it holds the admin password): `source build/simulator/env.sh`.
SIMULATOR_DIR := $(REPO)/build/simulator
SIMULATOR_VB365_PORT ?= 4443
SIMULATOR_VBGC_PORT ?= 13140
SIMULATOR_VBAZURE_PORT ?= 8443

simulator: $(VENV_DEMO)/.installed
	@$(DEMO_PY) $(SYNC_TREE)
	@$(DEMO_PY) tools/simulator_service.py start $(SIMULATOR_DIR) --tools $(VENV_DEMO)/bin \
	  --vb365-port $(SIMULATOR_VB365_PORT) --vbgc-port $(SIMULATOR_VBGC_PORT) --vbazure-port $(SIMULATOR_VBAZURE_PORT)

simulator-stop:
	@if [ -x $(DEMO_PY) ]; then $(DEMO_PY) tools/simulator_service.py stop $(SIMULATOR_DIR); \
	  else echo "simulator: not running"; fi

# ---------------------------------------------------------------- checks
test: setup build-tree lint sanity units simulator-tests integration molecule vb365-replace contract awx-job fleet docs docs-test readme-test release-check
	@echo "make test: every check passed"

lint: ruff size-check ansible-lint docs-lint changelog-lint

ruff: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# No function over 40 lines (.flake8) and no file over 600 lines; vendor documents, the licence and the generated
# changelog aside.
size-check: $(VENV)/.installed
	$(VENV)/bin/flake8 plugins simulator tests tools bench roles extensions
	@git ls-files -z -- ':!LICENSE' ':!*.json' ':!CHANGELOG.rst' ':!changelogs/changelog.yaml' | xargs -0 wc -l \
	  | awk '$$2 != "total" && $$1 > 600 { print "over 600 lines: " $$2 " (" $$1 ")"; bad = 1 } END { exit bad }'
	@echo "size-check: no function over 40 lines, no file over 600 lines"

# Offline, ansible-lint keeps its module mocks (awx.awx.credential_type) in ANSIBLE_HOME and deletes them when it ends:
# a home of its own per checkout, so that two runs at once (two checkouts) do not pull the mock from under each other.
ansible-lint: build-tree deps-collections
	$(IN_COLL) ANSIBLE_HOME=$(BUILD)/ansible-lint-home ansible-lint

docs-lint: build-tree
	$(IN_COLL) antsibull-docs lint-collection-docs --plugin-docs .

changelog-lint: build-tree
	$(IN_COLL) antsibull-changelog lint

sanity: build-tree
	$(IN_COLL) ansible-test sanity --venv --python $(PYVER)
	@if [ -f $(VENV_219)/.installed ]; then \
	  cd $(COLL) && PATH=$(VENV_219)/bin:$$PATH ansible-test sanity --venv --python 3.11; \
	else echo "sanity: $(LINE_219_SKIPPED)"; fi

units: build-tree
	$(IN_COLL) ansible-test units --venv --python $(PYVER)
	@if [ -f $(VENV_219)/.installed ]; then \
	  cd $(COLL) && PATH=$(VENV_219)/bin:$$PATH ansible-test units --venv --python 3.11; \
	else echo "units: $(LINE_219_SKIPPED)"; fi

simulator-tests: $(VENV)/.installed
	cd simulator && $(PY) -m pytest -q -p no:cacheprovider tests

# The simulator runs for the whole integration run; its address, CA and admin credentials reach
# the targets through integration_config.yml (written 0600 by the harness). The run is at -vvv and its
# output (kept in $(BUILD)/integration.log, 0600) must not show any secret the simulator saw or issued.
# An OpenBao dev server runs around it for the MFA vault destination; its root token is scanned for as well.
integration: build-tree deps-collections
	$(IN_COLL) $(OPENBAO) $(HARNESS) $(SIMULATOR_ARGS) --config-out $(COLL)/tests/integration/integration_config.yml \
	  --scan-output $(BUILD)/integration.log -- ansible-test integration $(INTEGRATION_TARGETS) --local --python $(PYVER) -vvv

# The role scenarios in extensions/molecule share one simulator (and an OpenBao dev server for the MFA vault
# destination); each scenario resets the simulator first. No secret the simulator saw, nor the Vault token, may
# show up in their output.
molecule: build-tree deps-collections
	$(IN_COLL) $(OPENBAO) $(HARNESS) $(SIMULATOR_ARGS) --scan-output $(BUILD)/molecule.log -- \
	  molecule test $(if $(MOLECULE_SCENARIO),--scenario-name $(MOLECULE_SCENARIO),--all)

# The vendor does not say whether PUT /v8/Accounts/{id} without password keeps the secret (merge, the
# simulator's default) or replaces the account (replace: refused). The default run covers merge; this one
# reruns the account targets, the m365_cloud_accounts role and the demo against a replacing server.
vb365-replace: build-tree
	$(MAKE) --no-print-directory integration molecule demo SIMULATOR_ARGS="--vb365-put replace" \
	  INTEGRATION_TARGETS="$(VB365_ACCOUNT_TARGETS)" MOLECULE_SCENARIO=m365_cloud_accounts

# Third-party clients (the veeam-365 SDK, veeam-easy-connect; pinned in requirements-dev.txt, their
# dependencies do not clash with the dev tools) against a running simulator. Every VB365 answer they
# get is validated against the vendor's OpenAPI document as it stands.
contract: $(VENV)/.installed
	cd tests/contract && $(HARNESS) -- $(PY) -m pytest -q -p no:cacheprovider .

# The Fleet guide's inventory and playbook against three simulators, one host per appliance, --forks 3: onboard,
# rerun without change, one appliance down fails only its own hosts; no secret in the output (docs: fleet).
fleet: build-tree
	$(IN_COLL) $(PY) tests/fleet/run_fleet.py --out $(BUILD)/fleet

# The onboarding and object storage jobs of awx.rst, run the way AWX runs them (tests/awx/test_awx_job.py): ansible-runner, the
# credentials rendered by AWX's injector rules, MFA seeds into an OpenBao dev server, against the simulator.
# The job must succeed, change nothing when rerun, verify TLS without being told, and leave no secret in its
# stdout or events (nor in the test's own output, scanned by the harness).
awx-job: build-tree deps-collections
	$(IN_COLL) $(OPENBAO) $(HARNESS) --scan-output $(BUILD)/awx-job.log -- \
	  $(PY) -m pytest -q -p no:cacheprovider tests/awx/test_awx_guide.py tests/awx/test_awx_job.py tests/awx/test_awx_day2_job.py tests/awx/test_awx_fleet_job.py \
	  tests/awx/test_awx_object_storage_job.py

# The docsite: collection index, module and role pages from their docs, and the guides.
# Offline: no intersphinx inventories can be fetched, so cross-references to docs.ansible.com are off.
docs: build-tree
	rm -rf $(BUILD)/docsite && mkdir -p $(BUILD)/docsite
	$(IN_COLL) antsibull-docs sphinx-init --use-current --squash-hierarchy --dest-dir $(BUILD)/docsite veeam_community.backup >/dev/null
	printf "intersphinx_mapping = {}\nsuppress_warnings = ['ref.ref']\n" >> $(BUILD)/docsite/conf.py
	cd $(BUILD)/docsite && PATH=$(VENV)/bin:$$PATH ./build.sh >/dev/null
	rm -rf build/docs && mkdir -p build && cp -a $(BUILD)/docsite/build/html build/docs
	@echo "docs: open build/docs/index.html"

# The guides' code blocks, run as printed against a fresh simulator (tests/docs/guide_runner.py: how);
# first the runner's own tests and those of `make simulator`.
docs-test: build-tree deps-collections
	PATH=$(VENV)/bin:$$PATH $(PY) -m pytest -q -p no:cacheprovider tests/docs
	PATH=$(VENV)/bin:$$PATH $(PY) tests/docs/guide_runner.py

# README.md's shell blocks as printed (make demo; make simulator, source env.sh and your own playbook), in a copy of
# this checkout as a fresh clone has it, on a plain machine: only the system directories on PATH, so the system Python
# (3.11 on Debian 12), a HOME of its own; pip's settings and cache are shared (tests/docs/guide_runner.py: clean_env).
readme-test: $(VENV)/.installed
	$(PY) tests/docs/guide_runner.py README.md

# The artifact users install: build it, install it elsewhere, run a module from it against the
# simulator; and render the execution environment's build context (ee/) the way awx.rst says, then check it:
# every COPY source inside it, ansible-core within requires_ansible, requirements install in the base image's Python.
release-check: build-tree deps-collections $(VENV_IMPORTER)/.installed
	rm -rf dist $(BUILD)/installed
	$(IN_COLL) ansible-galaxy collection build --force --output-path $(REPO)/dist >/dev/null
	cd / && PATH=$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed \
	  ansible-galaxy collection install --force $(REPO)/dist/veeam_community-backup-*.tar.gz -p $(BUILD)/installed >/dev/null
	cd $(BUILD) && PATH=$(VENV_IMPORTER)/bin:$$PATH GALAXY_IMPORTER_CONFIG=$(REPO)/tools/galaxy-importer.cfg \
	  $(VENV_IMPORTER)/bin/python -m galaxy_importer.main $(REPO)/dist/veeam_community-backup-*.tar.gz > $(BUILD)/galaxy-importer.log
	grep -q "Importer processing completed successfully" $(BUILD)/galaxy-importer.log
	cd $(BUILD) && PATH=$(VENV)/bin:$$PATH ANSIBLE_COLLECTIONS_PATH=$(BUILD)/installed $(HARNESS) -- \
	  ansible-playbook $(REPO)/tests/release/smoke.yml
	$(IN_COLL) FIND_PYTHON=$(REPO)/tools/find_python.sh DEPS_COLLECTIONS=$(DEPS) \
	  $(PY) -m pytest -q -p no:cacheprovider tests/awx/test_execution_environment.py
	@echo "release-check: galaxy-importer passed, the tarball installs and its module runs, the EE build context (ee/) checks out"

# ---------------------------------------------------------------- bench
# Benchmarks against one simulator on loopback: figures, not pass/fail (bench/run.py, docs: performance).
# Prints the tables of eight items and writes build/bench/results.md. The default profile uses the issues' sizes
# (200 users + 200 credentials, 10,000 users to list, 200 users through gcp_users and azure_users, 50 object storage
# repositories) and takes about 15 minutes on 2 idle cores (35 on a busy machine); BENCH_PROFILE=quick takes about 3.
# It runs on its own copy of the collection (build/bench/tree), so it does not disturb a concurrent make test.
BENCH_PROFILE ?= default
BENCH_TREE := $(REPO)/build/bench/tree
.PHONY: bench
bench: $(VENV)/.installed
	@$(PY) tools/sync_build_tree.py $(REPO) $(BENCH_TREE) >/dev/null
	$(PY) bench/run.py --collections-path $(BENCH_TREE) --out $(REPO)/build/bench --profile $(BENCH_PROFILE)

clean: simulator-stop
	rm -rf $(BUILD) build dist
