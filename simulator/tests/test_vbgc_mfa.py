"""VBGC MFA: enrolment with real TOTP codes from pyotp, the 202 + mfa grant login, recreate and disable."""

import re
import time

import pyotp
import pytest
from test_vbgc_token import assert_error
from test_vbgc_users import create_user

MFA = "/api/v1/users/ops1"


@pytest.fixture
def user(sim, vbgc_token):
    assert create_user(sim, vbgc_token).status_code == 200
    return "ops1"


def enable(sim, token, recreate=False):
    response = sim.vbgc("POST", f"{MFA}/mfaEnable", token, json={"recreate": recreate})
    assert response.status_code == 200, response.text
    return response.json()["response"]


def accept(sim, token, enrolment, code=None):
    code = code or pyotp.TOTP(enrolment["secretKey"]).now()
    return sim.vbgc("POST", f"{MFA}/mfaAccepted", token, json={"code": code, "token": enrolment["token"]})


def mfa_login(sim, secret):
    challenge = sim.vbgc_password_grant("ops1", "Secret#123")
    assert challenge.status_code == 202
    assert set(challenge.json()) == {"mfa_token"}
    mfa_token = challenge.json()["mfa_token"]
    return mfa_token, sim.vbgc("POST", "/api/v1/token", data={"grant_type": "mfa", "mfa_token": mfa_token,
                                                              "mfa_code": pyotp.TOTP(secret).now()})


def test_enable_response_shape(sim, vbgc_token, user):
    body = sim.vbgc("POST", f"{MFA}/mfaEnable", vbgc_token, json={"recreate": "false"}).json()
    assert body["issues"] == []
    enrolment = body["response"]
    assert re.fullmatch(r"[A-Z2-7]{26}", enrolment["secretKey"])
    assert enrolment["qrString"] == (f"otpauth://totp/ops1@vbgc-simulator?secret={enrolment['secretKey']}"
                                     "&issuer=vbgc-simulator")
    assert len(enrolment["scratchCodes"]) == 5
    assert all(re.fullmatch(r"\d{8}", code) for code in enrolment["scratchCodes"])
    assert enrolment["token"]
    assert pyotp.parse_uri(enrolment["qrString"]).secret == enrolment["secretKey"]


def test_full_flow(sim, vbgc_token, user):
    enrolment = enable(sim, vbgc_token)
    assert sim.vbgc("GET", MFA, vbgc_token).json()["mfaEnabled"] is False  # pending until accepted
    assert sim.vbgc_password_grant("ops1", "Secret#123").status_code == 200
    accepted = accept(sim, vbgc_token, enrolment)
    assert accepted.status_code == 201
    assert accepted.json() == {"success": True, "issues": []}
    assert sim.vbgc("GET", MFA, vbgc_token).json()["mfaEnabled"] is True
    mfa_token, login = mfa_login(sim, enrolment["secretKey"])
    assert login.status_code == 200
    assert login.json()["mfa_enabled"] is True
    assert sim.vbgc("DELETE", "/api/v1/token", login.json()["access_token"]).status_code == 204
    reuse = sim.vbgc("POST", "/api/v1/token", data={"grant_type": "mfa", "mfa_token": mfa_token,
                                                    "mfa_code": pyotp.TOTP(enrolment["secretKey"]).now()})
    assert_error(reuse, 401)


def test_codes_of_the_neighbouring_steps_are_accepted(sim, vbgc_token, user):
    enrolment = enable(sim, vbgc_token)
    totp = pyotp.TOTP(enrolment["secretKey"])
    assert accept(sim, vbgc_token, enrolment, totp.at(time.time() - 30)).status_code == 201
    challenge = sim.vbgc_password_grant("ops1", "Secret#123").json()["mfa_token"]
    for offset, status in ((-95, 401), (95, 401), (30, 200)):
        response = sim.vbgc("POST", "/api/v1/token", data={"grant_type": "mfa", "mfa_token": challenge,
                                                           "mfa_code": totp.at(time.time() + offset)})
        assert response.status_code == status


