"""VBAzure /api/oauth2/token: password, MFA and refresh grants, sign-out, lifetimes, 401 without a token."""

import pyotp
import pytest
from conftest import running_simulator
from vbaz_openapi import USERS, Vbaz, problem, totp_now


def test_password_grant_answers_the_documented_login(vbaz, sim):
    body = vbaz.password_grant().json()
    assert (body["token_type"], body["expires_in"], body["shortLived"]) == ("bearer", 3600, False)
    assert (body["username"], body["roleName"], body["userType"], body["mfa_enabled"]) == (
        sim.username, "PortalAdmin", "Internal", False)
    assert body["access_token"] and body["refresh_token"] and "mfa_token" not in body
    admin = vbaz.users(body["access_token"])["results"][0]
    assert (admin["id"], admin["isDefault"]) == (body["userId"], True)


@pytest.mark.parametrize("grant", ["Password", "password", "PASSWORD"])
def test_grant_type_and_field_names_in_any_case(vbaz, sim, grant):
    response = vbaz.grant(grant_type=grant, Username=sim.username, Password=sim.password)
    assert response.status_code == 200


@pytest.mark.parametrize(("username", "password"), [("admin", "wrong-password"), ("nobody", "whatever1")])
def test_bad_credentials_401(vbaz, username, password):
    body = problem(vbaz.password_grant(username, password), 401)
    assert "incorrect" in body["detail"]


@pytest.mark.parametrize(("form", "field"), [
    ({"grant_type": "Saml", "saml_response": "x"}, "grant_type"),
    ({"grant_type": "Password", "username": "admin"}, "password"),
    ({"username": "admin", "password": "x"}, "grant_type"),
    ({"grant_type": "Mfa", "mfa_token": "x"}, "mfa_code"),
    ({"grant_type": "Refresh_token"}, "refresh_token"),
])
def test_bad_token_requests_400_name_the_field(vbaz, form, field):
    problem(vbaz.grant(**form), 400, field)


def test_token_request_must_be_a_form(vbaz, sim):
    response = vbaz.call("POST", "/api/oauth2/token", json={"grant_type": "Password", "username": sim.username,
                                                             "password": sim.password})
    problem(response, 400)


def test_refresh_token_is_single_use(vbaz):
    first = vbaz.password_grant().json()
    renewed = vbaz.grant(grant_type="Refresh_token", refresh_token=first["refresh_token"])
    assert renewed.status_code == 200
    assert renewed.json()["access_token"] != first["access_token"]
    problem(vbaz.grant(grant_type="Refresh_token", refresh_token=first["refresh_token"]), 401)
    assert vbaz.users(renewed.json()["access_token"])["totalCount"] == 1


def test_short_lived_refresh_token_is_kept_on_refresh(vbaz, sim):
    first = vbaz.password_grant(short_lived_refresh_token="true").json()
    assert first["shortLived"] is True
    renewed = vbaz.grant(grant_type="Refresh_token", refresh_token=first["refresh_token"]).json()
    assert renewed["shortLived"] is True
    problem(vbaz.password_grant(short_lived_refresh_token="maybe"), 400)


def test_sign_out_revokes_the_token(vbaz):
    token = vbaz.login()
    assert vbaz.call("DELETE", "/api/oauth2/token", token).status_code == 204
    problem(vbaz.call("GET", USERS, token), 401)
    problem(vbaz.call("DELETE", "/api/oauth2/token", token), 401)


@pytest.mark.parametrize(("method", "path"), [
    ("GET", USERS), ("POST", USERS), ("GET", f"{USERS}/x"), ("PUT", f"{USERS}/x"), ("DELETE", f"{USERS}/x"),
    ("POST", f"{USERS}/x/changePassword"), ("POST", f"{USERS}/x/enableMfa"), ("POST", f"{USERS}/x/acceptMfa"),
    ("POST", f"{USERS}/x/disableMfa"), ("POST", f"{USERS}/changePassword"), ("DELETE", "/api/oauth2/token"),
])
def test_401_without_a_token(vbaz, method, path):
    response = vbaz.call(method, path, json={})
    problem(response, 401)
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_other_apis_tokens_and_expired_tokens_are_refused(vbaz, sim):
    problem(vbaz.call("GET", USERS, sim.vbgc_login()), 401)
    token = vbaz.login()
    assert sim.control("POST", "/tokens/expire", json={"api": "vbazure"}).status_code == 204
    assert "expired" in problem(vbaz.call("GET", USERS, token), 401)["detail"]


def test_mfa_login_answers_an_mfa_token_then_the_mfa_grant_signs_in(vbaz, admin_token):
    user = vbaz.create(admin_token, "mfa1")
    secret = vbaz.enrol(admin_token, user["id"])["secretKey"]
    challenge = vbaz.password_grant("mfa1", "Azure#Pass1").json()
    assert challenge["mfa_enabled"] is True and challenge["expires_in"] == 0
    assert "access_token" not in challenge and "refresh_token" not in challenge
    assert challenge["userId"] == user["id"]
    wrong = f"{(int(totp_now(secret)) + 1) % 10 ** 6:06d}"
    problem(vbaz.grant(grant_type="Mfa", mfa_token=challenge["mfa_token"], mfa_code=wrong), 401)
    signed_in = vbaz.grant(grant_type="Mfa", mfa_token=challenge["mfa_token"], mfa_code=totp_now(secret))
    assert signed_in.status_code == 200, signed_in.text
    assert (signed_in.json()["username"], signed_in.json()["mfa_enabled"]) == ("mfa1", True)
    problem(vbaz.grant(grant_type="Mfa", mfa_token=challenge["mfa_token"], mfa_code=totp_now(secret)), 401)


def test_a_scratch_code_signs_in_once(vbaz, admin_token):
    user = vbaz.create(admin_token, "mfa2")
    scratch = vbaz.enrol(admin_token, user["id"])["scratchCodes"][0]
    for expected in (200, 401):
        challenge = vbaz.password_grant("mfa2", "Azure#Pass1").json()["mfa_token"]
        assert vbaz.grant(grant_type="Mfa", mfa_token=challenge, mfa_code=scratch).status_code == expected


def test_mfa_tokens_do_not_cross_apis(vbaz, sim, admin_token):
    sim.seed(vbgc_users=[{"name": "gc1", "password": "pw-gc1-long", "roles": ["Portal Operator"],
                          "mfa_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEH"}])
    vbgc_challenge = sim.vbgc_password_grant("gc1", "pw-gc1-long").json()["mfa_token"]
    response = vbaz.grant(grant_type="Mfa", mfa_token=vbgc_challenge, mfa_code=pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEH").now())
    problem(response, 401)


def test_token_lifetime_option():
    with running_simulator("--vbazure-token-lifetime", "120") as configured:
        assert Vbaz(configured).password_grant().json()["expires_in"] == 120
        assert configured.control("GET", "/config").json()["vbazure_token_lifetime"] == 120


def test_journal_records_vbazure_requests(vbaz, sim, admin_token):
    vbaz.create(admin_token, "journal1")
    entries = [entry for entry in sim.journal() if entry["api"] == "vbazure"]
    assert [(e["method"], e["path"], e["status"], e["mutated"], e["kind"]) for e in entries] == [
        ("POST", "/api/oauth2/token", 200, False, "auth"), ("POST", USERS, 201, True, "write")]
