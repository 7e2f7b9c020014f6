# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_m365_accounts against a real local HTTP server scripted as the VB365 server."""

from __future__ import annotations

import json

from ansible_collections.veeam_community.backup.plugins.modules import veeam_m365_accounts
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import (
    ACCOUNT_ID,
    ACCOUNT_PATH,
    OTHER_ID,
    SECRET,
    account,
    requests_made,
    run_vb365_module,
    writes,
)

S3 = {"account_type": "amazon_s3", "user_name": "AKIAKEY"}


def run(server, accounts, **options):
    return run_vb365_module(veeam_m365_accounts, server, accounts=accounts, **options)


def test_input_problems_of_every_item_are_listed_before_any_request(server):
    result = run(server, [{"user_name": "lonely"}, {"account_type": "azure_blob", "user_name": "Upper"},
                          {"id": "not-a-uuid"}])
    assert result["failed"]
    assert "lonely: give id, or account_type and user_name" in result["msg"]
    assert "azure_blob Upper: user_name 'Upper' contains uppercase letters" in result["msg"]
    assert "id not-a-uuid: id=not-a-uuid is not a uuid" in result["msg"]
    assert server.calls() == []


def test_the_same_account_twice_is_refused_before_any_request(server):
    result = run(server, [dict(S3, description="a"), dict(S3, state="absent")])
    assert result["failed"]
    assert "amazon_s3 AKIAKEY: listed more than once" in result["msg"]
    assert server.calls() == []


def test_one_list_read_then_one_write_per_change_with_login_and_logout(server):
    azure = account(description="old")
    s3 = account(user_name="AKIAOLD", account_type="amazonS3Account", account_id=OTHER_ID)
    server.add("GET", "/v8/Accounts", body=[azure, s3])
    server.add("PUT", ACCOUNT_PATH, body=dict(azure, description="new"))
    created = account(user_name="AKIAKEY", account_type="amazonS3Account", account_id="5e5e5e5e-0000-4000-8000-000000000001")
    server.add("POST", "/v8/Accounts", status=201, body=created)
    server.add("DELETE", "/v8/Accounts/" + OTHER_ID, status=204)
    accounts = [
        {"account_type": "azure_blob", "user_name": "backup", "description": "new"},
        dict(S3, password=SECRET),
        {"id": OTHER_ID, "state": "absent"},
        {"account_type": "amazon_s3", "user_name": "AKIAGONE", "state": "absent"},
    ]
    result = run(server, accounts, credentials=True)
    assert result["changed"]
    assert [(item["item"], item["action"]) for item in result["accounts"]] == [
        ("azure_blob backup", "updated"), ("amazon_s3 AKIAKEY", "created"), ("id " + OTHER_ID, "removed"),
        ("amazon_s3 AKIAGONE", "unchanged")]
    assert requests_made(server) == [
        ("POST", "/v8/token"), ("GET", "/v8/Accounts"), ("PUT", ACCOUNT_PATH), ("POST", "/v8/Accounts"),
        ("DELETE", "/v8/Accounts/" + OTHER_ID), ("POST", "/v8/token/logout")]
    assert server.calls("POST", "/v8/Accounts")[0]["json"]["password"] == SECRET
    assert [diff["before_header"] for diff in result["diff"]] == ["azure_blob backup", "amazon_s3 AKIAKEY", "id " + OTHER_ID]
    assert SECRET not in json.dumps(result)


def test_a_list_already_in_place_is_one_request_with_a_token(server):
    server.add("GET", "/v8/Accounts", body=[account(description="d")])
    result = run(server, [{"account_type": "azure_blob", "user_name": "backup", "description": "d", "password": SECRET},
                          {"id": ACCOUNT_ID}])
    assert not result["changed"]
    assert [item["action"] for item in result["accounts"]] == ["unchanged", "unchanged"]
    assert requests_made(server) == [("GET", "/v8/Accounts")]


def test_check_mode_predicts_every_item_and_writes_nothing(server):
    server.add("GET", "/v8/Accounts", body=[account()])
    result = run(server, [{"account_type": "azure_blob", "user_name": "backup", "description": "d"}, dict(S3, password=SECRET)],
                 check_mode=True)
    assert [item["action"] for item in result["accounts"]] == ["updated", "created"]
    assert result["accounts"][1]["account"]["id"] is None
    assert writes(server) == []


def test_problems_against_the_server_are_all_named_and_nothing_is_written(server):
    twin = account(user_name="AKIAKEY", account_type="amazonS3Account")
    server.add("GET", "/v8/Accounts", body=[twin, dict(twin, id=OTHER_ID)])
    accounts = [
        {"account_type": "amazon_s3", "user_name": "AKIANEW"},
        {"id": "5e5e5e5e-0000-4000-8000-000000000009", "description": "x"},
        dict(S3, description="which one"),
    ]
    result = run(server, accounts)
    assert result["failed"]
    assert result["msg"].startswith("accounts do not fit the server, nothing was changed.")
    assert "amazon_s3 AKIANEW: password is required to create" in result["msg"]
    assert "id 5e5e5e5e-0000-4000-8000-000000000009: no account has id" in result["msg"]
    assert "amazon_s3 AKIAKEY: 2 accounts match" in result["msg"]
    assert writes(server) == []


def test_a_failed_write_names_the_item_and_returns_the_items_done_before_it(server):
    server.add("GET", "/v8/Accounts", body=[account()]).add("DELETE", ACCOUNT_PATH, status=204)
    server.add("POST", "/v8/Accounts", status=500, body={"message": "storage offline"}, sticky=True)
    result = run(server, [{"id": ACCOUNT_ID, "state": "absent"}, dict(S3, password=SECRET)])
    assert result["failed"]
    assert result["msg"].startswith("amazon_s3 AKIAKEY: POST /v8/Accounts: HTTP 500")
    assert result["changed"] is True
    assert [item["action"] for item in result["accounts"]] == ["removed"]
    assert SECRET not in json.dumps(result)
