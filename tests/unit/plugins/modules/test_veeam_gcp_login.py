# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_gcp_login against a real local HTTP server scripted as the VBGC appliance."""

from __future__ import annotations

import pyotp
import pytest

from ansible_collections.veeam_community.backup.plugins.modules import veeam_gcp_login
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    MFA_SECRET,
    TOKEN,
    TOKEN_BODY,
    run_vbgc_module,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module


def login(server, check_mode=False, no_log=True, **options):
    args = {"server": server.url, "auth_username": "robot", "auth_password": "pw&1", "timeout": 5}
    args.update(options)
    return run_module(veeam_gcp_login, args, check_mode=check_mode, no_log=no_log)


@pytest.mark.parametrize("check_mode", [False, True])
def test_login_returns_the_tokens_and_keeps_them(server, check_mode):
    server.add("POST", TOKEN, body=dict(TOKEN_BODY, username="robot"))
    result = login(server, check_mode=check_mode)
    assert not result["changed"]
    assert (result["access_token"], result["expires_in"]) == ("minted-at", 900)
    assert "refresh_token" not in result
    assert [call["method"] for call in server.calls()] == ["POST"], "the token is not revoked"
    assert server.calls()[0]["form"] == {"grant_type": "password", "username": "robot", "password": "pw&1"}
    assert server.calls()[0]["headers"]["x-api-version"] == "1.4-rev0"


def test_mfa_automation_account_logs_in_with_its_secret(server):
    server.add("POST", TOKEN, status=202, body={"mfa_token": "challenge"}).add("POST", TOKEN, body=TOKEN_BODY)
    result = login(server, auth_mfa_secret=MFA_SECRET)
    assert result["access_token"] == "minted-at"
    assert pyotp.TOTP(MFA_SECRET).verify(server.calls()[1]["form"]["mfa_code"], valid_window=1)


def test_mfa_secret_falls_back_to_the_environment(server, monkeypatch):
    # Tested here rather than with a task's `environment:`, which Ansible shows at -vvv even with no_log.
    monkeypatch.setenv("VEEAM_VBGC_MFA_SECRET", MFA_SECRET)
    server.add("POST", TOKEN, status=202, body={"mfa_token": "challenge"}).add("POST", TOKEN, body=TOKEN_BODY)
    result = login(server)
    assert result["access_token"] == "minted-at"
    assert pyotp.TOTP(MFA_SECRET).verify(server.calls()[1]["form"]["mfa_code"], valid_window=1)


def test_mfa_account_without_a_secret_fails_naming_the_option(server):
    server.add("POST", TOKEN, status=202, body={"mfa_token": "challenge"})
    result = login(server)
    assert result["failed"]
    assert "give auth_mfa_secret" in result["msg"]
    assert "access_token" not in result


def test_wrong_password_fails_with_what_to_check(server):
    server.add("POST", TOKEN, status=401, body={"title": "Unauthorized", "details": "The user name or password is incorrect."})
    result = login(server)
    assert result["failed"]
    assert "as robot failed: The user name or password is incorrect. Check auth_username and auth_password." in result["msg"]
    assert result["status"] == 401


def test_login_needs_credentials_even_when_a_token_is_given(server):
    result = run_vbgc_module(veeam_gcp_login, server)
    assert result["failed"]
    assert result["msg"] == ("auth_username and auth_password are required with state=present: this module logs in to get "
                             "a new token; give both (auth_token is used only with state=absent).")
    assert server.calls() == []


def test_a_429_on_the_token_request_is_retried(server):
    server.add("POST", TOKEN, status=429, headers={"Retry-After": "0"}).add("POST", TOKEN, body=TOKEN_BODY)
    assert login(server)["access_token"] == "minted-at"
    assert len(server.calls()) == 2


def test_the_refresh_token_only_when_asked_for(server):
    server.add("POST", TOKEN, body=TOKEN_BODY)
    assert login(server, return_refresh_token=True)["refresh_token"] == "minted-rt"


@pytest.mark.parametrize(("status", "changed"), [(204, True), (401, False)])
def test_state_absent_revokes_the_given_token(server, status, changed):
    server.add("DELETE", TOKEN, status=status)
    result = login(server, state="absent", auth_token="given-token")
    assert (result.get("failed"), result["changed"]) == (None, changed)
    assert [(call["method"], call["path"]) for call in server.calls()] == [("DELETE", TOKEN)]
    assert server.calls()[0]["headers"]["Authorization"] == "Bearer given-token"
    assert server.calls()[0]["headers"]["x-api-version"] == "1.4-rev0"


@pytest.mark.parametrize(("status", "changed"), [(200, True), (403, True), (401, False)])
def test_state_absent_in_check_mode_only_reads(server, status, changed):
    server.add("GET", "/api/v1/users/roles", status=status, body={"data": []})
    result = login(server, check_mode=True, state="absent", auth_token="given-token")
    assert (result.get("failed"), result["changed"]) == (None, changed)
    assert [call["method"] for call in server.calls()] == ["GET"]


def test_state_absent_needs_the_token(server):
    result = login(server, state="absent")
    assert result["failed"]
    assert "state=absent revokes auth_token" in result["msg"]
    assert server.calls() == []
