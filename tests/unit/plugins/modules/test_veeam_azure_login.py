# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_azure_login against a real local HTTP server scripted as the VBAzure token endpoint."""

from __future__ import annotations

import json

import pyotp
import pytest

from ansible_collections.veeam_community.backup.plugins.modules import veeam_azure_login
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module
from ansible_collections.veeam_community.backup.tests.unit.utils.vbazure_fixtures import MFA_SECRET, TOKEN, TOKEN_BODY

# With MFA on, VBAzure answers the password grant with 200, an mfa_token and no access token.
CHALLENGE = {"token_type": "bearer", "expires_in": 0, "mfa_token": "challenge", "mfa_enabled": True}


def login(server, check_mode=False, no_log=True, **options):
    args = {"server": server.url, "auth_username": "robot", "auth_password": "pw&1", "timeout": 5}
    args.update(options)
    return run_module(veeam_azure_login, args, check_mode=check_mode, no_log=no_log)


@pytest.mark.parametrize("check_mode", [False, True])
def test_login_sends_the_password_grant_and_keeps_the_token(server, check_mode):
    server.add("POST", TOKEN, body=TOKEN_BODY)
    result = login(server, check_mode=check_mode)
    assert not result["changed"]
    assert result["access_token"] == "minted-at"
    assert "refresh_token" not in result
    assert [call["method"] for call in server.calls()] == ["POST"]
    assert server.calls()[0]["form"] == {"grant_type": "Password", "username": "robot", "password": "pw&1"}
    assert "x-api-version" not in server.calls()[0]["headers"]


def test_refresh_token_only_when_asked(server):
    server.add("POST", TOKEN, body=TOKEN_BODY)
    assert login(server, return_refresh_token=True)["refresh_token"] == "minted-rt"


def test_mfa_account_completes_the_mfa_grant_with_the_current_code(server):
    server.add("POST", TOKEN, body=CHALLENGE).add("POST", TOKEN, body=TOKEN_BODY)
    result = login(server, auth_mfa_secret=MFA_SECRET)
    assert result["access_token"] == "minted-at"
    form = server.calls()[1]["form"]
    assert (form["grant_type"], form["mfa_token"]) == ("Mfa", "challenge")
    assert pyotp.TOTP(MFA_SECRET).verify(form["mfa_code"], valid_window=1)
    assert "challenge" not in json.dumps(result)


def test_mfa_account_without_a_secret_fails_naming_the_option(server):
    server.add("POST", TOKEN, body=CHALLENGE)
    result = login(server)
    assert result["failed"]
    assert "give auth_mfa_secret" in result["msg"]
    assert "challenge" not in json.dumps(result)


def test_a_refused_login_says_what_to_check(server):
    problem = {"type": "about:blank", "title": "Unauthorized", "status": 401,
               "detail": "The user name or password is incorrect."}
    server.add("POST", TOKEN, status=401, body=problem)
    result = login(server)
    assert result["failed"]
    assert "The user name or password is incorrect" in result["msg"]
    assert "Check auth_username and auth_password" in result["msg"]


def test_state_absent_signs_out_the_given_token(server):
    server.add("DELETE", TOKEN, status=204)
    result = run_module(veeam_azure_login, {"server": server.url, "auth_token": "given", "state": "absent"})
    assert result["changed"]
    assert server.calls()[0]["headers"]["Authorization"] == "Bearer given"


def test_state_absent_in_check_mode_only_reads(server):
    server.add("GET", "/api/v8.1/users", body={"offset": 0, "limit": 1, "totalCount": 0, "results": []})
    result = run_module(veeam_azure_login, {"server": server.url, "auth_token": "given", "state": "absent"},
                        check_mode=True)
    assert result["changed"]
    assert [call["method"] for call in server.calls()] == ["GET"]
