# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of one VB365 cloud account (vb365_account.py), called directly against the scripted server."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import HttpClient
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.account import (
    ACCOUNT,
    input_problem,
    look_alikes,
    pick_account,
    server_problem,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import ACCOUNT_ID, OTHER_ID, account

ACCOUNTS = "/v8/Accounts"


def params(**options):
    return dict({"id": None, "account_type": "azure_blob", "user_name": "backup", "organization_id": None,
                 "password": None, "description": None, "update_password": "on_create", "state": "present"}, **options)


def client_for(server):
    return VB365Client(HttpClient(server.url, timeout=5, sleep=lambda seconds: None), token="given")


@pytest.mark.parametrize("options, words", [
    ({"account_type": None}, "give id, or account_type and user_name"),
    ({"update_password": "always"}, "update_password=always sends password on every run"),
    ({"id": "not-a-uuid"}, "id=not-a-uuid is not a uuid"),
    ({"user_name": "Backup"}, "contains uppercase letters"),
])
def test_input_problems_need_no_request(options, words):
    assert words in input_problem(params(**options))


def test_pick_account_refuses_an_ambiguous_identity_and_names_look_alikes():
    twins = [account(), account(account_id=OTHER_ID)]
    with pytest.raises(InputError, match="2 accounts match account_type=azure_blob, user_name=backup"):
        pick_account(params(), twins)
    assert pick_account(params(id=ACCOUNT_ID.upper()), twins)["id"] == ACCOUNT_ID
    assert look_alikes(params(user_name="backup"), [account(user_name="BACKUP")]) == [account(user_name="BACKUP")]


def test_server_problems_of_a_missing_account():
    assert "no account has id" in server_problem(params(id=ACCOUNT_ID), None)
    assert "password is required to create" in server_problem(params(), None)
    assert server_problem(params(state="absent"), None) is None


def test_ensure_account_predicts_a_create_in_check_mode_with_a_diff_only_in_diff_mode(server):
    server.add("GET", ACCOUNTS, body=[], sticky=True)
    wanted = params(password="shared-key")
    quiet = ACCOUNT.ensure(client_for(server), wanted, check_mode=True, diff_mode=False)
    shown = ACCOUNT.ensure(client_for(server), wanted, check_mode=True, diff_mode=True)
    assert quiet == {"changed": True, "account": {"accountType": "azureBlobAccount", "userName": "backup", "description": "",
                                                  "organizationId": None, "id": None}}
    assert shown["diff"]["after"]["password"] == MASK
    assert all(call["method"] == "GET" for call in server.calls())


def test_ensure_account_leaves_a_matching_account_alone(server):
    server.add("GET", ACCOUNTS, body=[account()])
    result = ACCOUNT.ensure(client_for(server), params(), check_mode=False, diff_mode=True)
    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert [call["method"] for call in server.calls()] == ["GET"]
