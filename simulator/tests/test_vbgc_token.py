"""VBGC /api/v1/token (form only), x-api-version, refresh, logout and expiry."""

import pytest

ERROR_KEYS = {"type", "title", "status", "errorCode", "details", "instance", "data"}


def assert_error(response, status, code=None):
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["status"] == status
    assert body["details"]
    if code:
        assert body["errorCode"] == code


def test_password_grant(sim):
    response = sim.vbgc_password_grant(sim.username, sim.password)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 900
    assert body["username"] == sim.username
    assert body["roleName"] == "Portal Administrator"
    assert body["mfa_enabled"] is False
    assert {"access_token", "refresh_token", ".issued", ".expires"} <= set(body)


@pytest.mark.parametrize("version", ["1.1-rev0", "1.2-rev0", "1.3-rev0", "1.4-rev0"])
def test_every_supported_api_version_is_accepted(sim, version, vbgc_token):
    assert sim.vbgc("GET", "/api/v1/users", vbgc_token, version=version).status_code == 200


@pytest.mark.parametrize("version", [None, "1.0-rev0", "1.5-rev0", ""])
def test_missing_or_unsupported_api_version_is_400_everywhere(sim, version, vbgc_token):
    assert_error(sim.vbgc("GET", "/api/v1/users", vbgc_token, version=version), 400)
    token_request = sim.vbgc("POST", "/api/v1/token", version=version,
                             data={"grant_type": "password", "username": sim.username, "password": sim.password})
    assert_error(token_request, 400)


def test_accepted_versions_are_a_setting(sim, vbgc_token):
    sim.control("PUT", "/config", json={"accepted_api_versions": ["1.3-rev0"]})
    assert_error(sim.vbgc("GET", "/api/v1/users", vbgc_token), 400)
    assert sim.vbgc("GET", "/api/v1/users", vbgc_token, version="1.3-rev0").status_code == 200


def test_json_body_is_refused(sim):
    """The contract declares a form body only: another media type is 415, as ASP.NET Core answers (INFERRED)."""
    response = sim.vbgc("POST", "/api/v1/token",
                        json={"grant_type": "password", "username": sim.username, "password": sim.password})
    assert_error(response, 415)
    assert sim.journal()[-1]["nonconformant"]


def test_form_keys_and_grant_match_case_insensitively(sim):
    response = sim.vbgc("POST", "/api/v1/token", data={"Username": sim.username, "Password": sim.password,
                                                       "grant_type": "Password", "mfa_token": "", "mfa_code": ""})
    assert response.status_code == 200


@pytest.mark.parametrize(("username", "password"), [("admin", "wrong"), ("nobody", "whatever1"), ("ADMIN", None)])
def test_bad_credentials_are_401(sim, username, password):
    assert_error(sim.vbgc_password_grant(username, password or sim.password), 401, "AccessDenied")


@pytest.mark.parametrize("fields", [
    {},
    {"grant_type": "password", "username": "admin"},
    {"grant_type": "password", "password": "x"},
    {"grant_type": "refresh_token"},
    {"grant_type": "mfa", "mfa_token": "x"},
    {"grant_type": "authorization_code", "code": "abc"},
    {"grant_type": "client_credentials"},
])
def test_missing_fields_and_unsupported_grants_are_400(sim, fields):
    assert_error(sim.vbgc("POST", "/api/v1/token", data=fields), 400)


def test_refresh_and_reuse(sim):
    first = sim.vbgc_password_grant(sim.username, sim.password).json()
    refreshed = sim.vbgc("POST", "/api/v1/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200
    assert refreshed.json()["access_token"] != first["access_token"]
    reuse = sim.vbgc("POST", "/api/v1/token", data={"grant_type": "refresh_token",
                                                    "refresh_token": first["refresh_token"]})
    assert_error(reuse, 401)


@pytest.mark.parametrize(("short_term", "works"), [("true", False), ("false", True), (None, True)])
def test_use_short_term_refresh(sim, short_term, works):
    sim.control("PUT", "/config", json={"vbgc_short_refresh_lifetime": 0})
    extra = {} if short_term is None else {"use_short_term_refresh": short_term}
    tokens = sim.vbgc_password_grant(sim.username, sim.password, **extra).json()
    refreshed = sim.vbgc("POST", "/api/v1/token", data={"grant_type": "refresh_token",
                                                        "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == (200 if works else 401)


def test_logout(sim, vbgc_token):
    assert sim.vbgc("DELETE", "/api/v1/token", vbgc_token).status_code == 204
    assert_error(sim.vbgc("GET", "/api/v1/users", vbgc_token), 401)
    assert_error(sim.vbgc("DELETE", "/api/v1/token", vbgc_token), 401)
    assert_error(sim.vbgc("DELETE", "/api/v1/token"), 401)


def test_expiry_by_control_and_by_lifetime(sim, vbgc_token):
    vb365_token = sim.vb365_login()
    assert sim.control("POST", "/tokens/expire", json={"api": "vbgc"}).status_code == 204
    expired = sim.vbgc("GET", "/api/v1/users", vbgc_token)
    assert_error(expired, 401, "ExpiredToken")
    assert expired.headers["WWW-Authenticate"] == "Bearer"
    assert sim.vb365("GET", "/v8/Accounts", vb365_token).status_code == 200
    sim.control("PUT", "/config", json={"vbgc_token_lifetime": 0})
    tokens = sim.vbgc_password_grant(sim.username, sim.password).json()
    assert tokens["expires_in"] == 0
    assert_error(sim.vbgc("GET", "/api/v1/users", tokens["access_token"]), 401)


def test_expire_all(sim, vbgc_token, vb365_token):
    assert sim.control("POST", "/tokens/expire").status_code == 204
    assert sim.vbgc("GET", "/api/v1/users", vbgc_token).status_code == 401
    assert sim.vb365("GET", "/v8/Accounts", vb365_token).status_code == 401


def test_unknown_token_and_unknown_path(sim, vbgc_token):
    assert_error(sim.vbgc("GET", "/api/v1/users", "made-up"), 401, "InvalidToken")
    assert_error(sim.vbgc("GET", "/api/v1/nothing", vbgc_token), 404, "NotFound")
    assert_error(sim.vbgc("PATCH", "/api/v1/users", vbgc_token, json={}), 405, "MethodNotAllowed")
    assert sim.vbgc("GET", "/v8/Accounts", vbgc_token).status_code == 404
