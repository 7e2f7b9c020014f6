# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The day-2 page of the AWX guide (awx_day2.rst), run the way AWX runs jobs (awx_job.py: how): the token renewal
job, an AppRole credential instead of the token, users given at launch, and the rotation of the automation account's
password.

Run from the collection root inside the simulator harness and an OpenBao dev server (make awx-job):
    python tools/openbao_dev.py -- python -m veeam_simulator.harness -- python -m pytest tests/awx/test_awx_day2_job.py
"""

from __future__ import annotations

import json
import os
import sys

import hvac
import pytest
from veeam_simulator.harness import scan_for_secrets

sys.path.insert(0, os.path.dirname(__file__))
from awx_job import VAULT, VBGC, Job, Template, world_without_job_environment  # noqa: E402

ONBOARDING = Template("Veeam onboarding", "onboard.yml", "job-template-vars.yml")
AT_LAUNCH = Template("Veeam onboarding", "onboard.yml", "launch-vars.yml")
RENEWAL = Template("Veeam renew Vault token", "renew_vault_token.yml")
ROTATION = Template("Veeam rotate automation password", "rotate_password.yml")
AUTOMATION_SECRET = "veeam/onboarding/awx-automation"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    yield from world_without_job_environment(tmp_path_factory.mktemp("awx-day2"), "vault-setup.console")


@pytest.fixture(scope="module")
def onboarded(world):
    """The guide's first job: the automation account with MFA (already there when test_awx_job.py ran first)."""
    job = Job(world, 1, world.admin_credentials(), ONBOARDING)
    assert job.runner.status == "successful", job.stdout[-3000:]
    return job


def token_lookup(world, token):
    return hvac.Client(url=world.vault_addr, token=world.root_token).auth.token.lookup(token=token)["data"]


def automation_credentials(world):
    return [(VBGC, world.credential("credential-vbgc-automation.yml", VBGC, keep=("username",)))]


def test_the_renewal_job_renews_the_job_token(world):
    assert not token_lookup(world, world.job_token).get("last_renewal_time")
    job = Job(world, 2, [(VAULT, world.credential("credential-vault.yml", VAULT))], RENEWAL)
    assert job.runner.status == "successful", job.stdout[-3000:]
    assert "The token lasts 32 days, unless renewed again." in job.stdout
    assert token_lookup(world, world.job_token).get("last_renewal_time")


def test_an_approle_credential_onboards_the_users_given_at_launch(world, onboarded):
    printed = dict(world.vault_commands("vault-approle.console"))
    world.approle = {"role_id": next(out for line, out in printed.items() if line.endswith("/role-id")),
                     "secret_id": next(out for line, out in printed.items() if "/secret-id" in line)}
    world.vault_commands("vault-new-user.console")
    vault = world.credential("credential-vault-approle.yml", VAULT)
    assert set(vault) == {"url", "role_id", "secret_id"}
    credentials = world.admin_credentials()[:2] + [(VAULT, vault)]
    job = Job(world, 3, credentials, AT_LAUNCH)
    assert job.env["VAULT_TOKEN"] == "" and job.env["VEEAM_VAULT_ROLE_ID"] == world.approle["role_id"]
    assert job.runner.status == "successful", job.stdout[-3000:]
    user = world.sim_user("nightshift")
    assert user["mfaEnabled"] is True and [role["name"] for role in user["roles"]] == ["Portal Operator"]
    same = world.vault_data("veeam/vbgc/nightshift")["secret_key"] == user["mfa_secret"]
    assert same, "the seed of nightshift in Vault is not the appliance's"  # never print them


def test_the_rotation_changes_the_password_and_the_next_job_logs_in_with_it(world, onboarded):
    before = world.vault_data(AUTOMATION_SECRET)["password"]
    rotation_vault = dict(world.credential("credential-vault.yml", VAULT),
                          token=world.created_token("vault-rotation.console"))
    job = Job(world, 4, automation_credentials(world) + [(VAULT, rotation_vault)], ROTATION)
    assert job.runner.status == "successful", job.stdout[-3000:]
    assert job.changed() > 0
    stored = world.vault_data(AUTOMATION_SECRET)
    assert "next_password" not in stored and stored["password"] != before, "the password in Vault was not rotated"
    credentials = world.admin_credentials()
    credentials[1] = automation_credentials(world)[0]
    assert credentials[1][1]["password"] == stored["password"], "the lookup did not read the new password"
    nextjob = Job(world, 5, credentials, ONBOARDING)
    assert nextjob.runner.status == "successful", nextjob.stdout[-3000:]
    assert nextjob.changed() == 0


def test_no_secret_in_any_day2_job_output_or_event(world):
    secrets = world.secrets() + world.stored_secrets(("veeam/onboarding", "veeam/vbgc"))
    secrets += [{"kind": "AppRole secret ID", "value": world.approle["secret_id"]}] if world.approle else []
    assert scan_for_secrets(json.dumps({"leak": world.job_token}), secrets), "the scan cannot find a planted secret"
    assert {2, 3, 4, 5} <= set(world.jobs)
    for number, job in sorted(world.jobs.items()):
        findings = scan_for_secrets(job.recorded(), secrets)
        assert not findings, "job %d: %s" % (number, [(found[0], found[1], found[4]) for found in findings])
