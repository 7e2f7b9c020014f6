# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_gcp_user_mfa against a real local HTTP server scripted as the VBGC appliance."""

from __future__ import annotations

import importlib
import json
import os
import stat
import sys

import pyotp
import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core import totp as _totp
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.modules import veeam_gcp_user_mfa
from ansible_collections.veeam_community.backup.tests.unit.utils.mfa_fixtures import (
    ENROLMENT,
    OPS1,
    PNG_SIGNATURE,
    SECRETS_RETURNED,
    run,
    script_enrolment,
    script_user,
    writes,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    MFA_SECRET,
    api_calls,
    run_vbgc_module,
)


# --- input checked before any request ---------------------------------------------------------------

@pytest.mark.parametrize("options, words", [
    ({"state": "disabled", "code": "123456", "enrollment_token": "person-token"}, "code, enrollment_token only apply to state=enabled"),
    ({"state": "disabled", "recreate": True}, "recreate only apply to state=enabled"),
    ({"code": "123456", "enrollment_token": "person-token", "recreate": True}, "give only one of them"),
    ({"recreate": True, "verify": False}, "recreate=true needs verify=true"),
    ({"code": "123456"}, "parameters are required together: code, enrollment_token"),
    ({"qr_code_path": "/nonexistent-dir/qr.png"}, "the directory /nonexistent-dir does not exist"),
])
def test_conflicting_or_bad_options_fail_before_any_request(server, options, words):
    result = run(server, **options)
    assert result["failed"]
    assert words in result["msg"]
    assert server.calls() == []


def test_missing_libraries_are_named_before_any_request(server, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "segno", None)  # what an import of a missing package does
    assert "qr_code_path needs segno" in run(server, verify=False, qr_code_path=str(tmp_path / "qr.png"))["msg"]
    monkeypatch.setattr(_totp, "HAS_PYOTP", False)
    assert "verify=true (computing the code of the new secret) needs pyotp" in run(server)["msg"]
    assert server.calls() == []


def test_disabling_and_pending_enrolment_need_no_pyotp(server, monkeypatch):
    monkeypatch.setattr(_totp, "HAS_PYOTP", False)
    script_user(server, enabled=True)
    server.add("POST", OPS1 + "/mfaDisable", body={"success": True, "issues": []})
    assert run(server, state="disabled")["changed"]
    script_user(server, enabled=False)
    script_enrolment(server, accept=False)
    assert run(server, verify=False)["secret_key"] == MFA_SECRET


def test_bad_name_fails_before_any_request(server):
    result = run_vbgc_module(veeam_gcp_user_mfa, server, name="Ops 1")
    assert "not a valid VBGC user name" in result["msg"]
    assert server.calls() == []


def test_missing_user_is_explained(server):
    server.add("GET", OPS1, status=404)
    result = run(server)
    assert result["msg"] == "name=ops1: the user does not exist; create it with veeam_community.backup.veeam_gcp_user first."


# --- enable -----------------------------------------------------------------------------------------

def test_enable_verifies_the_new_secret_and_returns_it(server):
    script_user(server, enabled=False)
    script_enrolment(server)
    result = run(server)
    assert result["changed"] and result["mfa_enabled"]
    assert {key: result[key] for key in SECRETS_RETURNED} == SECRETS_RETURNED
    enable, accept = server.calls("POST")
    assert enable["json"] == {"recreate": False}
    assert accept["json"]["token"] == "enrolment-token"
    assert pyotp.TOTP(MFA_SECRET).verify(accept["json"]["code"], valid_window=1)
    assert result["diff"] == {"before": {"name": "ops1", "mfaEnabled": False}, "after": {"name": "ops1", "mfaEnabled": True, "secretKey": MASK}}


def test_enabled_already_is_one_request_and_returns_no_secret(server):
    script_user(server, enabled=True)
    result = run(server)
    assert not result["changed"] and result["mfa_enabled"]
    assert not set(SECRETS_RETURNED) & set(result)
    assert len(server.calls()) == 1


