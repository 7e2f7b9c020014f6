# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet job of the Fleet guide (fleet.rst, "In AWX and Ansible Automation Platform"), run the way AWX runs it
(awx_job.py: how) against three more simulators: the guide's inventory, the host variables its AWX example shows,
the connection's account and CA certificate from credentials, MFA seeds into OpenBao at one path per appliance.

Run from the collection root inside the simulator harness and an OpenBao dev server (make awx-job):
    python tools/openbao_dev.py -- python -m veeam_simulator.harness -- python -m pytest tests/awx/test_awx_fleet_job.py
"""

from __future__ import annotations

import json
import os
import re
import secrets
import sys
from pathlib import Path

import pytest
import yaml
from veeam_simulator.harness import scan_for_secrets

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "fleet"))
import fleet_lab  # noqa: E402 - a sibling folder's module, not a package
from awx_job import VAULT, VB365, VBGC, Job, Template, world_without_job_environment  # noqa: E402

FLEET = Template("Veeam fleet", "fleet.yml", "awx-fleet-vars.yml")
AWX_HOST_VARS = re.compile(r"^# In AWX: inventory/host_vars/(vb365|vbgc)-\S+/connection\.yml")
# The address variable of each kind of host (the printed example is the VBGC one; its comment names the VB365 one).
ADDRESS = {"vb365": ("m365_cloud_accounts_server", "vb365_url"), "vbgc": ("gcp_users_server", "vbgc_url")}


def guide_files():
    """{name: text} of the fleet guide's file blocks, and the keys of its AWX host variables example."""
    found = fleet_lab.guide_blocks()
    files = {name: text for marker, name, _language, text in found if marker == "file"}
    printed = [yaml.safe_load(text) for marker, _n, _l, text in found if marker == "skip" and AWX_HOST_VARS.match(text)]
    assert len(printed) == 1, "the fleet guide has no AWX host_vars example"
    return files, set(printed[0])


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    yield from world_without_job_environment(tmp_path_factory.mktemp("awx-fleet"), "vault-setup.console")


@pytest.fixture(scope="module")
def fleet():
    """Three simulators with one automation account (the same name and password), as the AWX example assumes."""
    sites = fleet_lab.start(len(fleet_lab.SITES), ("--host", "127.0.0.1", "--password", "Fleet-" + secrets.token_urlsafe(12)))
    yield sites
    fleet_lab.stop(sites)


@pytest.fixture(scope="module")
def inventory(world, fleet):
    """The guide's inventory/ blocks as printed, each host's address as its AWX example shows, and the vault
    variables of group_vars/all (plain here, mode 0600: encrypting them is `make fleet`'s part)."""
    files, printed = guide_files()
    assert printed == {ADDRESS["vbgc"][0]}, printed
    root = world.tmp / "fleet"
    for name, text in files.items():
        if name.startswith("inventory/"):
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
    for site, (_simulator, ready) in zip(fleet_lab.SITES, fleet, strict=True):
        for kind, (variable, key) in ADDRESS.items():
            fleet_lab.write_yaml(root / "inventory" / "host_vars" / f"{kind}-{site}" / "connection.yml", {variable: ready[key]})
    secret_values = {"vault_s3_secret_key": "fleet-s3-" + secrets.token_urlsafe(12),
                     "vault_azure_shared_key": "fleet-azure-" + secrets.token_urlsafe(12),
                     "vault_initial_password": "Fleet-" + secrets.token_urlsafe(12)}
    fleet_lab.write_yaml(root / "inventory" / "group_vars" / "all" / "vault.yml", secret_values, private=True)
    return root / "inventory", files


def credentials(world, fleet):
    """VB365 and VBGC credentials with the fleet's account and all three CA certificates, and the Vault one."""
    ready = fleet[0][1]
    bundle = "".join(Path(item[1]["ca_path"]).read_text(encoding="utf-8") for item in fleet)
    account = {"username": ready["username"], "password": ready["password"], "ca_certificate": bundle}
    return [(VB365, dict(world.credential("credential-vb365.yml", VB365), **account)),
            (VBGC, dict(world.credential("credential-vbgc.yml", VBGC), **account)),
            (VAULT, world.credential("credential-vault.yml", VAULT))]


@pytest.fixture(scope="module")
def first_job(world, fleet, inventory):
    return Job(world, 1, credentials(world, fleet), FLEET, inventory=inventory[0], texts=inventory[1])


@pytest.fixture(scope="module")
def second_job(world, fleet, inventory, first_job):
    return Job(world, 2, credentials(world, fleet), FLEET, inventory=inventory[0], texts=inventory[1])


def test_the_fleet_job_onboards_every_host_with_a_vault_path_per_appliance(world, fleet, inventory, first_job):
    assert first_job.runner.status == "successful", first_job.stdout[-3000:]
    assert sorted(first_job.runner.stats["ok"]) == sorted(f"{kind}-{site}" for kind in ADDRESS for site in fleet_lab.SITES)
    users = yaml.safe_load(inventory[1]["inventory/group_vars/vbgc_appliances/users.yml"])["gcp_users_list"]
    for site, (_simulator, ready) in zip(fleet_lab.SITES, fleet, strict=True):
        assert len(fleet_lab.accounts(ready)) == 2, site
        for item in users:
            user = fleet_lab.control(ready, "GET", "vbgc/users/" + item["name"])
            assert user["mfaEnabled"] == item.get("mfa", False), (site, item["name"])
            if item.get("mfa"):
                stored = world.vault_data(f"veeam/vbgc/vbgc-{site}/{item['name']}")
                same = stored["secret_key"] == user["mfa_secret"]
                assert same, f"the seed of {item['name']} at vbgc-{site}'s Vault path is not that appliance's"


def test_a_rerun_changes_nothing(second_job):
    assert second_job.runner.status == "successful", second_job.stdout[-3000:]
    assert second_job.changed() == 0, second_job.stdout[-3000:]


def test_no_secret_in_the_fleet_jobs(world, fleet, first_job, second_job):
    found = world.secrets() + world.stored_secrets([f"veeam/vbgc/vbgc-{site}" for site in fleet_lab.SITES])
    for _simulator, ready in fleet:
        found += fleet_lab.control(ready, "GET", "secrets")["secrets"]
    found.append({"kind": "fleet password", "value": fleet[0][1]["password"]})
    assert scan_for_secrets(json.dumps({"leak": fleet[0][1]["password"]}), found), "the scan cannot find a planted secret"
    for number, job in sorted(world.jobs.items()):
        findings = scan_for_secrets(job.recorded(), found)
        assert not findings, "job %d: %s" % (number, [(item[0], item[1], item[4]) for item in findings])
