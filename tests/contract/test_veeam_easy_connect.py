"""veeam-easy-connect logging in to both APIs, a VBGC user with MFA included.

The client builds https://ADDRESS:PORT/... URLs from a per-product table and calls requests.post itself, so
its VB365 token answer is validated from the response it keeps (vec.response)."""

import json

import pyotp
from veeam_easy_connect import VeeamEasyConnect

VBGC_API_VERSION = "1.4-rev0"
MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def connect(sim, api, username, password):
    vec = VeeamEasyConnect(username, password, verify=sim.ca_path)
    host, port = sim.host_and_port(api)
    if api == "vb365":
        vec.o365()
        # Client limitation: its o365 entry hard-codes the v6 token path (":4443/v6/Token"); VB365 v8 is /v8/token.
        vec.url_end = f":{port}/v8/token"
        vec.api_version = "v8"
    else:
        vec.gcp()
        vec.update_port(str(port))
        # Client limitation: its gcp entry sends x-api-version 1.0-rev0, which a VBGC 1.4 server does not accept,
        # and update_api_version() also writes the header value into the URL path segment ("v1"); restore it.
        vec.update_api_version(VBGC_API_VERSION)
        vec.api_version = "v1"
    return vec, host


def test_vb365_login_and_a_read(sim, schema_check):
    vec, host = connect(sim, "vb365", sim.username, sim.password)
    vec.login(host)
    schema_check("POST", "/v8/token", vec.response.status_code, vec.response.content)
    assert vec.get_access_token()
    accounts = vec.get("Accounts", full=False)
    schema_check("GET", "/v8/Accounts", 200, json.dumps(accounts).encode())
    assert accounts == []
    assert [(entry["path"], entry["status"]) for entry in sim.journal()] == [("/v8/token", 200), ("/v8/Accounts", 200)]


def test_vbgc_login_and_a_read(sim):
    vec, host = connect(sim, "vbgc", sim.username, sim.password)
    vec.login(host)
    users = vec.get("users", full=False)
    assert sim.username in [user["name"] for user in users["data"]]


def test_vbgc_login_of_an_mfa_user(sim):
    sim.control("POST", "/seed", json={"vbgc_users": [
        {"name": "mfauser", "password": "Mfa-user-pw-1", "roles": ["Portal Administrator"], "mfa_secret": MFA_SECRET}]})
    vec, host = connect(sim, "vbgc", "mfauser", "Mfa-user-pw-1")
    vec.login(host)
    assert vec.response.status_code == 202 and "mfa_token" in vec.get_body_data()
    vec.mfa_token_login(pyotp.TOTP(MFA_SECRET).now())
    assert vec.response.status_code == 200
    assert vec.get_access_token()
    assert vec.get("users/mfauser", full=False)["name"] == "mfauser"
