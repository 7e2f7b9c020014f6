# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of veeam_azure_user_mfa drives the Azure module: the module runs for real (in-process) against a
local server scripted as the VBAzure appliance; only community.hashi_vault.vault_kv2_write is scripted here (the order
of the steps in general is test_action_veeam_gcp_user_mfa's)."""

from __future__ import annotations

import json

import pyotp

from ansible_collections.veeam_community.backup.tests.unit.utils.action_fixtures import action_for, load_action_plugin
from ansible_collections.veeam_community.backup.tests.unit.utils.vbazure_fixtures import (
    MFA_SECRET,
    OPS1,
    USERS,
    api_calls,
    connection_args,
    page,
    user_body,
    writes,
)

PLUGIN = load_action_plugin("veeam_azure_user_mfa")
KV2_WRITE = "community.hashi_vault.vault_kv2_write"
AZURE_MODULE = "veeam_community.backup.veeam_azure_user_mfa"
ENROLMENT = {"userId": "x", "qrString": "otpauth://totp/ops1%%40vbazure?secret=%s" % MFA_SECRET, "secretKey": MFA_SECRET,
             "scratchCodes": ["11111111", "22222222"], "token": "enrolment-token"}
VAULT = {"secret_destination": "vault", "vault_path": "veeam/vbazure/ops1",
         "vault_options": {"url": "http://127.0.0.1:8200", "token": "root-token"}}


class ScriptedVault:
    """vault_kv2_write: records what it was asked to write and answers `written` (or `checked` in check mode)."""

    def __init__(self, server, written=None):
        self.server = server
        self.written = written or {"changed": True}
        self.posts_seen = []

    def __call__(self, args, check_mode):
        if check_mode:
            return {"changed": True}
        self.posts_seen.append([path for method, path in writes(self.server)])
        return self.written


def appliance(server, mfa_enabled=False):
    """The scripted appliance: ops1 (MFA as given) on every read, and the two steps of an enrolment."""
    server.add("GET", USERS, body=page(user_body(mfaEnabled=mfa_enabled)), sticky=True)
    server.add("POST", OPS1 + "/enableMfa", body=ENROLMENT).add("POST", OPS1 + "/acceptMfa", status=204)


def run_task(server, vault=None, check_mode=False, no_log=False, **options):
    action = action_for(PLUGIN, "veeam_azure_user_mfa", connection_args(server, credentials=False, name="ops1", **options),
                        check_mode=check_mode, no_log=no_log, **({KV2_WRITE: vault} if vault else {}))
    return action, action.run(task_vars={})


def outcome(result):
    """What the task reports, without its warnings (the server speaks plain HTTP) and invocation (only some
    ansible-core versions return one)."""
    return {key: value for key, value in result.items() if key not in ("warnings", "invocation")}


def modules_run(action):
    return [(name, check_mode) for name, check_mode, _args in action.modules.calls]


def test_the_azure_module_issues_the_secret_vault_keeps_it_then_the_azure_module_accepts_it(server):
    appliance(server)
    vault = ScriptedVault(server)
    action, result = run_task(server, vault, **VAULT)
    assert modules_run(action) == [(AZURE_MODULE, True), (KV2_WRITE, True), (AZURE_MODULE, False), (KV2_WRITE, False),
                                   (AZURE_MODULE, False)]
    assert vault.posts_seen == [[OPS1 + "/enableMfa"]]
    assert writes(server) == [("POST", OPS1 + "/enableMfa"), ("POST", OPS1 + "/acceptMfa")]
    written = action.modules.calls[3][2]
    assert written["path"] == "veeam/vbazure/ops1"
    assert written["data"]["user"] == "ops1" and written["data"]["secret_key"] == MFA_SECRET
    assert written["data"]["scratch_codes"] == ["11111111", "22222222"]
    accepted = server.calls("POST", OPS1 + "/acceptMfa")[0]["json"]
    assert accepted["token"] == "enrolment-token"
    assert pyotp.TOTP(MFA_SECRET).verify(accepted["code"], valid_window=1)
    assert result["changed"] and result["mfa_enabled"]
    for secret in (MFA_SECRET, "11111111", "enrolment-token", "root-token"):
        assert secret not in json.dumps(result)


def test_a_failed_vault_write_leaves_the_enrolment_unaccepted_and_mfa_off(server):
    appliance(server)
    vault = ScriptedVault(server, written={"failed": True, "msg": "Permission denied writing to 'veeam/vbazure/ops1'"})
    action, result = run_task(server, vault, **VAULT)
    assert modules_run(action) == [(AZURE_MODULE, True), (KV2_WRITE, True), (AZURE_MODULE, False), (KV2_WRITE, False)]
    assert writes(server) == [("POST", OPS1 + "/enableMfa")]
    assert result["failed"] and not result.get("mfa_enabled")
    assert result["msg"].startswith("MFA secret issued, but writing it to secret_destination=vault (vault_path="
                                    "veeam/vbazure/ops1, vault_mount_point=secret) failed: Permission denied")
    assert "MFA of ops1 is as it was" in result["msg"]


def test_check_mode_asks_the_azure_module_and_vault_and_writes_nothing(server):
    appliance(server)
    action, result = run_task(server, ScriptedVault(server), check_mode=True, **VAULT)
    assert modules_run(action) == [(AZURE_MODULE, True), (KV2_WRITE, True)]
    assert writes(server) == []
    assert outcome(result) == {"changed": True, "mfa_enabled": True}


def test_enabled_mfa_is_left_alone_without_asking_vault(server):
    appliance(server, mfa_enabled=True)
    action, result = run_task(server, ScriptedVault(server), **VAULT)
    assert modules_run(action) == [(AZURE_MODULE, True)]
    assert api_calls(server) == [("GET", USERS)]
    assert outcome(result) == {"changed": False, "mfa_enabled": True}


def test_other_destinations_go_to_the_azure_module_in_one_run(server):
    appliance(server)
    action, result = run_task(server, no_log=True)
    assert modules_run(action) == [(AZURE_MODULE, False)]
    assert writes(server) == [("POST", OPS1 + "/enableMfa"), ("POST", OPS1 + "/acceptMfa")]
    assert result["changed"] and result["mfa_enabled"] and result["secret_key"] == MFA_SECRET


def test_a_task_without_no_log_whose_result_would_hold_the_secret_sends_nothing(server):
    appliance(server)
    action, result = run_task(server)
    assert result["failed"] and "no_log: true" in result["msg"] and "secret_destination=directory or vault" in result["msg"]
    assert server.calls() == []


def test_a_missing_vault_path_is_asked_for_with_an_example_of_this_product(server):
    options = {key: value for key, value in VAULT.items() if key != "vault_path"}
    _action, result = run_task(server, no_log=True, **options)
    assert result["failed"] and writes(server) == []
    assert result["msg"].endswith("(for example veeam/vbazure/NAME).")
