"""VB365 /v8/token, refresh, logout, expiry and bearer checks."""

from urllib.parse import urlencode

import pytest
from conftest import running_simulator

SPECIAL_PASSWORD = "a&b+c%d=e'f\"g\\h i;j#k/l?m€ü"


def password_grant(sim, **fields):
    return sim.vb365("POST", "/v8/token", data={"grant_type": "password", "username": sim.username,
                                                "password": sim.password, **fields})


def test_password_grant_form(sim):
    response = password_grant(sim)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["userName"] == sim.username
    assert body["access_token"] != body["refresh_token"]


def test_password_grant_json(sim):
    response = sim.vb365("POST", "/v8/token", json={"grant_type": "password", "username": sim.username,
                                                    "password": sim.password, "disable_antiforgery_token": True})
    assert response.status_code == 200


def test_grant_type_defaults_to_password(sim):
    response = sim.vb365("POST", "/v8/token", data={"username": sim.username, "password": sim.password})
    assert response.status_code == 200


def test_windows_style_user_name_is_case_insensitive_and_keys_too(sim):
    response = sim.vb365("POST", "/v8/token", data={"Grant_Type": "password", "UserName": sim.username.upper(),
                                                    "Password": sim.password})
    assert response.status_code == 200


@pytest.mark.parametrize("fields", [{"password": "wrong"}, {"username": "nobody"}])
def test_bad_credentials_are_400(sim, fields):
    response = password_grant(sim, **fields)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "ParameterValidationFailure"


@pytest.mark.parametrize("missing", ["username", "password"])
def test_missing_credentials_are_400(sim, missing):
    fields = {"grant_type": "password", "username": sim.username, "password": sim.password}
    del fields[missing]
    assert sim.vb365("POST", "/v8/token", data=fields).status_code == 400


@pytest.mark.parametrize("grant", ["urn:ietf:params:oauth:grant-type:jwt-bearer", "operator", "client_credentials"])
def test_other_grants_are_400(sim, grant):
    response = sim.vb365("POST", "/v8/token", data={"grant_type": grant, "client_id": "x", "assertion": "y"})
    assert response.status_code == 400
    assert response.json()["errorCode"] == "ParameterValidationFailure"


