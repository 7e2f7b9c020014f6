# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The order of the steps of an enrolment into Vault: the module and vault_kv2_write are scripted here (their real
runs against the simulator and OpenBao are the integration target veeam_gcp_user_mfa_vault)."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pyotp
import pytest

from ansible_collections.veeam_community.backup.tests.unit.utils.action_fixtures import load_action_plugin

PLUGIN = load_action_plugin("veeam_gcp_user_mfa")
MFA_ACTION = load_action_plugin("mfa_action", package="plugin_utils")
KV2_WRITE = MFA_ACTION.KV2_WRITE
VaultEnrolment = MFA_ACTION.VaultEnrolment
reason = MFA_ACTION.reason

SEED = "JBSWY3DPEHPK3PXPJBSWY3DPEH"
ISSUED = {"changed": True, "mfa_enabled": False, "secret_key": SEED, "qr_string": "otpauth://totp/ops1?secret=" + SEED,
          "scratch_codes": ["11111111", 22222222], "enrollment_token": "enrolment-token",
          "diff": {"before": {"name": "ops1", "mfaEnabled": False},
                   "after": {"name": "ops1", "mfaEnabled": False, "secretKey": "********"}},
          "invocation": {"module_args": {"name": "ops1", "verify": False, "secret_destination": "result",
                                         "auth_password": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"}}}
ARGS = {"name": "ops1", "secret_destination": "vault", "vault_path": "veeam/vbgc/ops1",
        "vault_options": {"url": "http://127.0.0.1:8200", "token": "root-token"}}


class ScriptedAction:
    """Stands in for the action plugin's module runs: records each call and answers from a script."""

    vault_path_example = PLUGIN.ActionModule.vault_path_example

    def __init__(self, check_mode=False, no_log=False, **answers):
        self._task = SimpleNamespace(check_mode=check_mode, no_log=no_log)
        self.answers = answers
        self.calls = []

    def run_module(self, name, args, task_vars, check_mode=None):
        step = self.step(name, args, check_mode)
        self.calls.append((step, args))
        return self.answers.get(step, {"changed": True, "mfa_enabled": True})

    def step(self, name, args, check_mode):
        if name == KV2_WRITE:
            return "vault_check" if check_mode else "vault_write"
        if check_mode:
            return "probe"
        return "accept" if args.get("code") else "issue"


def enrol(action, **args):
    return VaultEnrolment(action, dict(ARGS, **args), {}).run()


def steps(action):
    return [call[0] for call in action.calls]


def test_the_secret_is_written_before_the_enrolment_is_accepted_and_never_returned():
    action = ScriptedAction(probe=dict(ISSUED), issue=dict(ISSUED))
    result = enrol(action)
    assert steps(action) == ["probe", "vault_check", "issue", "vault_write", "accept"]
    calls = dict(action.calls)
    assert calls["vault_write"]["data"] == {"user": "ops1", "secret_key": SEED, "otpauth_uri": ISSUED["qr_string"],
                                            "scratch_codes": ["11111111", "22222222"]}
    assert calls["vault_write"]["path"] == "veeam/vbgc/ops1"
    assert calls["vault_write"]["engine_mount_point"] == "secret"
    assert calls["vault_write"]["url"] == "http://127.0.0.1:8200"
    assert calls["vault_check"]["token_validate"] is True
    assert calls["issue"]["verify"] is False and calls["issue"]["secret_destination"] == "result"
    assert not {"vault_path", "vault_options", "vault_mount_point"} & set(calls["issue"])
    assert pyotp.TOTP(SEED).verify(calls["accept"]["code"], valid_window=1)
    assert calls["accept"]["enrollment_token"] == "enrolment-token"
    assert result["changed"] and result["mfa_enabled"]
    assert result["diff"]["after"]["mfaEnabled"] is True
    text = json.dumps(result)
    for secret in (SEED, "11111111", "enrolment-token", "root-token"):
        assert secret not in text
    assert result["invocation"]["module_args"]["vault_options"] == "********"
    assert result["invocation"]["module_args"]["secret_destination"] == "vault"


def test_mfa_already_on_asks_nothing_of_vault():
    action = ScriptedAction(probe={"changed": False, "mfa_enabled": True})
    result = enrol(action)
    assert steps(action) == ["probe"]
    assert result == {"changed": False, "mfa_enabled": True}


def test_vault_down_stops_before_a_secret_is_issued():
    down = {"failed": True, "msg": "MODULE FAILURE\nSee stdout/stderr for the exact error",
            "module_stderr": "Traceback ...\nrequests.exceptions.ConnectionError: Connection refused\n"}
    action = ScriptedAction(probe=dict(ISSUED), vault_check=down)
    result = enrol(action)
    assert steps(action) == ["probe", "vault_check"]
    assert result["failed"]
    assert result["msg"].startswith("secret_destination=vault: Vault is not usable for vault_path=veeam/vbgc/ops1, "
                                    "vault_mount_point=secret: requests.exceptions.ConnectionError: Connection refused. "
                                    "No secret was issued; MFA of ops1 is as it was.")


def test_a_failed_write_leaves_the_enrolment_unaccepted():
    action = ScriptedAction(probe=dict(ISSUED), issue=dict(ISSUED),
                            vault_write={"failed": True, "msg": "Permission denied writing to 'veeam/vbgc/ops1'"})
    result = enrol(action)
    assert steps(action) == ["probe", "vault_check", "issue", "vault_write"]
    assert result == {"failed": True, "msg": (
        "MFA secret issued, but writing it to secret_destination=vault (vault_path=veeam/vbgc/ops1, vault_mount_point="
        "secret) failed: Permission denied writing to 'veeam/vbgc/ops1'. The enrolment was not accepted, so MFA of ops1 "
        "is as it was; fix that and run the task again.")}


def test_check_mode_writes_nothing_and_predicts_the_enrolment():
    action = ScriptedAction(check_mode=True, probe={"changed": True, "mfa_enabled": False})
    result = enrol(action)
    assert steps(action) == ["probe", "vault_check"]
    assert result == {"changed": True, "mfa_enabled": True}


def test_verify_false_stores_the_secret_and_leaves_the_enrolment_pending():
    action = ScriptedAction(probe=dict(ISSUED), issue=dict(ISSUED), no_log=True)
    result = enrol(action, verify=False)
    assert steps(action) == ["probe", "vault_check", "issue", "vault_write"]
    assert not result["mfa_enabled"]
    assert result["enrollment_token"] == "enrolment-token"
    assert SEED not in json.dumps(result)


def test_a_pending_enrolment_returns_its_token_only_to_a_task_with_no_log():
    action = ScriptedAction(probe=dict(ISSUED), issue=dict(ISSUED))
    result = enrol(action, verify=False)
    assert result["failed"] and steps(action) == []
    assert result["msg"].startswith("This task's result would hold the enrollment_token of the pending enrolment")
    assert "Add 'no_log: true' to the task" in result["msg"]


@pytest.mark.parametrize("args, words", [
    ({"vault_path": None}, "secret_destination=vault needs vault_path"),
    ({"recreate": True}, "recreate=true cannot keep the new secret in Vault"),
    ({"qr_code_path": "/srv/mfa/q.png"}, "qr_code_path only applies to secret_destination=result"),
    ({"secret_directory": "/srv/mfa"}, "secret_directory only applies to secret_destination=directory"),
    ({"vault_options": "http://vault"}, "vault_options must be a dict"),
])
def test_bad_options_stop_before_any_step(args, words):
    action = ScriptedAction()
    assert words in enrol(action, **args)["msg"]
    assert action.calls == []


def test_reason_prefers_the_message_then_the_exception_then_the_last_traceback_line():
    assert reason({"msg": "Invalid Vault Token Specified."}) == "Invalid Vault Token Specified"
    summary = SimpleNamespace(event=SimpleNamespace(msg="HTTPConnectionPool(host='127.0.0.1', port=9): refused"))
    assert reason({"failed": True, "exception": summary}) == "HTTPConnectionPool(host='127.0.0.1', port=9): refused"
    assert reason({"msg": "MODULE FAILURE", "exception": "Traceback\n  x\nValueError: bad\n"}) == "ValueError: bad"


def test_the_user_name_shows_in_the_vault_path_but_a_secret_in_it_stays_masked():
    data = {"user": "ops1", "secret_key": SEED, "scratch_codes": ["11111111"]}
    masked = "Permission denied writing to 'veeam/vbgc/********'"
    assert MFA_ACTION.shown_path(masked, "veeam/vbgc/ops1", "ops1", data) == "Permission denied writing to 'veeam/vbgc/ops1'"
    in_path = "veeam/vbgc/11111111/ops1"
    assert MFA_ACTION.shown_path("to '%s'" % in_path.replace("ops1", "********").replace("11111111", "********"), in_path,
                                 "ops1", data) == "to 'veeam/vbgc/********/********'"


def test_an_injected_approle_logs_in_unless_the_task_names_a_login():
    environ = {"VEEAM_VAULT_ROLE_ID": "role-1", "VEEAM_VAULT_SECRET_ID": "secret-1"}
    assert MFA_ACTION.login_options({"url": "https://vault"}, environ) == {
        "url": "https://vault", "auth_method": "approle", "role_id": "role-1", "secret_id": "secret-1"}
    assert MFA_ACTION.login_options(None, {}) == {}
    assert MFA_ACTION.login_options({"token": "t"}, environ) == {"token": "t"}
    assert MFA_ACTION.login_options({"auth_method": "userpass"}, environ) == {"auth_method": "userpass"}
    assert MFA_ACTION.login_options({}, {"VEEAM_VAULT_ROLE_ID": "", "VEEAM_VAULT_SECRET_ID": ""}) == {}
