"""VBAzure MFA: enableMfa -> acceptMfa with a real TOTP code -> disableMfa, recreate, the control API's seed."""

import re

import pyotp
import pytest
from vbaz_openapi import PASSWORD, USERS, problem, totp_now


@pytest.fixture
def user(vbaz, admin_token):
    return vbaz.create(admin_token)


def enable(vbaz, token, user_id, recreate=None):
    body = {} if recreate is None else {"recreate": recreate}
    return vbaz.call("POST", f"{USERS}/{user_id}/enableMfa", token, json=body)


def test_enable_answers_the_secret_qr_string_and_scratch_codes(vbaz, admin_token, user):
    response = enable(vbaz, admin_token, user["id"], False)
    assert response.status_code == 200
    enrolment = response.json()
    assert enrolment["userId"] == user["id"]
    assert re.fullmatch(r"[A-Z2-7]{26}", enrolment["secretKey"])
    assert pyotp.parse_uri(enrolment["qrString"]).secret == enrolment["secretKey"]
    assert enrolment["qrString"].startswith("otpauth://totp/ops1%40vbazure-simulator?")
    assert len(enrolment["scratchCodes"]) == 5 and all(re.fullmatch(r"\d{8}", c) for c in enrolment["scratchCodes"])
    assert enrolment["token"]


def test_enable_accept_disable(vbaz, sim, admin_token, user):
    path = f"{USERS}/{user['id']}"
    enrolment = enable(vbaz, admin_token, user["id"]).json()  # recreate left out: false
    assert vbaz.call("GET", path, admin_token).json()["mfaEnabled"] is False  # pending until accepted
    assert "access_token" in vbaz.password_grant("ops1", PASSWORD).json()
    accepted = vbaz.call("POST", f"{path}/acceptMfa", admin_token,
                         json={"code": totp_now(enrolment["secretKey"]), "token": enrolment["token"]})
    assert accepted.status_code == 204
    assert vbaz.call("GET", path, admin_token).json()["mfaEnabled"] is True
    assert sim.control("GET", "/vbazure/users/ops1").json()["mfa_secret"] == enrolment["secretKey"]
    assert "mfa_token" in vbaz.password_grant("ops1", PASSWORD).json()
    assert vbaz.call("POST", f"{path}/disableMfa", admin_token).status_code == 204
    assert vbaz.call("GET", path, admin_token).json()["mfaEnabled"] is False
    assert "access_token" in vbaz.password_grant("ops1", PASSWORD).json()
    sim.control("DELETE", "/journal")
    assert vbaz.call("POST", f"{path}/disableMfa", admin_token).status_code == 204  # already off: no change
    assert [entry["mutated"] for entry in sim.journal()] == [False]


def test_accept_refuses_a_wrong_token_or_code(vbaz, admin_token, user):
    path = f"{USERS}/{user['id']}/acceptMfa"
    enrolment = enable(vbaz, admin_token, user["id"], False).json()
    problem(vbaz.call("POST", path, admin_token, json={"code": "123456", "token": "not-the-token"}), 400, "token")
    wrong = f"{(int(totp_now(enrolment['secretKey'])) + 1) % 10 ** 6:06d}"
    problem(vbaz.call("POST", path, admin_token, json={"code": wrong, "token": enrolment["token"]}), 400, "code")
    problem(vbaz.call("POST", path, admin_token, json={"token": enrolment["token"]}), 400, "code")
    assert vbaz.call("GET", f"{USERS}/{user['id']}", admin_token).json()["mfaEnabled"] is False


def test_recreate_replaces_the_secret_once_accepted(vbaz, sim, admin_token, user):
    first = vbaz.enrol(admin_token, user["id"])
    problem(enable(vbaz, admin_token, user["id"], False), 400, "recreate")
    second = enable(vbaz, admin_token, user["id"], True).json()
    assert second["secretKey"] != first["secretKey"]
    assert sim.control("GET", "/vbazure/users/ops1").json()["mfa_secret"] == first["secretKey"]  # until accepted
    vbaz.call("POST", f"{USERS}/{user['id']}/acceptMfa", admin_token,
              json={"code": totp_now(second["secretKey"]), "token": second["token"]})
    assert sim.control("GET", "/vbazure/users/ops1").json()["mfa_secret"] == second["secretKey"]


def test_users_enrol_themselves_but_not_others(vbaz, admin_token, user):
    own = vbaz.login("ops1", PASSWORD)
    assert enable(vbaz, own, user["id"], False).status_code == 200
    admin_id = vbaz.users(admin_token)["results"][0]["id"]
    problem(enable(vbaz, own, admin_id, False), 403)
    problem(enable(vbaz, admin_token, "no-such-user", False), 404)


def test_identity_provider_users_have_no_mfa_here(vbaz, admin_token):
    created = vbaz.call("POST", USERS, admin_token, json={"name": "idp1", "description": "", "role": "ReadOnlyUser",
                                                          "type": "IdentityProvider",
                                                          "identityProviderEntityId": "e1"}).json()
    problem(enable(vbaz, admin_token, created["id"], False), 400)


def test_seeded_users_with_an_mfa_secret_sign_in_with_codes(vbaz, sim):
    secret = pyotp.random_base32()
    seeded = sim.control("POST", "/vbazure/seed", json={"users": [
        {"name": "seeded", "password": "x", "role": "PortalOperator", "mfa_secret": secret},
        {"name": "idp2", "role": "ReadOnlyUser", "type": "IdentityProvider", "identityProviderEntityId": "e2"}]})
    assert seeded.status_code == 200, seeded.text
    challenge = vbaz.password_grant("seeded", "x").json()
    assert challenge["userId"] == seeded.json()["users"]["seeded"]
    signed_in = vbaz.grant(grant_type="Mfa", mfa_token=challenge["mfa_token"], mfa_code=totp_now(secret))
    assert signed_in.status_code == 200
    assert sim.control("POST", "/vbazure/seed", json={"users": [{"name": "SEEDED", "password": "y",
                                                                  "role": "ReadOnlyUser"}]}).status_code == 409
    assert sim.control("POST", "/vbazure/seed", json={"users": [{"name": "r", "password": "y",
                                                                  "role": "Admin"}]}).status_code == 400
    internals = sim.control("GET", f"/vbazure/users/{seeded.json()['users']['idp2']}").json()
    assert (internals["name"], internals["type"], internals["mfa_secret"]) == ("idp2", "IdentityProvider", None)


def test_vbazure_secrets_are_registered_for_the_output_scan(vbaz, sim, admin_token, user):
    enrolment = vbaz.enrol(admin_token, user["id"])
    vbaz.call("POST", f"{USERS}/{user['id']}/changePassword", admin_token,
              json={"newPassword": "Brand#New#Pass", "adminsPassword": sim.password})
    kinds = {entry["value"]: entry["kind"] for entry in sim.control("GET", "/secrets").json()["secrets"]}
    for value in (enrolment["secretKey"], enrolment["token"], enrolment["scratchCodes"][0], "Brand#New#Pass",
                  admin_token):
        assert value in kinds
