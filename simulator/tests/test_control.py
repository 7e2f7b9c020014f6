"""The /_simulator/ control API: reset, config, seed, journal, tokens, test hooks."""

import json

import pyotp
import pytest
from test_vb365_accounts import create

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"


def test_health_on_both_ports(sim):
    for base in ("vb365_url", "vbgc_url"):
        assert sim.control("GET", "/health", base=base).json() == {"status": "ok"}


def test_both_ports_share_one_state(sim, vb365_token):
    create(sim, vb365_token)
    sim.control("PUT", "/config", base="vbgc_url", json={"password_min_length": 3})
    assert sim.control("GET", "/config").json()["password_min_length"] == 3
    assert len(sim.control("GET", "/journal", base="vbgc_url").json()["entries"]) == 2


def test_reset_restores_the_initial_state(sim, vb365_token, vbgc_token):
    create(sim, vb365_token)
    sim.seed(vbgc_users=[{"name": "ops1", "password": "x", "roles": ["Portal Operator"]}])
    sim.control("PUT", "/config", json={"vb365_token_lifetime": 5})
    sim.control("POST", "/faults", json={"path": "/nothing", "status": 500})
    assert sim.control("POST", "/reset").status_code == 204
    assert sim.control("GET", "/journal").json()["entries"] == []
    assert sim.control("GET", "/faults").json()["faults"] == []
    assert sim.control("GET", "/config").json()["vb365_token_lifetime"] == 3600
    assert sim.vb365("GET", "/v8/Accounts", vb365_token).status_code == 401
    assert sim.vbgc("GET", "/api/v1/users", vbgc_token).status_code == 401
    assert sim.vb365("GET", "/v8/Accounts", sim.vb365_login()).json() == []
    assert [user["name"] for user in sim.vbgc("GET", "/api/v1/users", sim.vbgc_login()).json()["data"]] == ["admin"]


def test_config_get_and_merge(sim):
    config = sim.control("GET", "/config").json()
    assert config == {"vb365_token_lifetime": 3600, "vb365_refresh_lifetime": 1209600, "vbgc_token_lifetime": 900,
                      "vbgc_refresh_lifetime": 1209600, "vbgc_short_refresh_lifetime": 3600,
                      "mfa_token_lifetime": 300, "lowercase_rule": ["azureBlobAccount"], "password_min_length": 8,
                      "accepted_api_versions": ["1.1-rev0", "1.2-rev0", "1.3-rev0", "1.4-rev0"],
                      "vb365_put": "merge", "vbazure_token_lifetime": 3600, "vbazure_refresh_lifetime": 1209600,
                      "vbazure_short_refresh_lifetime": 3600, "vbazure_password_min_length": 8,
                      "lenient_requests": False}
    merged = sim.control("PUT", "/config", json={"lowercase_rule": "all", "vbgc_token_lifetime": 60}).json()
    assert merged == {**config, "vbgc_token_lifetime": 60,
                      "lowercase_rule": ["azureBlobAccount", "amazonS3Account", "amazonS3CompatibleAccount"]}
    assert sim.control("PUT", "/config", json={"lowercase_rule": "none"}).json()["lowercase_rule"] == []


@pytest.mark.parametrize("change", [{"nope": 1}, {"vb365_token_lifetime": -1}, {"vbgc_token_lifetime": "60"},
                                    {"lowercase_rule": ["azure"]}, {"accepted_api_versions": []},
                                    {"password_min_length": True}])
def test_config_rejects_bad_values(sim, change):
    response = sim.control("PUT", "/config", json=change)
    assert response.status_code == 400
    assert response.json()["error"]


def test_seed_accounts(sim, vb365_token):
    seeded = sim.seed(vb365_accounts=[
        {"accountType": "azureBlobAccount", "userName": "LegacyUpper", "password": "k1", "in_use": True},
        {"accountType": "amazonS3Account", "userName": "AKIA1", "password": "s1", "description": "d",
         "organizationId": "5F0C3B4E-8A51-4F36-9D6A-0C2F7C1E9B11"},
        {"accountType": "amazonS3Account", "userName": "AKIA1", "password": "s2",
         "organizationId": "5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"},
    ])["vb365_accounts"]
    listed = sim.vb365("GET", "/v8/Accounts", vb365_token).json()
    assert [account["id"] for account in listed] == seeded
    assert listed[1]["organizationId"] == "5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"
    assert sim.vb365("DELETE", f"/v8/Accounts/{seeded[0]}", vb365_token).status_code == 409
    assert sim.control("GET", f"/vb365/accounts/{seeded[2]}/secret").json() == {"password": "s2"}


def test_seed_users_with_roles_and_mfa(sim):
    sim.seed(vbgc_users=[{"name": "ops1", "password": "pw", "roles": ["portal operator",
                                                                        "7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c03"],
                          "description": "seeded", "mfa_secret": SECRET}])
    challenge = sim.vbgc_password_grant("ops1", "pw")
    assert challenge.status_code == 202
    login = sim.vbgc("POST", "/api/v1/token", data={"grant_type": "mfa", "mfa_token": challenge.json()["mfa_token"],
                                                    "mfa_code": pyotp.TOTP(SECRET).now()})
    assert login.status_code == 200
    internals = sim.control("GET", "/vbgc/users/ops1").json()
    assert internals["mfa_secret"] == SECRET
    assert internals["pending_mfa"] is None
    assert [role["name"] for role in internals["roles"]] == ["Portal Operator", "Restore Operator"]


