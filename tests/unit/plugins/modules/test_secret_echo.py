# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A server that echoes a secret in its error answer: the module's failure never shows it.

Each case scripts one API client path (login, MFA login, create, password change, MFA confirmation, a call with a
minted token) to fail with every secret of the exchange inside the error body. Secrets the task was given are
also masked by Ansible itself (no_log options), so the cases that matter most echo secrets the module obtained on
its own: tokens it minted, the MFA challenge, the issued MFA secret and enrolment token.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.modules import (
    veeam_gcp_login,
    veeam_gcp_user,
    veeam_gcp_user_mfa,
    veeam_m365_account,
    veeam_m365_login,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    ALL_ROLES,
    MFA_SECRET,
    ROLES,
    TOKEN,
    USERS,
    user_body,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module

ADMIN_PASSWORD = "Adm1n&pass+word="
NEW_PASSWORD = "N3w&user+pass="
OLD_PASSWORD = "0ld&user+pass="
MINTED = {"access_token": "minted-access-4f1c9a", "refresh_token": "minted-refresh-77b2e0", "expires_in": 900}
MFA_CHALLENGE = "mfa-challenge-9c2d11"
ENROLMENT_TOKEN = "enrolment-token-51ad3e"
SECRET_KEY = "ISSUEDSECRETKEY234567ABCDEFGHIJK"
VB365_KEY = "Sh4red&key+value=="
ACCOUNT_ID = "8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a"
OPS1 = USERS + "/ops1"


def vbgc_refusal(*secrets):
    """A VBGC problem body whose every text echoes the secrets."""
    echo = "echo: %s" % " ".join(secrets)
    return {"type": "about:blank", "title": "Bad Request " + echo, "status": 400, "errorCode": "UnexpectedContent",
            "details": "refused, " + echo}


def vb365_refusal(*secrets):
    return {"message": "refused, echo: %s" % " ".join(secrets), "errorCode": "ParameterValidationFailure",
            "stackTrace": None}


def login_vbgc(server):
    server.add("POST", TOKEN, body=MINTED).add("DELETE", TOKEN, status=204, sticky=True)


def login_vb365(server):
    server.add("POST", "/v8/token", body=MINTED).add("POST", "/v8/token/logout", status=204, sticky=True)


def script_vbgc_login(server):
    server.add("POST", TOKEN, status=401, body=vbgc_refusal(ADMIN_PASSWORD))
    return veeam_gcp_login, {}, [ADMIN_PASSWORD]


def script_vbgc_mfa_login(server):
    server.add("POST", TOKEN, status=202, body={"mfa_token": MFA_CHALLENGE})
    server.add("POST", TOKEN, status=401, body=vbgc_refusal(MFA_CHALLENGE, MFA_SECRET))
    return veeam_gcp_login, {"auth_mfa_secret": MFA_SECRET}, [MFA_CHALLENGE, MFA_SECRET]


def script_vbgc_create(server):
    login_vbgc(server)
    server.add("GET", OPS1, status=404, sticky=True).add("GET", ROLES, body=ALL_ROLES)  # read again after the refusal
    server.add("POST", USERS, status=400, body=vbgc_refusal(NEW_PASSWORD, MINTED["access_token"]))
    options = {"name": "ops1", "roles": ["Portal Operator"], "password": NEW_PASSWORD}
    return veeam_gcp_user, options, [NEW_PASSWORD, MINTED["access_token"]]


def script_vbgc_change_password(server):
    login_vbgc(server)
    server.add("GET", OPS1, body=user_body())
    server.add("POST", TOKEN, status=401, body=vbgc_refusal(NEW_PASSWORD))  # the new password does not work yet
    server.add("POST", OPS1 + "/changePassword", status=400, body=vbgc_refusal(NEW_PASSWORD, OLD_PASSWORD))
    options = {"name": "ops1", "password": NEW_PASSWORD, "old_password": OLD_PASSWORD, "update_password": "always"}
    return veeam_gcp_user, options, [NEW_PASSWORD, OLD_PASSWORD]


def script_vbgc_mfa_accepted(server):
    login_vbgc(server)
    server.add("GET", OPS1, body=user_body())
    server.add("POST", OPS1 + "/mfaEnable", body={"response": {
        "secretKey": SECRET_KEY, "token": ENROLMENT_TOKEN, "scratchCodes": ["12345678"],
        "qrString": "otpauth://totp/ops1?secret=" + SECRET_KEY}, "issues": []})
    server.add("POST", OPS1 + "/mfaAccepted", status=400, body=vbgc_refusal(SECRET_KEY, ENROLMENT_TOKEN))
    return veeam_gcp_user_mfa, {"name": "ops1"}, [SECRET_KEY, ENROLMENT_TOKEN]


def script_vbgc_call_with_minted_token(server):
    login_vbgc(server)
    server.add("GET", OPS1, status=500, body=vbgc_refusal("Bearer " + MINTED["access_token"], MINTED["refresh_token"]))
    return veeam_gcp_user, {"name": "ops1"}, [MINTED["access_token"], MINTED["refresh_token"]]


def script_vb365_login(server):
    server.add("POST", "/v8/token", status=400, body=vb365_refusal(ADMIN_PASSWORD))
    return veeam_m365_login, {}, [ADMIN_PASSWORD]


def script_vb365_create(server):
    login_vb365(server)
    server.add("GET", "/v8/Accounts", body=[], sticky=True)  # read again after the refusal: no account appeared
    server.add("POST", "/v8/Accounts", status=400, body=vb365_refusal(VB365_KEY, MINTED["access_token"]))
    options = {"account_type": "amazon_s3", "user_name": "AKIAKEY", "password": VB365_KEY}
    return veeam_m365_account, options, [VB365_KEY, MINTED["access_token"]]


def script_vb365_rotate(server):
    login_vb365(server)
    account = {"id": ACCOUNT_ID, "accountType": "amazonS3Account", "userName": "AKIAKEY", "description": "", "organizationId": None}
    server.add("GET", "/v8/Accounts", body=[account])
    server.add("PUT", "/v8/Accounts/" + ACCOUNT_ID, status=400, body=vb365_refusal(VB365_KEY))
    options = {"account_type": "amazon_s3", "user_name": "AKIAKEY", "password": VB365_KEY, "update_password": "always"}
    return veeam_m365_account, options, [VB365_KEY]


@pytest.mark.parametrize("script", [
    script_vbgc_login, script_vbgc_mfa_login, script_vbgc_create, script_vbgc_change_password, script_vbgc_mfa_accepted,
    script_vbgc_call_with_minted_token, script_vb365_login, script_vb365_create, script_vb365_rotate,
], ids=lambda script: script.__name__[len("script_"):])
def test_a_secret_echoed_in_an_error_answer_is_masked(server, script):
    module, options, secrets = script(server)
    args = dict({"server": server.url, "timeout": 5, "auth_username": "admin", "auth_password": ADMIN_PASSWORD}, **options)
    # no_log as the login and MFA modules require it; a failure's msg is shown by Ansible even so.
    result = run_module(module, args, no_log=True)
    assert result["failed"]
    assert "refused" in result["msg"] or "echo" in result["msg"]  # the server's text is shown ...
    assert MASK in result["msg"]  # ... with the secrets masked
    text = json.dumps(result)
    for secret in secrets:
        assert secret not in text
