# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the VB365 tests: the scripted server's accounts and how to run a veeam_m365_* module against it."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module

ACCOUNT_ID = "8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a"
OTHER_ID = "1c9e0b7a-3d2f-4e5a-8b6c-7d8e9f0a1b2c"
ORG_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
SECRET = "sh&red+key%2F=="
ACCOUNT_PATH = "/v8/Accounts/" + ACCOUNT_ID
TOKEN = {"access_token": "at-1", "refresh_token": "rt-1", "token_type": "bearer", "expires_in": 3600}


def account(user_name="backup", account_type="azureBlobAccount", account_id=ACCOUNT_ID, description="", organization_id=None):
    return {"id": account_id, "accountType": account_type, "userName": user_name, "description": description,
            "organizationId": organization_id, "_links": {"self": {"href": "https://vb365/v8/Accounts/" + account_id}}}


def run_vb365_module(module, server, check_mode=False, diff=True, credentials=False, no_log=False, **options):
    """Run a veeam_m365_* module against the scripted server, with a scripted login or a given token."""
    args = {"server": server.url, **options}
    if credentials:
        args.update(auth_username="admin", auth_password="admin-pw")
        server.add("POST", "/v8/token", body=TOKEN, sticky=True).add("POST", "/v8/token/logout", status=204, sticky=True)
    else:
        args["auth_token"] = "given-token"
    return run_module(module, args, check_mode=check_mode, diff=diff, no_log=no_log)


def requests_made(server):
    return [(call["method"], call["path"]) for call in server.calls()]


def writes(server):
    return [call for call in server.calls() if call["method"] != "GET" and not call["path"].startswith("/v8/token")]
