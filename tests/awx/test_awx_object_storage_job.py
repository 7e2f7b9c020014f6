# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The object storage job of awx.rst (section 8), run the way AWX runs it (awx_job.py: how): job type Check first,
then Run, then Run again; its secrets come from OpenBao, set up by the guide's commands.

Run from the collection root inside the simulator harness and an OpenBao dev server (make awx-job):
    python tools/openbao_dev.py -- python -m veeam_simulator.harness -- \
      python -m pytest tests/awx/test_awx_object_storage_job.py
"""

from __future__ import annotations

import collections
import json
import os
import sys

import pytest
import requests
from veeam_simulator.harness import scan_for_secrets

sys.path.insert(0, os.path.dirname(__file__))
from awx_guide import commands, yaml_block  # noqa: E402
from awx_job import TYPES, VAULT, VB365, Job, Template, world_without_job_environment  # noqa: E402

OBJECT_STORAGE = Template("Veeam object storage", "object_storage.yml", "job-template-object-storage-vars.yml")
VAULT_FOLDERS = ("veeam/object-storage/accounts", "veeam/object-storage/encryption")
# The role's account_type, as the simulator's control API names the account type that sees a bucket.
BUCKET_ACCOUNT_TYPES = {"amazon_s3": "amazonS3Account", "azure_blob": "azureBlobAccount",
                        "s3_compatible": "amazonS3CompatibleAccount"}


def repositories():
    return yaml_block(OBJECT_STORAGE.variables)["object_storage_repositories"]


def seed_the_cloud(world):
    """The guide's buckets, proxies and pools, which live outside VB365, through the simulator's control API."""
    buckets, proxies, pools = {}, set(), set()
    for repo in repositories():
        buckets[repo["bucket"], repo["account"]["account_type"], repo.get("region_id")] = None
        proxies.update([repo["proxy"]] if "proxy" in repo else [])
        pools.update([repo["proxy_pool"]] if "proxy_pool" in repo else [])
    for name, account_type, region in buckets:
        body = {"accountType": BUCKET_ACCOUNT_TYPES[account_type], "name": name}
        world.control("POST", "/vb365/buckets", dict(body, regionId=region) if region else body)
    for host in sorted(proxies):
        world.control("POST", "/vb365/proxies", {"hostName": host})
    for name in sorted(pools):
        world.control("POST", "/vb365/proxy_pools", {"name": name})


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    for created in world_without_job_environment(tmp_path_factory.mktemp("awx-storage"), "vault-object-storage.console"):
        seed_the_cloud(created)
        yield created


def credentials(world, drop=()):
    return [(VB365, world.credential("credential-vb365.yml", VB365, drop=drop)),
            (VAULT, world.credential("credential-vault-object-storage.yml", VAULT))]


def run_job(world, number, check=False, drop=()):
    """The job, and the writes the simulator's journal saw while it ran."""
    mark = world.control("GET", "/journal?since=0")["last_seq"]
    job = Job(world, number, credentials(world, drop), OBJECT_STORAGE, check=check)
    job.writes = [entry["method"] + " " + entry["path"] for entry in world.control("GET", "/journal?since=%d" % mark)
                  ["entries"] if entry["mutated"]]
    return job


@pytest.fixture(scope="module")
def check_job(world):
    return run_job(world, 1, check=True)


@pytest.fixture(scope="module")
def first_job(world, check_job):
    return run_job(world, 2)


@pytest.fixture(scope="module")
def second_job(world, first_job):
    return run_job(world, 3)


@pytest.fixture(scope="module")
def no_ca_job(world, second_job):
    return run_job(world, 4, drop=("ca_certificate",))


def summary(job):
    """The role's documented fact m365_object_storage_summary, from the job's events."""
    for event in job.runner.events:
        facts = event.get("event_data", {}).get("res", {}).get("ansible_facts", {})
        if event["event"] == "runner_on_ok" and "m365_object_storage_summary" in facts:
            return facts["m365_object_storage_summary"]
    raise AssertionError("job has no summary: %s" % job.stdout[-3000:])


def only(key, job):
    """The summary lists every repository of the guide under key, and the job's output shows it as the guide says."""
    listed = sorted(repo["name"] for repo in repositories())
    found = summary(job)
    assert {name: sorted(found[name]) for name in ("created", "updated", "removed", "unchanged")} == \
        {name: listed if name == key else [] for name in ("created", "updated", "removed", "unchanged")}, found
    return "%s: %d (%s)" % (key, len(listed), ", ".join(listed)) in job.stdout


