# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the VBGC tests: the scripted appliance's paths and bodies, and how to run a veeam_gcp_* module or build
a client against it."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import ConnectionOptions
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module

TOKEN = "/api/v1/token"
USERS = "/api/v1/users"
ROLES = "/api/v1/users/roles"
ADMIN_ROLE = {"id": "7f2c1a4e-0000-0000-0000-000000000001", "name": "Portal Administrator"}
OPERATOR_ROLE = {"id": "7f2c1a4e-0000-0000-0000-000000000002", "name": "Portal Operator"}
RESTORE_ROLE = {"id": "7f2c1a4e-0000-0000-0000-000000000003", "name": "Restore Operator"}
ALL_ROLES = [ADMIN_ROLE, OPERATOR_ROLE, RESTORE_ROLE]
MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"
TOKEN_BODY = {"access_token": "minted-at", "token_type": "bearer", "refresh_token": "minted-rt", "expires_in": 900}


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


def user_body(name="ops1", roles=(OPERATOR_ROLE,), **fields):
    return dict({"name": name, "description": "", "mfaEnabled": False, "type": "Regular", "roles": list(roles)}, **fields)


def api_calls(server):
    """(method, path) of every request that is not a login or logout."""
    return [(call["method"], call["path"]) for call in server.calls() if call["path"] != TOKEN]


def run_vbgc_module(module, server, check_mode=False, diff=True, credentials=False, no_log=False, **options):
    """Run a veeam_gcp_* module against the scripted server."""
    return run_module(module, connection_args(server, credentials=credentials, **options), check_mode=check_mode, diff=diff,
                      no_log=no_log)


# The scripted server speaks plain HTTP, which the server fixture allows; test_http.py tests that warning.
PLAIN_HTTP_WARNING = "allow_plain_http is true"


def warning_texts(result):
    """The warnings of a module result, as text (ansible-core 2.19+ wraps each in an event), but the plain-HTTP one."""
    texts = [item["event"]["msg"] if isinstance(item, dict) else item for item in result.get("warnings", [])]
    return [text for text in texts if not text.startswith(PLAIN_HTTP_WARNING)]


def new_client(server, warnings=None, **params):
    values = {"server": server.url, "port": 13140, "validate_certs": True, "ca_path": None, "timeout": 5,
              "auth_username": None, "auth_password": None, "auth_token": None, "api_version": "1.4-rev0",
              "auth_mfa_secret": None, "allow_plain_http": True}
    values.update(params)
    return ConnectionOptions(VBGCClient).build_client(values, warn=None if warnings is None else warnings.append)
