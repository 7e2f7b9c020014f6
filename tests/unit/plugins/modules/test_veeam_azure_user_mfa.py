# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_azure_user_mfa against a real local HTTP server scripted as the VBAzure appliance."""

from __future__ import annotations

import json
import os
import stat

import pyotp

from ansible_collections.veeam_community.backup.plugins.modules import veeam_azure_user_mfa
from ansible_collections.veeam_community.backup.tests.unit.utils.vbazure_fixtures import (
    MFA_SECRET,
    OPS1,
    USERS,
    page,
    run_vbazure_module,
    user_body,
    writes,
)

ENROLMENT = {"userId": "x", "qrString": "otpauth://totp/ops1%%40vbazure?secret=%s" % MFA_SECRET, "secretKey": MFA_SECRET,
             "scratchCodes": ["11111111", "22222222"], "token": "enrolment-token"}


def run(server, no_log=True, **options):
    return run_vbazure_module(veeam_azure_user_mfa, server, name="ops1", no_log=no_log, **options)


def test_unattended_enrolment_accepts_the_current_code(server):
    server.add("GET", USERS, body=page(user_body()))
    server.add("POST", OPS1 + "/enableMfa", body=ENROLMENT).add("POST", OPS1 + "/acceptMfa", status=204)
    result = run(server)
    assert result["changed"] and result["mfa_enabled"]
    assert result["secret_key"] == MFA_SECRET
    assert server.calls("POST", OPS1 + "/enableMfa")[0]["json"] == {"recreate": False}
    accepted = server.calls("POST", OPS1 + "/acceptMfa")[0]["json"]
    assert accepted["token"] == "enrolment-token"
    assert pyotp.TOTP(MFA_SECRET).verify(accepted["code"], valid_window=1)


def test_enabled_mfa_is_left_alone_and_check_mode_writes_nothing(server):
    server.add("GET", USERS, body=page(user_body(mfaEnabled=True)))
    assert not run(server)["changed"]
    server.add("GET", USERS, body=page(user_body()))
    result = run(server, check_mode=True)
    assert result["changed"] and result["mfa_enabled"]
    assert writes(server) == []


def test_a_person_gets_a_pending_enrolment_and_finishes_it_with_a_code(server):
    server.add("GET", USERS, body=page(user_body())).add("POST", OPS1 + "/enableMfa", body=ENROLMENT)
    issued = run(server, verify=False)
    assert issued["changed"] and not issued["mfa_enabled"]
    assert issued["enrollment_token"] == "enrolment-token"
    server.add("GET", USERS, body=page(user_body())).add("POST", OPS1 + "/acceptMfa", status=204)
    finished = run(server, code="123456", enrollment_token="enrolment-token")
    assert finished["changed"] and finished["mfa_enabled"]
    assert server.calls("POST", OPS1 + "/acceptMfa")[0]["json"] == {"code": "123456", "token": "enrolment-token"}


def test_directory_destination_writes_private_files_and_returns_no_secret(server, tmp_path):
    server.add("GET", USERS, body=page(user_body()))
    server.add("POST", OPS1 + "/enableMfa", body=ENROLMENT).add("POST", OPS1 + "/acceptMfa", status=204)
    directory = tmp_path / "mfa"
    result = run(server, secret_destination="directory", secret_directory=str(directory))
    assert result["changed"]
    assert MFA_SECRET not in json.dumps(result)
    secret_file = directory / "ops1.secret.txt"
    assert MFA_SECRET in secret_file.read_text()
    assert stat.S_IMODE(os.stat(secret_file).st_mode) == 0o600


def test_disable_posts_disable_mfa_once(server):
    server.add("GET", USERS, body=page(user_body(mfaEnabled=True))).add("POST", OPS1 + "/disableMfa", status=204)
    assert run(server, state="disabled")["changed"]
    server.add("GET", USERS, body=page(user_body()))
    assert not run(server, state="disabled")["changed"]
    assert writes(server) == [("POST", OPS1 + "/disableMfa")]


def test_a_missing_user_names_the_azure_user_module(server):
    server.add("GET", USERS, body=page())
    result = run(server)
    assert result["failed"]
    assert "veeam_azure_user first" in result["msg"]