def test_recreate_issues_a_new_secret_for_an_enabled_user(server):
    script_user(server, enabled=True)
    script_enrolment(server)
    result = run(server, recreate=True)
    assert result["changed"] and result["mfa_enabled"]
    assert server.calls("POST")[0]["json"] == {"recreate": True}
    assert result["secret_key"] == MFA_SECRET


def test_verify_false_leaves_the_enrolment_pending_for_a_person(server):
    script_user(server, enabled=False)
    script_enrolment(server, accept=False)
    result = run(server, verify=False)
    assert result["changed"] and not result["mfa_enabled"]
    assert result["enrollment_token"] == "enrolment-token"
    assert api_calls(server) == [("GET", OPS1), ("POST", OPS1 + "/mfaEnable")]


def test_enable_in_check_mode_issues_no_secret(server):
    script_user(server, enabled=False)
    result = run(server, check_mode=True)
    assert result["changed"] and result["mfa_enabled"]
    assert not set(SECRETS_RETURNED) & set(result)
    assert writes(server) == []


def test_qr_code_is_written_as_png_with_mode_0600_replacing_a_readable_file(server, tmp_path):
    script_user(server, enabled=False)
    script_enrolment(server, accept=False)
    path = tmp_path / "ops1.png"
    path.write_bytes(b"old")
    path.chmod(0o644)
    old_umask = os.umask(0)
    try:
        result = run(server, verify=False, qr_code_path=str(path))
    finally:
        os.umask(old_umask)
    assert result["changed"]
    assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert os.listdir(tmp_path) == ["ops1.png"]


def test_no_qr_code_is_written_when_no_secret_is_issued(server, tmp_path):
    script_user(server, enabled=True)
    run(server, qr_code_path=str(tmp_path / "qr.png"))
    assert os.listdir(tmp_path) == []


def test_refused_verification_is_explained_without_the_token(server):
    script_user(server, enabled=False)
    server.add("POST", OPS1 + "/mfaEnable", body={"response": ENROLMENT, "issues": []})
    server.add("POST", OPS1 + "/mfaAccepted", status=400, body={"title": "Bad Request", "details": "The verification code is not valid."})
    result = run(server)
    assert result["failed"]
    assert "finishing the MFA enrolment of ops1 was refused: The verification code is not valid." in result["msg"]
    assert "If the user's MFA is enabled now, the appliance did confirm it: run the task again with recreate=true" in result["msg"]
    assert MFA_SECRET not in json.dumps(result)


# --- finish an enrolment a person started ------------------------------------------------------------

def test_code_and_token_finish_a_pending_enrolment(server):
    script_user(server, enabled=False)
    server.add("POST", OPS1 + "/mfaAccepted", status=201, body={"success": True, "issues": []})
    result = run(server, code="654321", enrollment_token="person-token")
    assert result["changed"] and result["mfa_enabled"]
    assert server.calls("POST")[0]["json"] == {"code": "654321", "token": "person-token"}
    assert not set(SECRETS_RETURNED) & set(result)
    assert "secretKey" not in result["diff"]["after"]


def test_code_for_an_enabled_user_changes_nothing(server):
    script_user(server, enabled=True)
    result = run(server, code="654321", enrollment_token="person-token")
    assert not result["changed"]
    assert writes(server) == []


# --- disable ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("enabled", [True, False])
def test_disable_only_when_enabled(server, enabled):
    script_user(server, enabled=enabled)
    server.add("POST", OPS1 + "/mfaDisable", body={"success": True, "issues": []})
    result = run(server, state="disabled")
    assert result["changed"] is enabled
    assert result["mfa_enabled"] is False
    assert len(server.calls("POST")) == int(enabled)


def test_disable_in_check_mode_writes_nothing(server):
    script_user(server, enabled=True)
    result = run(server, state="disabled", check_mode=True)
    assert result["changed"]
    assert writes(server) == []


def test_segno_is_imported_only_for_a_qr_code(server):
    # Reloading runs the module's top-level imports again, now that segno is not loaded.
    sys.modules.pop("segno", None)
    importlib.reload(veeam_gcp_user_mfa)
    script_user(server, enabled=True)
    assert not run(server)["changed"]
    assert "segno" not in sys.modules
