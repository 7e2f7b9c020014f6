# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every code block of awx.rst and awx_day2.rst is run by a test in tests/awx, or says why it cannot be (a live AWX)."""

from __future__ import annotations

import os
import re
import sys

sys.path.insert(0, os.path.dirname(__file__))
from awx_guide import GUIDE, GUIDES, blocks, commands  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# The blocks the tests use: test_execution_environment.py (ee/*, ee-build.console), test_awx_object_storage_job.py
# (section 8's), test_awx_day2_job.py (awx_day2.rst's) and test_awx_job.py (the rest).
USED = {
    "ee/execution-environment.yml", "ee/execution-environment-aap.yml", "ee/requirements.yml", "ee-build.console",
    "ee-build-aap.console", "veeam-onboarding.hcl",
    "vault-setup.console", "credential-vb365.yml", "credential-vbgc.yml", "credential-vault.yml", "onboard.yml",
    "inventory-localhost.yml", "job-template-vars.yml", "credential-vault-lookup.yml",
    "credential-vbgc-automation.yml", "veeam-object-storage.hcl", "vault-object-storage.console",
    "credential-vault-object-storage.yml", "object_storage.yml", "job-template-object-storage-vars.yml",
    "renew_vault_token.yml", "vault-approle.console", "credential-vault-approle.yml", "vault-new-user.console",
    "launch-vars.yml", "veeam-rotation.hcl", "vault-rotation.console", "rotate_password.yml",
}


def _directives():
    """[(comment before the block or None, directive line)] for every code block of the AWX pages."""
    lines = []
    for page in GUIDES:
        with open(page, encoding="utf-8") as handle:
            lines.extend(handle.read().splitlines())
    found = []
    for number, line in enumerate(lines):
        if ".. code-block::" in line:
            before = lines[number - 1].strip() if number else ""
            found.append((before if before.startswith(".. docs-test:") else None, line.strip()))
    return found


def test_every_block_is_used_by_a_test_or_says_why_not():
    assert set(blocks()) == USED
    for comment, directive in _directives():
        assert comment, "%s has no docs-test comment" % directive
        assert comment.startswith(".. docs-test: file ") or re.match(r"\.\. docs-test: skip needs a running AWX", comment)


def test_the_skipped_registration_runs_the_playbook_that_reads_the_tested_types():
    with open(GUIDE, encoding="utf-8") as handle:
        text = handle.read()
    skipped = re.search(r"\.\. docs-test: skip .*\n\.\. code-block:: console\n\n((?:   .*\n)+)", text).group(1)
    assert "ansible-playbook veeam_community.backup.awx_credential_types" in skipped
    with open(os.path.join(ROOT, "playbooks", "awx_credential_types.yml"), encoding="utf-8") as handle:
        playbook = handle.read()
    assert "vars/awx_credential_types.yml" in playbook and "awx.awx.credential_type" in playbook


def test_the_vault_commands_use_the_policy_file_of_the_guide():
    assert any("veeam-onboarding.hcl" in line for line in commands("vault-setup.console"))
    assert any("veeam-object-storage.hcl" in line for line in commands("vault-object-storage.console"))
