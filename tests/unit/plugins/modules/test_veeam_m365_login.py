# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_m365_login against a real local HTTP(S) server scripted as VB365 v8."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.modules import veeam_m365_login
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module

TOKEN = {"access_token": "at-1", "refresh_token": "rt-1", "token_type": "bearer", "expires_in": 3600,
         ".issued": "2025-01-31T12:00:00Z", ".expires": "2025-01-31T13:00:00Z", "userName": "admin"}
PASSWORD = "a&b+c%d=e"


def run(server, check_mode=False, no_log=True, **options):
    args = {"server": server.url, "auth_username": "corp\\admin", "auth_password": PASSWORD, **options}
    return run_module(veeam_m365_login, args, check_mode=check_mode, no_log=no_log)


@pytest.mark.parametrize("check_mode", [False, True])
def test_login_returns_the_tokens_and_keeps_them(server, check_mode):
    server.add("POST", "/v8/token", body=TOKEN)
    result = run(server, check_mode=check_mode)
    assert result["changed"] is False
    assert (result["access_token"], result["expires_in"]) == ("at-1", 3600)
    assert "refresh_token" not in result
    assert [call["path"] for call in server.calls()] == ["/v8/token"]
    assert server.calls()[0]["form"] == {"grant_type": "password", "username": "corp\\admin", "password": PASSWORD,
                                         "disable_antiforgery_token": "true"}


def test_an_auth_token_from_module_defaults_is_ignored(server):
    server.add("POST", "/v8/token", body=TOKEN)
    result = run(server, auth_token="older-token")
    assert result["access_token"] == "at-1"
    assert "Authorization" not in server.calls()[0]["headers"]


def test_works_over_https_with_ca_path(tls_server):
    tls_server.add("POST", "/v8/token", body=TOKEN)
    assert run(tls_server, ca_path=tls_server.ca_path)["access_token"] == "at-1"


def test_refused_login_fails_without_echoing_the_password(server):
    server.add("POST", "/v8/token", status=400, body={"message": "The user name or password is incorrect.", "errorCode": None})
    result = run(server)
    assert result["failed"] is True
    assert "login as corp\\admin refused" in result["msg"]
    assert PASSWORD not in str(result)


@pytest.mark.parametrize("options", [
    {"auth_username": None, "auth_password": None, "auth_token": "given-token"},
    {"auth_password": None},
])
def test_credentials_are_required(server, options):
    result = run(server, **options)
    assert result["failed"] is True
    assert "auth_username and auth_password are required" in result["msg"]
    assert server.calls() == []


def test_the_refresh_token_only_when_asked_for(server):
    server.add("POST", "/v8/token", body=TOKEN)
    assert run(server, return_refresh_token=True)["refresh_token"] == "rt-1"


@pytest.mark.parametrize(("status", "changed"), [(204, True), (401, False)])
def test_state_absent_logs_out_the_given_token(server, status, changed):
    server.add("POST", "/v8/token/logout", status=status)
    result = run(server, state="absent", auth_token="given-token")
    assert (result.get("failed"), result["changed"]) == (None, changed)
    assert [(call["method"], call["path"]) for call in server.calls()] == [("POST", "/v8/token/logout")]
    assert server.calls()[0]["headers"]["Authorization"] == "Bearer given-token"


@pytest.mark.parametrize(("status", "changed"), [(404, True), (401, False)])
def test_state_absent_in_check_mode_only_reads(server, status, changed):
    server.add("GET", "/v8/Accounts/00000000-0000-0000-0000-000000000000", status=status)
    result = run(server, check_mode=True, state="absent", auth_token="given-token")
    assert (result.get("failed"), result["changed"]) == (None, changed)
    assert [call["method"] for call in server.calls()] == ["GET"]


def test_state_absent_needs_the_token(server):
    result = run(server, state="absent")
    assert result["failed"] is True
    assert "state=absent revokes auth_token" in result["msg"]
    assert server.calls() == []


def test_a_logout_the_server_refuses_otherwise_fails(server):
    server.add("POST", "/v8/token/logout", status=500, body={"message": "boom", "errorCode": None})
    result = run(server, state="absent", auth_token="given-token")
    assert result["failed"] is True
    assert "HTTP 500" in result["msg"]
    assert "given-token" not in str(result)
