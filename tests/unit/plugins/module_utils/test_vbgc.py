# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VBGC 1.4-rev0 client against a real local HTTP server scripted as the appliance.
"""

from __future__ import annotations

import pyotp
import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core import totp as _totp
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc import client as vbgc
from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import ConnectionOptions
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    ADMIN_ROLE,
    ALL_ROLES,
    MFA_SECRET,
    OPERATOR_ROLE,
    PLAIN_HTTP_WARNING,
    RESTORE_ROLE,
    ROLES,
    TOKEN,
    TOKEN_BODY,
    USERS,
    new_client,
    user_body,
)


# --- token life cycle ---------------------------------------------------------------------------

def test_password_grant_is_form_encoded_and_every_request_carries_the_api_version(server):
    password = "p&ss=w+rd %é"
    server.add("POST", TOKEN, body=TOKEN_BODY).add("GET", USERS + "/ops1", body=user_body()).add("DELETE", TOKEN, status=204)
    client = new_client(server, auth_username="admin", auth_password=password, api_version="1.3-rev0")
    client.get_user("ops1")
    client.close()
    login, read, logout = server.calls()
    assert login["form"] == {"grant_type": "password", "username": "admin", "password": password}
    assert read["headers"]["Authorization"] == "Bearer minted-at"
    assert (logout["method"], logout["headers"]["Authorization"]) == ("DELETE", "Bearer minted-at")
    assert all(call["headers"]["x-api-version"] == "1.3-rev0" for call in server.calls())


def test_a_given_token_is_used_and_never_revoked(server):
    server.add("GET", USERS + "/ops1", body=user_body())
    client = new_client(server, auth_token="given")
    client.get_user("ops1")
    client.close()
    assert [(c["method"], c["path"], c["headers"]["Authorization"]) for c in server.calls()] == [("GET", USERS + "/ops1", "Bearer given")]


def test_expired_token_logs_in_again_once_and_revokes_only_the_new_token(server):
    server.add("GET", USERS + "/ops1", status=401, body={"title": "Unauthorized", "errorCode": "ExpiredToken"})
    server.add("GET", USERS + "/ops1", body=user_body())
    server.add("POST", TOKEN, body=TOKEN_BODY).add("DELETE", TOKEN, status=204)
    client = new_client(server, auth_token="stale", auth_username="admin", auth_password="pw")
    assert client.get_user("ops1")["name"] == "ops1"
    client.close()
    assert [(c["method"], c["headers"]["Authorization"]) for c in server.calls() if c["path"] != TOKEN] == [
        ("GET", "Bearer stale"), ("GET", "Bearer minted-at")]
    assert server.calls("DELETE")[0]["headers"]["Authorization"] == "Bearer minted-at"


def test_mfa_login_answers_the_202_with_the_current_totp_code(server):
    server.add("POST", TOKEN, status=202, body={"mfa_token": "challenge"}).add("POST", TOKEN, body=TOKEN_BODY)
    client = new_client(server, auth_username="robot", auth_password="pw", auth_mfa_secret=MFA_SECRET.lower())
    assert client.login()["access_token"] == "minted-at"
    mfa = server.calls()[1]["form"]
    assert (mfa["grant_type"], mfa["mfa_token"]) == ("mfa", "challenge")
    assert pyotp.TOTP(MFA_SECRET).verify(mfa["mfa_code"], valid_window=1)


def test_mfa_login_without_a_secret_names_the_option_and_sends_no_code(server):
    server.add("POST", TOKEN, status=202, body={"mfa_token": "challenge"})
    client = new_client(server, auth_username="robot", auth_password="pw")
    with pytest.raises(VeeamApiError, match="give auth_mfa_secret"):
        client.login()
    assert len(server.calls()) == 1


def test_mfa_login_with_a_secret_that_is_not_base32_says_so(server):
    server.add("POST", TOKEN, status=202, body={"mfa_token": "challenge"})
    client = new_client(server, auth_username="robot", auth_password="pw", auth_mfa_secret="not base32!")
    with pytest.raises(InputError, match="auth_mfa_secret is not a valid base32"):
        client.login()


def test_refused_mfa_code_points_at_the_secret_and_the_clock(server):
    server.add("POST", TOKEN, status=202, body={"mfa_token": "challenge"})
    server.add("POST", TOKEN, status=401, body={"title": "Unauthorized", "details": "The verification code is not valid."})
    client = new_client(server, auth_username="robot", auth_password="pw", auth_mfa_secret=MFA_SECRET)
    with pytest.raises(VeeamApiError) as err:
        client.login()
    assert "verification code is not valid" in str(err.value)
    assert "auth_mfa_secret (and the controller's clock)" in str(err.value)


def test_wrong_password_names_the_options_and_never_the_password(server):
    server.add("POST", TOKEN, status=401, body={"details": "The user name or password is incorrect (got s3cr3t!)."})
    client = new_client(server, auth_username="admin", auth_password="s3cr3t!")
    with pytest.raises(VeeamApiError) as err:
        client.login()
    text = str(err.value)
    assert "logging in to Veeam Backup for Google Cloud as admin failed" in text
    assert "Check auth_username and auth_password" in text
    assert "s3cr3t!" not in text and MASK in text


def test_a_400_on_login_also_points_at_the_api_version(server):
    server.add("POST", TOKEN, status=400, body={"details": "The x-api-version header value '9' is not supported."})
    client = new_client(server, auth_username="admin", auth_password="pw", api_version="9")
    with pytest.raises(VeeamApiError) as err:
        client.login()
    assert str(err.value).endswith("is not supported. Check auth_username and auth_password, and api_version.")


def test_token_answer_without_access_token_is_a_clear_error(server):
    server.add("POST", TOKEN, body={"unexpected": True})
    client = new_client(server, auth_username="admin", auth_password="pw")
    with pytest.raises(VeeamApiError, match="no access_token"):
        client.login()


def test_empty_api_version_is_rejected_before_any_request(server):
    with pytest.raises(InputError, match="api_version"):
        new_client(server, api_version="", auth_token="admin-token")
    assert server.calls() == []


def test_connection_options_fall_back_to_vbgc_environment_names():
    spec = ConnectionOptions(VBGCClient).argument_spec()
    assert spec["api_version"]["fallback"][1] == ["VEEAM_VBGC_API_VERSION"]
    assert spec["auth_mfa_secret"]["fallback"][1] == ["VEEAM_VBGC_MFA_SECRET"]
    assert spec["auth_mfa_secret"]["no_log"] is True
    assert spec["port"]["default"] == 13140


# --- check_password ---------------------------------------------------------------------------------

def test_check_password_accepts_200_and_revokes_the_users_token_with_that_token(server):
    server.add("POST", TOKEN, body={"access_token": "users-at"}).add("DELETE", TOKEN, status=204)
    client = new_client(server, auth_token="admin-token")
    assert client.check_password("ops1", "a&b") is True
    login, logout = server.calls()
    assert login["form"] == {"grant_type": "password", "username": "ops1", "password": "a&b"}
    assert logout["headers"]["Authorization"] == "Bearer users-at"


def test_check_password_accepts_202_of_an_mfa_user_without_finishing_the_login(server):
    server.add("POST", TOKEN, status=202, body={"mfa_token": "challenge"})
    client = new_client(server, auth_token="admin-token")
    assert client.check_password("ops1", "pw") is True
    assert len(server.calls()) == 1


@pytest.mark.parametrize("status", [400, 401])
def test_check_password_refused_means_it_does_not_work(server, status):
    server.add("POST", TOKEN, status=status, body={"title": "Unauthorized"})
    client = new_client(server, auth_token="admin-token")
    assert client.check_password("ops1", "pw") is False


def test_check_password_raises_on_a_server_failure(server):
    server.add("POST", TOKEN, status=500, body={"title": "Internal Server Error"})
    client = new_client(server, auth_token="admin-token")
    with pytest.raises(VeeamApiError) as err:
        client.check_password("ops1", "pw")
    assert err.value.status == 500


# --- pagination -------------------------------------------------------------------------------------

def page_of(names, **pagination):
    return {"data": [{"name": name} for name in names], "pagination": pagination}


def test_pages_are_followed_until_total(server, monkeypatch):
    monkeypatch.setattr(vbgc, "PAGE_SIZE", 2)
    server.add("GET", USERS, body=page_of(["a", "b"], total=5, count=2, offset=0, limit=2))
    server.add("GET", USERS, body=page_of(["c", "d"], total=5, count=2, offset=2, limit=2))
    server.add("GET", USERS, body=page_of(["e"], total=5, count=1, offset=4, limit=2))
    client = new_client(server, auth_token="admin-token")
    assert [u["name"] for u in client.list_users()] == ["a", "b", "c", "d", "e"]
    assert [(c["query"]["offset"], c["query"]["limit"]) for c in server.calls()] == [(["0"], ["2"]), (["2"], ["2"]), (["4"], ["2"])]


def test_total_wins_over_a_server_that_returns_smaller_pages_than_asked(server):
    server.add("GET", USERS, body=page_of(["a"], total=2)).add("GET", USERS, body=page_of(["b"], total=2))
    client = new_client(server, auth_token="admin-token")
    assert [u["name"] for u in client.list_users()] == ["a", "b"]


def test_without_total_a_short_page_ends_the_listing(server, monkeypatch):
    monkeypatch.setattr(vbgc, "PAGE_SIZE", 2)
    server.add("GET", USERS, body=page_of(["a", "b"])).add("GET", USERS, body=page_of(["c"]))
    client = new_client(server, auth_token="admin-token")
    assert [u["name"] for u in client.list_users()] == ["a", "b", "c"]
    assert len(server.calls()) == 2


def test_an_empty_page_ends_the_listing_even_when_total_says_more(server):
    server.add("GET", USERS, body=page_of(["a"], total=10)).add("GET", USERS, body=page_of([], total=10))
    client = new_client(server, auth_token="admin-token")
    assert [u["name"] for u in client.list_users()] == ["a"]


def test_pagination_numbers_sent_as_strings_are_read(server, monkeypatch):
    monkeypatch.setattr(vbgc, "PAGE_SIZE", 2)
    server.add("GET", USERS, body=page_of(["a", "b"], total="3")).add("GET", USERS, body=page_of(["c"], total="3"))
    client = new_client(server, auth_token="admin-token")
    assert [u["name"] for u in client.list_users()] == ["a", "b", "c"]


def test_a_bare_list_is_one_page(server):
    server.add("GET", USERS, body=[{"name": "a"}])
    client = new_client(server, auth_token="admin-token")
    assert client.list_users() == [{"name": "a"}]


def test_endless_pages_stop_at_the_cap_with_a_clear_error(server, monkeypatch):
    monkeypatch.setattr(vbgc, "PAGE_SIZE", 1)
    server.add("GET", USERS, body=page_of(["same"]), sticky=True)
    client = new_client(server, auth_token="admin-token")
    client.max_pages = 3
    with pytest.raises(VeeamApiError, match="stopped reading /api/v1/users after 3 pages"):
        client.list_users()
    assert len(server.calls()) == 3


# --- roles ------------------------------------------------------------------------------------------

def test_roles_resolve_by_name_in_any_case_or_by_id_with_one_request(server):
    server.add("GET", ROLES, body={"data": ALL_ROLES, "pagination": {"total": 3}})
    client = new_client(server, auth_token="admin-token")
    assert client.resolve_roles(["portal OPERATOR", RESTORE_ROLE["id"].upper()]) == [OPERATOR_ROLE, RESTORE_ROLE]
    assert client.resolve_roles(["Portal Administrator", "portal administrator"]) == [ADMIN_ROLE]
    assert len(server.calls()) == 1


def test_known_roles_answer_without_a_request(server):
    client = new_client(server, auth_token="admin-token")
    assert client.resolve_roles(["portal operator"], known=[OPERATOR_ROLE]) == [OPERATOR_ROLE]
    assert server.calls() == []


def test_a_bare_role_id_cannot_answer_a_name(server):
    server.add("GET", ROLES, body={"data": ALL_ROLES, "pagination": {"total": 3}})
    client = new_client(server, auth_token="admin-token")
    known = vbgc.role_items({"roles": [OPERATOR_ROLE["id"]]})
    assert client.resolve_roles(["Portal Operator"], known=known) == [OPERATOR_ROLE]
    assert client.resolve_roles([OPERATOR_ROLE["id"]], known=known) == [{"id": OPERATOR_ROLE["id"], "name": None}]
    assert len(server.calls()) == 1


def test_unknown_roles_fail_listing_the_valid_ones(server):
    server.add("GET", ROLES, body=[dict(role, description="x") for role in ALL_ROLES])
    client = new_client(server, auth_token="admin-token")
    with pytest.raises(InputError) as err:
        client.resolve_roles(["Portal Operator", "Backup Viewer", "nope"])
    assert "unknown roles 'Backup Viewer', 'nope'" in str(err.value)
    assert "Restore Operator (%s)" % RESTORE_ROLE["id"] in str(err.value)


@pytest.mark.parametrize("user, expected", [
    ({"roles": [OPERATOR_ROLE]}, [OPERATOR_ROLE]),
    ({"roles": [dict(OPERATOR_ROLE, extra=1)]}, [OPERATOR_ROLE]),
    ({"roles": ["id-1"]}, [{"id": "id-1", "name": None}]),
    ({"roleIds": ["id-1"]}, [{"id": "id-1", "name": None}]),
    ({}, []),
])
def test_role_items_read_every_shape(user, expected):
    assert vbgc.role_items(user) == expected


@pytest.mark.parametrize("user, expected", [
    ({"type": "DefaultAdmin"}, True),
    ({"type": "defaultadmin"}, True),
    ({"isDefault": True}, True),
    ({"type": "Regular", "isDefault": False}, False),
    ({}, False),
])
def test_default_admin_is_recognised_either_way(user, expected):
    assert vbgc.is_default_admin(user) is expected


# --- users ------------------------------------------------------------------------------------------

def test_missing_user_is_none_and_names_are_quoted_in_the_path(server):
    server.add("GET", USERS + "/a%20b%3F", status=404, body={"title": "Not Found"})
    client = new_client(server, auth_token="admin-token")
    assert client.get_user("a b?") is None


@pytest.mark.parametrize("name", ["..", ".", "a/b"])
def test_a_name_that_would_change_the_path_is_refused_before_any_request(server, name):
    client = new_client(server, auth_token="admin-token")
    with pytest.raises(InputError, match="cannot name an object in a request path"):
        client.get_user(name)
    assert server.calls() == []


@pytest.mark.parametrize("status, body", [
    (200, {"user": user_body(), "issues": []}),
    (201, {"user": user_body(), "issues": []}),
    (201, user_body()),
])
def test_create_sends_the_documented_body_and_reads_either_answer(server, status, body):
    server.add("POST", USERS, status=status, body=body)
    client = new_client(server, auth_token="admin-token")
    assert client.create_user("ops1", "pw&1", [OPERATOR_ROLE["id"]], "night shift") == user_body()
    assert server.calls()[0]["json"] == {"name": "ops1", "password": "pw&1", "roleIds": [OPERATOR_ROLE["id"]], "description": "night shift"}


def test_create_without_description_leaves_it_out(server):
    server.add("POST", USERS, body={"user": user_body(), "issues": []})
    client = new_client(server, auth_token="admin-token")
    client.create_user("ops1", "pw", ["r"])
    assert "description" not in server.calls()[0]["json"]


def test_issues_of_any_shape_become_warnings_without_secrets(server):
    issues = [{"severity": "Warning", "message": "weak password pw-secret"}, {"details": "detail text"}, {"code": 7}, "plain text"]
    server.add("PUT", USERS + "/ops1", body={"user": user_body(), "issues": issues})
    warnings = []
    client = new_client(server, warnings, auth_token="admin-token")
    client.http.add_secret("pw-secret")
    assert client.modify_user("ops1", "d", ["r"]) == user_body()
    assert server.calls()[0]["json"] == {"description": "d", "roleIds": ["r"]}
    assert [text for text in warnings if not text.startswith(PLAIN_HTTP_WARNING)] == [
        "Veeam Backup for Google Cloud reported: Warning: weak password %s" % MASK,
        "Veeam Backup for Google Cloud reported: detail text",
        'Veeam Backup for Google Cloud reported: {"code": 7}',
        "Veeam Backup for Google Cloud reported: plain text",
    ]


def test_delete_accepts_an_empty_answer(server):
    server.add("DELETE", USERS + "/ops1", status=204)
    client = new_client(server, auth_token="admin-token")
    client.delete_user("ops1")
    assert server.calls()[0]["method"] == "DELETE"


def test_delete_retried_after_the_server_acted_finds_the_user_gone(server):
    server.add("DELETE", USERS + "/ops1", status=502).add("DELETE", USERS + "/ops1", status=404, body={"title": "Not Found"})
    client = new_client(server, auth_token="admin-token")
    client.http._sleep = lambda seconds: None
    client.delete_user("ops1")
    assert [call["method"] for call in server.calls()] == ["DELETE", "DELETE"]


def test_change_password_sends_both_and_raises_the_refusal_in_the_api_words(server):
    """The client says what the server refused; the user resource words the fix in options (test_veeam_gcp_user)."""
    server.add("POST", USERS + "/ops1/changePassword", status=400,
               body={"type": "about:blank", "title": "Bad Request", "status": 400, "details": "The current password (oldPassword) is not correct."})
    client = new_client(server, auth_token="admin-token")
    with pytest.raises(VeeamApiError) as err:
        client.change_password("ops1", "new-pw", "old-pw")
    assert server.calls()[0]["json"] == {"password": "new-pw", "oldPassword": "old-pw"}
    assert "The current password (oldPassword) is not correct." in str(err.value)
    assert "old_password" not in str(err.value)


# --- MFA --------------------------------------------------------------------------------------------

def test_mfa_enable_unwraps_the_response_and_registers_the_secrets(server):
    enrolment = {"qrString": "otpauth://totp/ops1@h?secret=%s&issuer=h" % MFA_SECRET, "secretKey": MFA_SECRET,
                 "scratchCodes": ["12345678"], "token": "enrol-token"}
    server.add("POST", USERS + "/ops1/mfaEnable", body={"response": enrolment, "issues": []})
    server.add("POST", USERS + "/ops1/mfaAccepted", status=400, body={"details": "bad token enrol-token, code 12345678"})
    client = new_client(server, auth_token="admin-token")
    assert client.mfa_enable("ops1", recreate=False) == enrolment
    assert server.calls()[0]["json"] == {"recreate": False}
    with pytest.raises(VeeamApiError) as err:
        client.mfa_accept("ops1", "123456", "enrol-token")
    assert "enrol-token" not in str(err.value)
    assert "12345678" not in str(err.value)  # a scratch code is a secret too
    assert "finishing the MFA enrolment of ops1 was refused" in str(err.value)


def test_mfa_enable_builds_the_qr_string_when_the_answer_has_none(server):
    server.add("POST", USERS + "/ops1/mfaEnable", body={"secretKey": MFA_SECRET, "token": "t1"})
    client = new_client(server, auth_token="admin-token")
    assert client.mfa_enable("ops1", recreate=True)["qrString"] == "otpauth://totp/ops1?secret=%s" % MFA_SECRET
    assert server.calls()[0]["json"] == {"recreate": True}


def test_mfa_enable_without_a_secret_in_the_answer_is_an_error(server):
    server.add("POST", USERS + "/ops1/mfaEnable", body={"response": {}, "issues": []})
    client = new_client(server, auth_token="admin-token")
    with pytest.raises(VeeamApiError, match="no secretKey or token"):
        client.mfa_enable("ops1", recreate=False)


def test_mfa_accept_and_disable_send_the_documented_bodies(server):
    server.add("POST", USERS + "/ops1/mfaAccepted", status=201, body={"success": True, "issues": []})
    server.add("POST", USERS + "/ops1/mfaDisable", body={"success": True, "issues": []})
    client = new_client(server, auth_token="admin-token")
    client.mfa_accept("ops1", "123456", "enrol-token")
    client.mfa_disable("ops1")
    accept, disable = server.calls()
    assert accept["json"] == {"code": "123456", "token": "enrol-token"}
    assert disable["json"] is None


def test_totp_now_matches_an_independent_implementation():
    assert pyotp.TOTP(MFA_SECRET).verify(_totp.totp_now(MFA_SECRET, "x"), valid_window=1)


def test_missing_pyotp_is_reported_by_name(monkeypatch):
    monkeypatch.setattr(_totp, "HAS_PYOTP", False)
    with pytest.raises(InputError, match="pyotp"):
        _totp.totp_now(MFA_SECRET, "auth_mfa_secret")
    assert "verify=true needs pyotp" in _totp.missing_pyotp("verify=true").message


@pytest.mark.parametrize("name, valid", [
    ("ops1", True), ("a", True), ("a_b-c9", True), ("x" * 32, True),
    ("", False), ("x" * 33, False), ("Ops1", False), ("ops 1", False), ("ops@1", False), ("ops1\n", False),
])
def test_user_name_rule(name, valid):
    assert (vbgc.check_user_name(name) is None) is valid
