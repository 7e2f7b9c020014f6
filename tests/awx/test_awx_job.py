# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding job of awx.rst, run the way AWX runs it (awx_job.py: how).

Run from the collection root inside the simulator harness and an OpenBao dev server (make awx-job):
    python tools/openbao_dev.py -- python -m veeam_simulator.harness -- python -m pytest tests/awx/test_awx_job.py
"""

from __future__ import annotations

import json
import os
import stat
import sys

import pytest
from veeam_simulator.harness import scan_for_secrets

sys.path.insert(0, os.path.dirname(__file__))
from awx_job import TYPES, VBGC, Job, Template, world_without_job_environment  # noqa: E402

ONBOARDING = Template("Veeam onboarding", "onboard.yml", "job-template-vars.yml")
MFA_USERS = ("awx-automation", "maria")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    yield from world_without_job_environment(tmp_path_factory.mktemp("awx"), "vault-setup.console")


def run_job(world, number, credentials):
    return Job(world, number, credentials, ONBOARDING)


def admin_credentials(world):
    return world.admin_credentials()


@pytest.fixture(scope="module")
def first_job(world):
    return run_job(world, 1, admin_credentials(world))


@pytest.fixture(scope="module")
def second_job(world, first_job):
    return run_job(world, 2, admin_credentials(world))


@pytest.fixture(scope="module")
def automation_job(world, second_job):
    credentials = admin_credentials(world)
    credentials[1] = (VBGC, world.credential("credential-vbgc-automation.yml", VBGC, keep=("username",)))
    return run_job(world, 3, credentials)


@pytest.fixture(scope="module")
def no_ca_job(world, second_job):
    credentials = admin_credentials(world)
    credentials[1] = (VBGC, world.credential("credential-vbgc.yml", VBGC, drop=("ca_certificate",)))
    assert set(credentials[1][1]) == set(TYPES[VBGC]["inputs"]["required"])
    return run_job(world, 4, credentials)


def test_first_job_onboards_and_stores_the_seeds_in_vault(world, first_job):
    assert first_job.runner.status == "successful", first_job.stdout[-3000:]
    assert first_job.changed() > 0
    assert first_job.env["VEEAM_VBGC_VALIDATE_CERTS"] == first_job.env["VEEAM_VB365_VALIDATE_CERTS"] == "true"
    ca_file = first_job.env["VEEAM_VBGC_CA_PATH"]
    assert ca_file.startswith(str(first_job.dir / "env")) and stat.S_IMODE(os.stat(ca_file).st_mode) == 0o600
    for name in MFA_USERS:
        user = world.sim_user(name)
        assert user["mfaEnabled"] is True
        stored = world.vault_data("veeam/vbgc/" + name)
        same = stored["secret_key"] == user["mfa_secret"] and stored["scratch_codes"] == user["scratch_codes"]
        assert same, "the seed or scratch codes of %s in Vault are not the appliance's" % name  # never print them
        assert stored["user"] == name
    assert not (first_job.dir / "home" / ".ansible" / "veeam_community.backup").exists()


def test_a_rerun_changes_nothing(second_job):
    assert second_job.runner.status == "successful", second_job.stdout[-3000:]
    assert second_job.changed() == 0, second_job.stdout[-3000:]


def test_the_next_job_logs_in_as_the_automation_account_with_the_seed_from_vault(world, automation_job):
    assert automation_job.env["VEEAM_VBGC_USERNAME"] == "awx-automation"
    same = automation_job.env["VEEAM_VBGC_MFA_SECRET"] == world.sim_user("awx-automation")["mfa_secret"]
    assert same, "the injected MFA secret is not the automation account's seed"  # never print either
    assert automation_job.runner.status == "successful", automation_job.stdout[-3000:]
    assert automation_job.changed() == 0


def test_a_credential_with_only_required_fields_verifies_tls(world, no_ca_job):
    assert no_ca_job.env["VEEAM_VBGC_VALIDATE_CERTS"] == "true" and no_ca_job.env["VEEAM_VBGC_CA_PATH"] == ""
    assert no_ca_job.runner.status == "failed"
    assert "TLS verification of %s failed" % world.sim["vbgc_server"] in no_ca_job.stdout


def test_no_secret_in_any_job_output_or_event(world, first_job, second_job, no_ca_job):
    secrets = world.secrets() + world.stored_secrets(("veeam/onboarding", "veeam/vbgc"))
    kinds = {entry["kind"] for entry in secrets}
    assert {"vault secret_key", "vault scratch_codes", "vault password"} <= kinds, kinds
    assert scan_for_secrets(json.dumps({"leak": world.job_token}), secrets), "the scan cannot find a planted secret"
    assert {1, 2, 4} <= set(world.jobs)  # and 3, the automation account's job, when its lookups worked
    for number, job in sorted(world.jobs.items()):
        assert job.events(), "job %d left no events" % number
        findings = scan_for_secrets(job.recorded(), secrets)
        assert not findings, "job %d: %s" % (number, [(found[0], found[1], found[4]) for found in findings])


def test_the_scan_reads_whole_results_of_tasks_without_no_log(first_job):
    """gcp_users enrols MFA into Vault in a task without no_log (its result holds no secret), so AWX keeps that task's
    whole result in the events that test_no_secret_in_any_job_output_or_event scans, not a censored one."""
    shown = []
    for name in first_job.events():
        with open(first_job.artifacts / "job_events" / name, encoding="utf-8") as handle:
            data = json.load(handle).get("event_data") or {}
        result = data.get("res")
        if str(data.get("task_action", "")).endswith("veeam_gcp_user_mfa") and isinstance(result, dict):
            shown.append(json.dumps(result))
    assert shown, "no event holds a result of the MFA task"
    assert any("mfa_enabled" in text and "censored" not in text for text in shown), "the MFA task's results are hidden"
