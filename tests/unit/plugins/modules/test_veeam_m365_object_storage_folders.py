# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_m365_object_storage_folders against a real local HTTP server scripted as the VB365 server."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.modules import veeam_m365_object_storage_folders
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import (
    OTHER_ID,
    account,
    requests_made,
    run_vb365_module,
    writes,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_storage_fixtures import BUCKET, BUCKETS, FOLDERS, S3_ACCOUNT

SECOND_S3 = account(user_name="AKIASTORAGE0002", account_type="amazonS3Account", account_id=OTHER_ID)


def folder(folder_name, user_name="AKIASTORAGE0001", bucket="m365-backups"):
    return {"account": {"account_type": "amazon_s3", "user_name": user_name}, "region_id": "eu-west-1",
            "bucket": bucket, "folder": folder_name}


def run(server, items, **options):
    return run_vb365_module(veeam_m365_object_storage_folders, server, folders=items, **options)


def test_input_problems_of_every_item_are_listed_before_any_request(server):
    result = run(server, [folder("a/b"), folder("x"), folder("x")])
    assert result["failed"] and result["msg"].startswith("folders is not valid, nothing was changed.")
    assert "m365-backups/a/b: folder='a/b' must be one name: not empty, '.' or '..', without '/'" in result["msg"]
    assert "m365-backups/x: listed more than once" in result["msg"]
    assert server.calls() == []


def test_one_account_read_and_one_bucket_and_folder_read_per_bucket_whichever_account_sees_it(server):
    """The bucket list (its region, for region_id) and the folders: once per bucket."""
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT, SECOND_S3]).add("GET", BUCKETS, body=[BUCKET])
    server.add("GET", FOLDERS, body=[{"name": "exchange"}])
    server.add("POST", FOLDERS, status=201, body={"name": "sharepoint", "path": "m365-backups/sharepoint"})
    items = [folder("exchange"), folder("sharepoint"), folder("sharepoint", user_name="AKIASTORAGE0002")]
    result = run(server, items)
    assert [(item["item"], item["action"]) for item in result["folders"]] == [
        ("m365-backups/exchange", "unchanged"), ("m365-backups/sharepoint", "created"),
        ("m365-backups/sharepoint", "unchanged")]
    assert requests_made(server) == [("GET", "/v8/Accounts"), ("GET", BUCKETS), ("GET", FOLDERS), ("POST", FOLDERS)]
    assert server.calls("GET", "/v8/Accounts")[0]["query"] == {}
    assert result["diff"] == [{"before": {"bucket": "m365-backups", "folders": ["exchange"]},
                               "after": {"bucket": "m365-backups", "folders": ["exchange", "sharepoint"]},
                               "before_header": "m365-backups/sharepoint", "after_header": "m365-backups/sharepoint"}]


def test_azure_containers_of_two_storage_accounts_are_read_apart(server):
    first, second = account(user_name="storea"), account(user_name="storeb", account_id=OTHER_ID)
    containers = "/v8/AzureResources/containers/backups/folders"
    server.add("GET", "/v8/Accounts", body=[first, second]).add("GET", containers, body=[{"name": "x"}], sticky=True)
    items = [{"account": {"account_type": "azure_blob", "user_name": name}, "bucket": "backups", "folder": "x"}
             for name in ("storea", "storeb")]
    result = run(server, items)
    assert not result["changed"]
    assert [call["query"]["accountId"] for call in server.calls("GET", containers)] == [[first["id"]], [OTHER_ID]]


def test_an_unknown_account_is_refused_before_any_write(server):
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT]).add("GET", BUCKETS, body=[BUCKET]).add("GET", FOLDERS, body=[])
    result = run(server, [folder("exchange"), folder("sharepoint", user_name="AKIANOSUCHKEY")])
    assert result["msg"].startswith("folders do not fit the server, nothing was changed.")
    assert "m365-backups/sharepoint: account: no amazon_s3 cloud account has user_name 'AKIANOSUCHKEY'" in result["msg"]
    assert writes(server) == []


def test_check_mode_predicts_the_folders_and_writes_nothing(server):
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT, SECOND_S3]).add("GET", BUCKETS, body=[BUCKET])
    server.add("GET", FOLDERS, body=[])
    result = run(server, [folder("exchange"), folder("exchange", user_name="AKIASTORAGE0002")], check_mode=True)
    assert [item["action"] for item in result["folders"]] == ["created", "unchanged"]
    assert result["folders"][0]["folder"] == {"name": "exchange", "path": None}
    assert writes(server) == []


def test_check_mode_predicts_the_folder_of_an_account_an_earlier_task_creates(server):
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT], sticky=True)
    created_earlier = {"accounts": ["AKIANEWKEY0001"]}
    result = run(server, [folder("tenant-b", user_name="AKIANEWKEY0001")], check_mode=True, created_earlier=created_earlier)
    assert [(item["item"], item["action"]) for item in result["folders"]] == [("m365-backups/tenant-b", "created")]
    assert result["diff"][0]["after"] == {"bucket": "m365-backups", "folders": ["tenant-b"]}
    assert requests_made(server) == [("GET", "/v8/Accounts")]  # the new account cannot be asked for its bucket yet
    real = run(server, [folder("tenant-b", user_name="AKIANEWKEY0001")], created_earlier=created_earlier)
    assert "no amazon_s3 cloud account has user_name 'AKIANEWKEY0001'" in real["msg"]
