# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_m365_repositories against a real local HTTP server scripted as the VB365 server."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.modules import veeam_m365_repositories
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import requests_made, run_vb365_module, writes
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_storage_fixtures import (
    BUCKETS,
    FOLDERS,
    POOL_ID,
    REPO_ID,
    page,
    repository,
    script_lookups,
)

REPOS = "/v8/BackupRepositories"
OTHER_REPO_ID = "3d4e5f60-7182-4a9b-8cad-2e3f4a5b6c7d"
# The options of the repository() fixture: an item that matches it exactly.
EXCHANGE = {"name": "m365-s3", "description": "tenant A", "account": {"account_type": "amazon_s3", "user_name": "AKIASTORAGE0001"},
            "region_id": "eu-west-1", "bucket": "m365-backups", "folder": "exchange", "proxy": "proxy01",
            "retention_type": "snapshot_based", "retention_period_type": "yearly", "retention_period": "Years3",
            "size_limit_gb": 500, "immutability_days": 30, "encryption_key": "key A"}


def item(**options):
    return dict(EXCHANGE, **options)


def run(server, items, **options):
    return run_vb365_module(veeam_m365_repositories, server, repositories=items, **options)


def test_input_problems_of_every_item_are_listed_before_any_request(server):
    result = run(server, [item(proxy_pool="pool-a"), item(name="M365-S3"), item(name="x", retention_period="3")])
    assert result["failed"] and result["msg"].startswith("repositories is not valid, nothing was changed.")
    assert "m365-s3: give proxy or proxy_pool, not both" in result["msg"]
    assert "M365-S3: listed more than once" in result["msg"]
    assert "x: retention_period=3 does not fit retention_period_type=yearly" in result["msg"]
    assert server.calls() == []


def test_one_read_of_each_list_then_one_write_per_change(server):
    other = repository(id=OTHER_REPO_ID, name="m365-old")
    script_lookups(server).add("GET", REPOS, body=page([repository(), other]))
    server.add("POST", REPOS, status=201, body=repository(id="4e5f6071-8293-4bac-9dbe-3f4a5b6c7d8e", name="m365-new"))
    server.add("PUT", REPOS + "/" + REPO_ID, status=204).add("DELETE", REPOS + "/" + OTHER_REPO_ID, status=204)
    items = [item(description="tenant B"), item(name="m365-new", proxy=None, proxy_pool="pool-a"),
             item(name="m365-old", state="absent"), item(name="m365-gone", state="absent")]
    result = run(server, items, credentials=True)
    assert [(entry["item"], entry["action"]) for entry in result["repositories"]] == [
        ("m365-s3", "updated"), ("m365-new", "created"), ("m365-old", "removed"), ("m365-gone", "unchanged")]
    reads = [call for call in requests_made(server) if call[0] == "GET"]
    assert sorted(reads) == sorted([("GET", REPOS), ("GET", "/v8/Accounts"), ("GET", "/v8/Proxies"), ("GET", "/v8/ProxyPools"),
                                    ("GET", "/v8/EncryptionKeys"), ("GET", BUCKETS), ("GET", FOLDERS)])
    assert writes(server) == [server.calls("PUT")[0], server.calls("POST", REPOS)[0], server.calls("DELETE")[0]]
    assert server.calls("POST", REPOS)[0]["json"]["proxyPoolId"] == POOL_ID
    assert [diff["before_header"] for diff in result["diff"]] == ["m365-s3", "m365-new", "m365-old"]


def test_a_list_in_place_changes_nothing_and_reads_no_folder(server):
    script_lookups(server).add("GET", REPOS, body=page([repository()]))
    result = run(server, [item()])
    assert not result["changed"] and result["repositories"][0]["action"] == "unchanged"
    assert ("GET", FOLDERS) not in requests_made(server)


