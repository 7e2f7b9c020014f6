# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A task whose result would hold a secret runs only with no_log (fail safe): without it, the module refuses before
any request; the same task with no_log runs, and tasks whose result holds no secret need no no_log."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.modules import (
    veeam_azure_login,
    veeam_azure_user_mfa,
    veeam_gcp_login,
    veeam_gcp_user_mfa,
    veeam_m365_login,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.mfa_fixtures import OPS1, script_enrolment, script_user
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import TOKEN, TOKEN_BODY

LOGIN = {"auth_username": "robot", "auth_password": "pw&1"}
ADD_NO_LOG = "Add 'no_log: true' to the task; the registered variable still holds the value."
OTHER_DESTINATION = "Or set secret_destination=directory or vault, which keep the secret out of the result."


def run(server, module, check_mode=False, no_log=False, **options):
    args = dict({"server": server.url, "timeout": 5}, **options)
    return run_module(module, args, check_mode=check_mode, no_log=no_log)


@pytest.mark.parametrize("module, options, what, instead", [
    (veeam_gcp_login, LOGIN, "the token of a new session (access_token), which acts as robot", ""),
    (veeam_azure_login, LOGIN, "the token of a new session (access_token), which acts as robot", ""),
    (veeam_m365_login, dict(LOGIN, return_refresh_token=True),
     "the token of a new session (access_token and refresh_token), which acts as robot", ""),
    (veeam_gcp_user_mfa, {"auth_token": "given", "name": "ops1"},
     "the new MFA secret (secret_key, qr_string, scratch_codes, enrollment_token) whenever one is issued",
     " " + OTHER_DESTINATION),
    (veeam_azure_user_mfa, {"auth_token": "given", "name": "ops1", "recreate": True},
     "the new MFA secret (secret_key, qr_string, scratch_codes, enrollment_token) whenever one is issued",
     " " + OTHER_DESTINATION),
    (veeam_gcp_user_mfa, {"auth_token": "given", "name": "ops1", "verify": False, "secret_destination": "directory",
                          "secret_directory": "/nonexistent/mfa"},
     "the enrollment_token of the pending enrolment (verify=false)", ""),
], ids=["gcp_login", "azure_login", "m365_login", "gcp_mfa", "azure_mfa_recreate", "gcp_mfa_pending_directory"])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_secret_in_the_result_without_no_log_is_refused_before_any_request(
        server, module, options, what, instead, check_mode):
    result = run(server, module, check_mode=check_mode, **options)
    assert result["failed"]
    assert result["msg"] == ("This task's result would hold %s, and the task has no 'no_log: true': Ansible would print "
                             "the result (at -v, and whenever the task fails) and AWX would keep it in its job events. "
                             "%s%s Nothing was sent to the appliance." % (what, ADD_NO_LOG, instead))
    assert server.calls() == []


def test_the_same_login_with_no_log_returns_the_token(server):
    server.add("POST", TOKEN, body=TOKEN_BODY)
    result = run(server, veeam_gcp_login, no_log=True, **LOGIN)
    assert result["access_token"] == "minted-at"


def test_the_same_enrolment_with_no_log_returns_the_secret(server):
    script_user(server, enabled=False)
    script_enrolment(server)
    result = run(server, veeam_gcp_user_mfa, no_log=True, auth_token="given", name="ops1")
    assert result["changed"] and result["secret_key"] and result["enrollment_token"]


@pytest.mark.parametrize("options", [
    {"state": "disabled"},
    {"code": "123456", "enrollment_token": "person-token"},
], ids=["disable", "finish_with_a_code"])
def test_mfa_runs_whose_result_holds_no_secret_need_no_no_log(server, options):
    script_user(server, enabled=False)
    server.add("POST", OPS1 + "/mfaAccepted", status=201, body={"success": True, "issues": []})
    result = run(server, veeam_gcp_user_mfa, auth_token="given", name="ops1", **options)
    assert "failed" not in result, result.get("msg")


def test_an_unattended_enrolment_into_a_directory_needs_no_no_log(server, tmp_path):
    script_user(server, enabled=False)
    script_enrolment(server)
    result = run(server, veeam_gcp_user_mfa, auth_token="given", name="ops1", secret_destination="directory",
                 secret_directory=str(tmp_path / "mfa"))
    assert result["changed"] and result["mfa_enabled"]


def test_a_logout_needs_no_no_log(server):
    server.add("DELETE", TOKEN, status=204)
    result = run(server, veeam_gcp_login, state="absent", auth_token="given")
    assert result["changed"]