def vb365(world, path):
    """GET path of the VB365 API, logged in as its administrator (to read back what the job stored)."""
    token = requests.post(world.sim["vb365_server"] + "/v8/token", verify=world.sim["ca_path"], timeout=30, data={
        "grant_type": "password", "username": world.sim["sim_username"], "password": world.sim["sim_password"]})
    token.raise_for_status()
    response = requests.get(world.sim["vb365_server"] + path, verify=world.sim["ca_path"], timeout=30,
                            headers={"Authorization": "Bearer " + token.json()["access_token"]})
    response.raise_for_status()
    return response.json()


def test_a_check_job_predicts_the_run_and_writes_nothing(check_job):
    assert check_job.runner.status == "successful", check_job.stdout[-3000:]
    assert check_job.writes == []
    assert only("created", check_job) and "(check mode: what a real run would do)" in check_job.stdout


def test_the_job_adds_the_repositories_with_the_secrets_from_vault(world, first_job):
    assert first_job.runner.status == "successful", first_job.stdout[-3000:]
    assert first_job.env["VEEAM_VB365_VALIDATE_CERTS"] == "true" and first_job.env["VEEAM_VB365_CA_PATH"]
    assert only("created", first_job)
    written = collections.Counter(write.split("/")[2] for write in first_job.writes)  # "POST /v8/Accounts": Accounts
    assert written == {"Accounts": len({repo["account"]["user_name"] for repo in repositories()}),
                       "S3Resources": len({(repo["bucket"], repo["folder"]) for repo in repositories()}),
                       "EncryptionKeys": len({repo["encryption"]["description"] for repo in repositories()
                                              if "encryption" in repo}),
                       "BackupRepositories": len(repositories())}, first_job.writes
    stored = {repo["name"]: repo for repo in vb365(world, "/v8/BackupRepositories?limit=1000")["results"]}
    for repo in repositories():
        assert stored[repo["name"]]["objectStorageEncryptionEnabled"] is ("encryption" in repo), repo["name"]
    folders = {(bucket["name"], folder) for bucket in world.control("GET", "/vb365/buckets")["buckets"]
               for folder in bucket["folders"]}
    assert folders >= {(repo["bucket"], repo["folder"]) for repo in repositories()}
    accounts = {account["userName"]: account for account in vb365(world, "/v8/Accounts")}
    for repo in repositories():
        user_name = repo["account"]["user_name"]
        secret = world.control("GET", "/vb365/accounts/%s/secret" % accounts[user_name]["id"])["password"]
        assert secret == world.vault_data("veeam/object-storage/accounts/" + user_name)["password"], \
            "the secret of %s is not the one in Vault" % user_name  # never print either
    for repo in (repo for repo in repositories() if "encryption" in repo):
        key = next(key for key in vb365(world, "/v8/EncryptionKeys") if key["description"] == repo["encryption"]["description"])
        password = world.control("GET", "/vb365/encryption_keys/%s/secret" % key["id"])["password"]
        assert password == world.vault_data("veeam/object-storage/encryption/" + repo["name"])["password"], \
            "the encryption password of %s is not the one in Vault" % repo["name"]


def test_a_rerun_changes_nothing(second_job):
    assert second_job.runner.status == "successful", second_job.stdout[-3000:]
    assert second_job.changed() == 0, second_job.stdout[-3000:]
    assert second_job.writes == []
    assert only("unchanged", second_job)


def test_a_credential_with_only_required_fields_verifies_tls(world, no_ca_job):
    assert set(credentials(world, drop=("ca_certificate",))[0][1]) == set(TYPES[VB365]["inputs"]["required"])
    assert no_ca_job.env["VEEAM_VB365_VALIDATE_CERTS"] == "true" and no_ca_job.env["VEEAM_VB365_CA_PATH"] == ""
    assert no_ca_job.runner.status == "failed"
    assert "TLS verification of %s failed" % world.sim["vb365_server"] in no_ca_job.stdout


def test_no_secret_in_any_job_output_or_event(world, check_job, first_job, second_job, no_ca_job):
    secrets = world.secrets() + world.stored_secrets(VAULT_FOLDERS)
    assert len(world.stored_secrets(VAULT_FOLDERS)) == len(commands_storing_secrets())
    assert scan_for_secrets(json.dumps({"leak": world.job_token}), secrets), "the scan cannot find a planted secret"
    assert set(world.jobs) == {1, 2, 3, 4}
    for number, job in sorted(world.jobs.items()):
        assert job.events(), "job %d left no events" % number
        findings = scan_for_secrets(job.recorded(), secrets)
        assert not findings, "job %d: %s" % (number, [(found[0], found[1], found[4]) for found in findings])


def commands_storing_secrets():
    return [line for line in commands("vault-object-storage.console") if " kv put " in line]