def test_refresh_gives_a_new_pair_and_is_single_use(sim):
    first = password_grant(sim).json()
    refreshed = sim.vb365("POST", "/v8/token", data={"grant_type": "refresh_token",
                                                     "refresh_token": first["refresh_token"]})
    assert refreshed.status_code == 200
    second = refreshed.json()
    assert second["access_token"] != first["access_token"]
    assert sim.vb365("GET", "/v8/Accounts", second["access_token"]).status_code == 200
    again = sim.vb365("POST", "/v8/token",
                      json={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert again.status_code == 400


def test_logout_revokes_access_and_refresh_token(sim):
    tokens = password_grant(sim).json()
    assert sim.vb365("POST", "/v8/token/logout", tokens["access_token"]).status_code == 204
    assert sim.vb365("GET", "/v8/Accounts", tokens["access_token"]).status_code == 401
    refresh = sim.vb365("POST", "/v8/token", data={"grant_type": "refresh_token",
                                                   "refresh_token": tokens["refresh_token"]})
    assert refresh.status_code == 400


def test_logout_needs_a_valid_token(sim):
    assert sim.vb365("POST", "/v8/token/logout").status_code == 401
    assert sim.vb365("POST", "/v8/token/logout", "not-a-token").status_code == 401


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer nope", "Basic YWRtaW46YWRtaW4="])
def test_bad_bearer_is_401_with_an_empty_body_and_a_challenge(sim, authorization):
    """As the veeam-365 SDK describes the real server: it drops its session on an undecodable 401 body."""
    headers = {"Authorization": authorization} if authorization else {}
    response = sim.vb365("GET", "/v8/Accounts", headers=headers)
    assert response.status_code == 401
    assert response.content == b""
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_expired_token_is_401_with_an_empty_body(sim, vb365_token):
    assert sim.control("POST", "/tokens/expire", json={"api": "vb365"}).status_code == 204
    response = sim.vb365("GET", "/v8/Accounts", vb365_token)
    assert (response.status_code, response.content, response.headers["WWW-Authenticate"]) == (401, b"", "Bearer")


@pytest.mark.parametrize(("method", "path"), [("GET", "/v8/ServiceInstance"), ("GET", "/v8/Nothing"),
                                              ("DELETE", "/v8/token/logout/extra"), ("GET", "/V8/Accounts")])
def test_any_v8_path_is_authenticated_before_it_is_routed(sim, method, path):
    """The veeam-365 SDK detects the API version by an anonymous GET /v8/ServiceInstance expecting 401."""
    response = sim.vb365(method, path)
    assert (response.status_code, response.content) == (401, b"")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_unserved_version_is_404_without_a_token(sim):
    assert sim.vb365("GET", "/v7/ServiceInstance").status_code == 404


def test_expired_token_is_401_and_refresh_still_works(sim):
    tokens = password_grant(sim).json()
    assert sim.control("POST", "/tokens/expire", json={"api": "vb365"}).status_code == 204
    assert sim.vb365("GET", "/v8/Accounts", tokens["access_token"]).status_code == 401
    refreshed = sim.vb365("POST", "/v8/token", data={"grant_type": "refresh_token",
                                                     "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    assert sim.vb365("GET", "/v8/Accounts", refreshed.json()["access_token"]).status_code == 200


def test_token_lifetime_comes_from_config(sim):
    assert sim.control("PUT", "/config", json={"vb365_token_lifetime": 0}).status_code == 200
    tokens = password_grant(sim).json()
    assert tokens["expires_in"] == 0
    assert sim.vb365("GET", "/v8/Accounts", tokens["access_token"]).status_code == 401


def test_vbgc_token_is_not_valid_on_vb365(sim, vbgc_token):
    assert sim.vb365("GET", "/v8/Accounts", vbgc_token).status_code == 401


def test_paths_are_case_insensitive_and_need_no_api_version(sim):
    assert sim.vb365("POST", "/V8/TOKEN", data={"grant_type": "password"}).status_code == 400  # strict: the case
    sim.control("PUT", "/config", json={"lenient_requests": True})
    response = sim.vb365("POST", "/V8/TOKEN", data={"grant_type": "password", "username": sim.username,
                                                    "password": sim.password})
    assert response.status_code == 200
    assert sim.vb365("GET", "/v8/accounts/", response.json()["access_token"]).status_code == 200


def test_unknown_path_and_method(sim, vb365_token):
    missing = sim.vb365("GET", "/v8/Nothing", vb365_token)
    assert missing.status_code == 404
    assert missing.json()["errorCode"] == "ResourceNotFound"
    wrong_method = sim.vb365("PATCH", "/v8/Accounts", vb365_token, json={})
    assert wrong_method.status_code == 405
    assert set(wrong_method.headers["Allow"].split(", ")) == {"GET", "POST"}
    assert sim.vb365("GET", "/api/v1/users", vb365_token).status_code == 404  # VBGC paths are on the other port


@pytest.fixture(scope="module")
def special_sim():
    with running_simulator("--password", SPECIAL_PASSWORD) as special:
        yield special


@pytest.mark.parametrize("encoding", ["data", "json"])
def test_special_character_password(special_sim, encoding):
    assert special_sim.password == SPECIAL_PASSWORD
    fields = {"grant_type": "password", "username": special_sim.username, "password": SPECIAL_PASSWORD}
    assert special_sim.vb365("POST", "/v8/token", **{encoding: fields}).status_code == 200
    near_miss = {**fields, "password": SPECIAL_PASSWORD.replace("+", " ")}
    assert special_sim.vb365("POST", "/v8/token", **{encoding: near_miss}).status_code == 400


def test_special_character_password_vbgc(special_sim):
    assert special_sim.vbgc_password_grant(special_sim.username, SPECIAL_PASSWORD).status_code == 200
    raw_form = f"grant_type=password&username=admin&password={SPECIAL_PASSWORD}".encode()  # unencoded: must fail
    response = special_sim.vbgc("POST", "/api/v1/token", data=raw_form,
                                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code in (400, 401)


def test_chunked_request_body(sim):
    body = urlencode({"grant_type": "password", "username": sim.username, "password": sim.password}).encode()
    response = sim.vb365("POST", "/v8/token", data=iter([body[:7], body[7:]]),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 200
