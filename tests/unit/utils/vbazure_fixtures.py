# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the VBAzure tests: the scripted appliance's paths and bodies, and how to run a veeam_azure_* module."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module

TOKEN = "/api/oauth2/token"
USERS = "/api/v8.1/users"
OPS1_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
OPS1 = "%s/%s" % (USERS, OPS1_ID)
MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"
TOKEN_BODY = {"access_token": "minted-at", "token_type": "bearer", "refresh_token": "minted-rt", "expires_in": 900,
              "mfa_enabled": False}


def connection_args(server, credentials=True, **extra):
    """Module arguments for the scripted server: a login with credentials (scripted here) or a given token."""
    args = {"server": server.url, "timeout": 5}
    if credentials:
        args.update(auth_username="admin", auth_password="admin-pw")
        server.add("POST", TOKEN, body=TOKEN_BODY, sticky=True).add("DELETE", TOKEN, status=204, sticky=True)
    else:
        args["auth_token"] = "given-token"
    args.update(extra)
    return args


def user_body(name="ops1", user_id=OPS1_ID, **fields):
    return dict({"id": user_id, "name": name, "description": "night", "role": "PortalOperator", "type": "Internal",
                 "identityProviderEntityId": None, "mfaEnabled": False, "isDefault": False}, **fields)


def page(*users):
    return {"offset": 0, "limit": 100, "totalCount": len(users), "results": list(users)}


def api_calls(server):
    """(method, path) of every request that is not a login or logout."""
    return [(call["method"], call["path"]) for call in server.calls() if call["path"] != TOKEN]


def writes(server):
    return [call for call in api_calls(server) if call[0] != "GET"]


def run_vbazure_module(module, server, check_mode=False, diff=True, credentials=False, no_log=False, **options):
    """Run a veeam_azure_* module against the scripted server."""
    return run_module(module, connection_args(server, credentials=credentials, **options), check_mode=check_mode, diff=diff,
                      no_log=no_log)
