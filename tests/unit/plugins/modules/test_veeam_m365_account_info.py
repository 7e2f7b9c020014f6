# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_m365_account_info against a real local HTTP server scripted as VB365 v8."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.modules import veeam_m365_account_info
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module

ORG_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
ACCOUNT_ID = "8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a"


def account(account_id, user_name, account_type="amazonS3Account", organization_id=None):
    return {"id": account_id, "accountType": account_type, "userName": user_name, "description": "",
            "organizationId": organization_id, "_links": {}}


ALL = [account("1", "backup"), account("2", "backup1"), account("3", "Backup"), account("4", "backup", "azureBlobAccount"),
       account("5", "backup", organization_id=ORG_ID)]


def run(server, check_mode=False, **options):
    return run_module(veeam_m365_account_info, {"server": server.url, "auth_token": "given-token", **options}, check_mode=check_mode)


def ids(result):
    return [item["id"] for item in result["accounts"]]


def test_without_filters_every_account_is_returned(server):
    server.add("GET", "/v8/Accounts", body=ALL)
    result = run(server)
    assert result["changed"] is False
    assert ids(result) == ["1", "2", "3", "4", "5"]
    assert server.calls()[0]["query"] == {}


def test_user_name_is_exact_and_case_sensitive(server):
    server.add("GET", "/v8/Accounts", body=ALL)
    result = run(server, user_name="backup", account_type="amazon_s3")
    assert ids(result) == ["1", "5"]
    assert server.calls()[0]["query"] == {"name": ["backup"], "accountType": ["amazonS3Account"]}


def test_name_pattern_is_left_to_the_server(server):
    server.add("GET", "/v8/Accounts", body=ALL[:3])
    assert ids(run(server, name_pattern="back*")) == ["1", "2", "3"]
    assert server.calls()[0]["query"] == {"name": ["back*"]}


def test_name_pattern_and_user_name_together(server):
    server.add("GET", "/v8/Accounts", body=ALL[:3])
    assert ids(run(server, name_pattern="b?ck*", user_name="Backup")) == ["3"]
    assert server.calls()[0]["query"] == {"name": ["b?ck*"]}


def test_organization_filter_is_sent_and_checked(server):
    server.add("GET", "/v8/Accounts", body=ALL)
    assert ids(run(server, organization_id=ORG_ID.upper())) == ["5"]
    assert server.calls()[0]["query"] == {"organizationId": [ORG_ID.upper()]}


def test_id_reads_one_account(server):
    server.add("GET", "/v8/Accounts/" + ACCOUNT_ID, body=account(ACCOUNT_ID, "k"))
    assert ids(run(server, id=ACCOUNT_ID)) == [ACCOUNT_ID]


@pytest.mark.parametrize("status, body, options", [
    (404, {"message": "not found", "errorCode": "ResourceNotFound"}, {}),
    (200, account(ACCOUNT_ID, "k"), {"account_type": "azure_blob"}),
])
def test_id_that_does_not_match_gives_an_empty_list(server, status, body, options):
    server.add("GET", "/v8/Accounts/" + ACCOUNT_ID, status=status, body=body)
    result = run(server, id=ACCOUNT_ID, **options)
    assert result["accounts"] == []
    assert "failed" not in result


def test_runs_in_check_mode(server):
    server.add("GET", "/v8/Accounts", body=ALL)
    assert len(run(server, check_mode=True)["accounts"]) == 5


@pytest.mark.parametrize("options, words", [
    ({"id": "abc"}, "id=abc is not a uuid"),
    ({"organization_id": "abc"}, "organization_id=abc is not a uuid"),
    ({"id": ACCOUNT_ID, "name_pattern": "a*"}, "mutually exclusive"),
])
def test_bad_arguments_fail_before_any_request(server, options, words):
    result = run(server, **options)
    assert result["failed"] is True
    assert words in result["msg"]
    assert server.calls() == []


def test_server_errors_are_reported_with_their_code(server):
    server.add("GET", "/v8/Accounts", status=403, body={"message": "Access denied.", "errorCode": "ResourceAccessDenied"})
    result = run(server)
    assert result["failed"] is True
    assert result["msg"] == "GET /v8/Accounts: HTTP 403 (ResourceAccessDenied) Access denied."
