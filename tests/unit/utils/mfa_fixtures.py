# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the veeam_gcp_user_mfa tests: the scripted enrolment and how to run the module against it."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.modules import veeam_gcp_user_mfa
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    MFA_SECRET,
    USERS,
    api_calls,
    run_vbgc_module,
    user_body,
)

OPS1 = USERS + "/ops1"
ENROLMENT = {"qrString": "otpauth://totp/ops1@vbgc?secret=%s&issuer=vbgc" % MFA_SECRET, "secretKey": MFA_SECRET,
             "scratchCodes": ["11111111", "22222222"], "token": "enrolment-token"}
SECRETS_RETURNED = {"secret_key": MFA_SECRET, "qr_string": ENROLMENT["qrString"], "scratch_codes": ENROLMENT["scratchCodes"],
                    "enrollment_token": "enrolment-token"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(server, no_log=True, **options):
    """Run veeam_gcp_user_mfa for ops1, as a task with no_log unless told otherwise (its result may hold a secret)."""
    return run_vbgc_module(veeam_gcp_user_mfa, server, name="ops1", no_log=no_log, **options)


def script_user(server, enabled):
    server.add("GET", OPS1, body=user_body(mfaEnabled=enabled))


def script_enrolment(server, accept=True):
    server.add("POST", OPS1 + "/mfaEnable", body={"response": ENROLMENT, "issues": []})
    if accept:
        server.add("POST", OPS1 + "/mfaAccepted", status=201, body={"success": True, "issues": []})


def writes(server):
    return [call for call in api_calls(server) if call[0] != "GET"]