def test_wrong_code_or_token_on_accept(sim, vbgc_token, user):
    enrolment = enable(sim, vbgc_token)
    assert_error(accept(sim, vbgc_token, enrolment, "000000" if pyotp.TOTP(enrolment["secretKey"]).now() != "000000"
                        else "111111"), 400)
    assert_error(accept(sim, vbgc_token, {**enrolment, "token": "bogus"}), 400)
    assert_error(sim.vbgc("POST", f"{MFA}/mfaAccepted", vbgc_token, json={"code": "123456"}), 400)
    assert sim.vbgc("GET", MFA, vbgc_token).json()["mfaEnabled"] is False
    assert accept(sim, vbgc_token, enrolment).status_code == 201
    assert_error(accept(sim, vbgc_token, enrolment), 400)  # nothing pending any more


def test_wrong_mfa_code_and_expired_mfa_token(sim, vbgc_token, user):
    secret = enable(sim, vbgc_token)["secretKey"]
    accept(sim, vbgc_token, {"secretKey": secret, "token": sim.control("GET", "/vbgc/users/ops1")
                             .json()["pending_mfa"]["token"]})
    challenge = sim.vbgc_password_grant("ops1", "Secret#123").json()["mfa_token"]
    wrong = str((int(pyotp.TOTP(secret).now()) + 500000) % 1000000).zfill(6)
    assert_error(sim.vbgc("POST", "/api/v1/token",
                          data={"grant_type": "mfa", "mfa_token": challenge, "mfa_code": wrong}), 401)
    sim.control("PUT", "/config", json={"mfa_token_lifetime": 0})
    _, login = mfa_login(sim, secret)
    assert_error(login, 401)


def test_recreate(sim, vbgc_token, user):
    first = enable(sim, vbgc_token)
    accept(sim, vbgc_token, first)
    assert_error(sim.vbgc("POST", f"{MFA}/mfaEnable", vbgc_token, json={"recreate": False}), 400)
    assert_error(sim.vbgc("POST", f"{MFA}/mfaEnable", vbgc_token, json={}), 400)
    assert_error(sim.vbgc("POST", f"{MFA}/mfaEnable", vbgc_token, json={"recreate": "maybe"}), 400)
    second = enable(sim, vbgc_token, recreate="true")
    assert second["secretKey"] != first["secretKey"]
    assert mfa_login(sim, first["secretKey"])[1].status_code == 200  # the old secret stays until accepted
    assert accept(sim, vbgc_token, second).status_code == 201
    assert mfa_login(sim, first["secretKey"])[1].status_code == 401
    assert mfa_login(sim, second["secretKey"])[1].status_code == 200


def test_disable(sim, vbgc_token, user):
    accept(sim, vbgc_token, enable(sim, vbgc_token))
    response = sim.vbgc("POST", f"{MFA}/mfaDisable", vbgc_token)
    assert response.status_code == 200
    assert response.json() == {"success": True, "issues": []}
    assert sim.vbgc("GET", MFA, vbgc_token).json()["mfaEnabled"] is False
    assert sim.vbgc_password_grant("ops1", "Secret#123").status_code == 200
    assert sim.vbgc("POST", f"{MFA}/mfaDisable", vbgc_token).status_code == 200
    assert_error(sim.vbgc("POST", "/api/v1/users/nobody/mfaDisable", vbgc_token), 404)


def test_mfa_changes_are_journaled_as_mutations(sim, vbgc_token, user):
    sim.control("DELETE", "/journal")
    enrolment = enable(sim, vbgc_token)
    accept(sim, vbgc_token, enrolment, "999999" if pyotp.TOTP(enrolment["secretKey"]).now() != "999999" else "000001")
    accept(sim, vbgc_token, enrolment)
    sim.vbgc("POST", f"{MFA}/mfaDisable", vbgc_token)
    sim.vbgc("POST", f"{MFA}/mfaDisable", vbgc_token)
    assert [(entry["status"], entry["mutated"]) for entry in sim.journal()] == [
        (200, True), (400, False), (201, True), (200, True), (200, False)]


def test_recreate_is_checked_before_mfa_is_on_and_may_start_an_enrolment(sim, vbgc_token, user):
    assert_error(sim.vbgc("POST", f"{MFA}/mfaEnable", vbgc_token, json={"recreate": "maybe"}), 400)
    assert accept(sim, vbgc_token, enable(sim, vbgc_token, recreate=True)).status_code == 201