@pytest.mark.parametrize("body", [
    {"vbgc_users": [{"name": "admin", "password": "x", "roles": ["Portal Operator"]}]},
    {"vbgc_users": [{"name": "a", "password": "x", "roles": ["Portal Operator"]},
                    {"name": "a", "password": "y", "roles": ["Portal Operator"]}]},
])
def test_seed_refuses_user_clashes(sim, body):
    assert sim.control("POST", "/seed", json=body).status_code == 409


@pytest.mark.parametrize("body", [
    {"vbgc_users": [{"name": "Bad", "password": "x", "roles": ["Portal Operator"]}]},
    {"vbgc_users": [{"name": "a", "password": "x", "roles": ["Janitor"]}]},
    {"vbgc_users": [{"name": "a", "password": "x", "roles": []}]},
    {"vbgc_users": [{"name": "a", "password": "x", "roles": ["Portal Operator"], "mfa_secret": "1!"}]},
    {"vbgc_users": [{"name": "a", "password": "x", "roles": ["Portal Operator"], "colour": "red"}]},
    {"vb365_accounts": [{"accountType": "dropbox", "userName": "a", "password": "x"}]},
    {"vb365_accounts": [{"accountType": "amazonS3Account", "userName": "a"}]},
    {"vb365_accounts": [{"accountType": "amazonS3Account", "userName": "a", "password": "x", "organizationId": "1"}]},
    {"vb365_accounts": {"accountType": "amazonS3Account"}},
    {"vb365": []},
])
def test_seed_validates_and_is_all_or_nothing(sim, body):
    body = {"vb365_accounts": [{"accountType": "amazonS3Account", "userName": "ok", "password": "x"}], **body}
    assert sim.control("POST", "/seed", json=body).status_code == 400
    assert sim.vb365("GET", "/v8/Accounts", sim.vb365_login()).json() == []


def test_journal_records_names_never_values(sim, vb365_token):
    sim.control("DELETE", "/journal")
    secret_marker = "S3cr3t-Marker"
    create(sim, vb365_token, password=secret_marker)
    sim.vb365("GET", "/v8/Accounts?name=stor*&accountType=azureBlobAccount", vb365_token)
    tokens = sim.vbgc_password_grant(sim.username, sim.password).json()
    sim.vbgc("GET", "/api/v1/users", tokens["access_token"], params={"limit": 5})
    sim.control("GET", "/config")  # control requests are not journaled
    entries = sim.journal()
    assert [(e["api"], e["method"], e["path"], e["status"], e["mutated"], e["kind"]) for e in entries] == [
        ("vb365", "POST", "/v8/Accounts", 201, True, "write"),
        ("vb365", "GET", "/v8/Accounts", 200, False, "read"),
        ("vbgc", "POST", "/api/v1/token", 200, False, "auth"),
        ("vbgc", "GET", "/api/v1/users", 200, False, "read"),
    ]
    assert entries[1]["query"] == ["name", "accountType"]
    assert "authorization" in entries[0]["headers"]
    assert "x-api-version" in entries[3]["headers"]
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    text = json.dumps(entries)
    for value in (secret_marker, vb365_token, tokens["access_token"], tokens["refresh_token"], sim.password, "stor*"):
        assert value not in text
    since = sim.control("GET", f"/journal?since={entries[1]['seq']}").json()["entries"]
    assert since == entries[2:]
    assert sim.control("GET", "/journal?since=x").status_code == 400
    assert sim.control("DELETE", "/journal").status_code == 204
    assert sim.journal() == []


def test_token_issue_and_logout_are_auth_not_mutations(sim):
    sim.control("DELETE", "/journal")
    token = sim.vb365_login()
    sim.vb365("POST", "/v8/token/logout", token)
    assert [(e["kind"], e["mutated"]) for e in sim.journal()] == [("auth", False), ("auth", False)]


def test_account_hooks(sim, vb365_token):
    account = create(sim, vb365_token).json()
    response = sim.control("PUT", f"/vb365/accounts/{account['id']}/in_use", json={"in_use": True})
    assert response.json() == {"id": account["id"], "in_use": True}
    assert sim.control("PUT", f"/vb365/accounts/{account['id']}/in_use", json={"in_use": "x"}).status_code == 400
    missing = "00000000-0000-0000-0000-000000000001"
    assert sim.control("GET", f"/vb365/accounts/{missing}/secret").status_code == 404
    assert sim.control("GET", "/vb365/accounts/nope/secret").status_code == 400


def test_user_hooks(sim):
    internals = sim.control("GET", "/vbgc/users/admin").json()
    assert internals["default_admin"] is True
    assert internals["type"] == "DefaultAdmin"
    assert internals["mfa_secret"] is None
    assert sim.control("POST", "/vbgc/users/admin/check_password", json={"password": sim.password}).json() == {
        "valid": True}
    assert sim.control("POST", "/vbgc/users/admin/check_password", json={"password": "x"}).json() == {"valid": False}
    assert sim.control("GET", "/vbgc/users/nobody").status_code == 404


def test_tokens_expire_validates_api(sim):
    assert sim.control("POST", "/tokens/expire", json={"api": "mars"}).status_code == 400


def test_unknown_control_path(sim):
    assert sim.control("GET", "/nothing").status_code == 404
    assert sim.control("DELETE", "/config").status_code == 405