def test_problems_against_the_server_are_all_named_and_nothing_is_written(server):
    script_lookups(server).add("GET", REPOS, body=page([repository()]))
    items = [item(name="new-a", folder="missing"), item(folder="other"), item(name="new-b", proxy="nosuch"),
             item(name="new-c", account=None), item(name="fine")]
    result = run(server, items)
    assert result["msg"].startswith("repositories do not fit the server, nothing was changed.")
    assert "new-a: folder 'missing' does not exist in bucket 'm365-backups'" in result["msg"]
    assert "m365-s3: repository 'm365-s3': folder cannot be changed after the repository is created" in result["msg"]
    assert "new-b: proxy='nosuch': no backup proxy has this name" in result["msg"]
    assert "new-c: repository 'new-c' does not exist, and creating it needs account" in result["msg"]
    assert "fine:" not in result["msg"]
    assert writes(server) == []


def test_check_mode_predicts_every_item_and_writes_nothing(server):
    script_lookups(server).add("GET", REPOS, body=page([repository()]))
    result = run(server, [item(retention_period="Years5"), item(name="m365-new", folder="exchange")], check_mode=True)
    assert [entry["action"] for entry in result["repositories"]] == ["updated", "created"]
    assert result["repositories"][1]["repository"]["id"] is None
    assert writes(server) == []


# What the m365_object_storage role's earlier tasks would create in a first check mode run: a new credential, its
# folder and a new encryption key, none of them on the server yet.
NEW_ACCOUNT = {"account_type": "amazon_s3", "user_name": "AKIANEWKEY0001"}
CREATED_EARLIER = {"accounts": ["AKIANEWKEY0001"], "folders": ["m365-backups/tenant-b"], "encryption_keys": ["key new"]}


def test_check_mode_predicts_an_item_whose_account_folder_and_key_an_earlier_task_creates(server):
    script_lookups(server).add("GET", REPOS, body=page([repository()]))
    new = item(name="m365-new", account=NEW_ACCOUNT, folder="tenant-b", encryption_key="key new")
    rotated = item(encryption_key=None, account=NEW_ACCOUNT)  # an existing repository moves to the new credential
    result = run(server, [new, rotated], check_mode=True, created_earlier=CREATED_EARLIER)
    assert not result.get("failed"), result.get("msg")
    assert [(entry["item"], entry["action"]) for entry in result["repositories"]] == [
        ("m365-new", "created"), ("m365-s3", "updated")]
    created, updated = result["diff"]
    assert created["before_header"] == "m365-new" and created["before"] == {}
    assert created["after"]["accountId"] == created["after"]["encryptionKeyId"] == "(created by this run)"
    assert created["after"]["folder"] == "tenant-b" and created["after"]["objectStorageEncryptionEnabled"]
    assert updated["after"]["accountId"] == "(created by this run)" != updated["before"]["accountId"]
    assert writes(server) == []
    assert ("GET", "/v8/S3Resources/buckets/m365-backups/folders") not in requests_made(server)  # the new account's bucket


def test_created_earlier_is_only_for_check_mode_and_only_for_what_it_names(server):
    script_lookups(server).add("GET", REPOS, body=page([]), sticky=True)
    new = item(name="m365-new", account=NEW_ACCOUNT, folder="tenant-b", encryption_key="key new")
    real = run(server, [new], created_earlier=CREATED_EARLIER)
    assert real["failed"] and "no amazon_s3 cloud account has user_name 'AKIANEWKEY0001'" in real["msg"]
    other = run(server, [item(name="m365-new", encryption_key="key typo")], check_mode=True, created_earlier=CREATED_EARLIER)
    assert other["failed"] and "encryption_key='key typo': no encryption key has this description" in other["msg"]
    folder = run(server, [item(name="m365-new", folder="typo")], check_mode=True, created_earlier=CREATED_EARLIER)
    assert folder["failed"] and "folder 'typo' does not exist in bucket 'm365-backups'" in folder["msg"]
    assert writes(server) == []
