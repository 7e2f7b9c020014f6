# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_gcp_user against a real local HTTP server scripted as the VBGC appliance."""

from __future__ import annotations

import json

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.modules import veeam_gcp_user
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    ADMIN_ROLE,
    ALL_ROLES,
    OPERATOR_ROLE,
    RESTORE_ROLE,
    ROLES,
    TOKEN,
    USERS,
    api_calls,
    run_vbgc_module,
    user_body,
    warning_texts,
)

OPS1 = USERS + "/ops1"
ROLE_LIST = {"data": ALL_ROLES, "pagination": {"total": 3, "count": 3, "offset": 0, "limit": 100}}


def run(server, **options):
    return run_vbgc_module(veeam_gcp_user, server, **options)


def writes(server):
    return [call for call in api_calls(server) if call[0] != "GET"]


# --- input checked before any request ---------------------------------------------------------------

@pytest.mark.parametrize("options, words", [
    ({"name": "Ops1"}, "not a valid VBGC user name"),
    ({"name": "x" * 33}, "not a valid VBGC user name"),
    ({"name": "ops1", "roles": []}, "roles must list at least one role"),
    ({"name": "ops1", "roles": ["Portal Operator", " "]}, "no empty entries"),
    ({"name": "ops1", "update_password": "always"}, "update_password is always but"),
    ({"name": "ops1", "old_password": "x"}, "missing parameter(s) required by 'old_password': password"),
])
def test_bad_input_fails_before_any_request(server, options, words):
    result = run(server, **options)
    assert result["failed"]
    assert words in result["msg"]
    assert server.calls() == []


# --- create -----------------------------------------------------------------------------------------

def test_create_resolves_role_names_and_posts_the_documented_body(server):
    server.add("GET", OPS1, status=404, body={"title": "Not Found", "status": 404})
    server.add("GET", ROLES, body=ROLE_LIST)
    server.add("POST", USERS, body={"user": user_body(description="night", roles=[OPERATOR_ROLE, RESTORE_ROLE]), "issues": []})
    result = run(server, name="ops1", description="night", roles=["portal operator", "Restore Operator"], password="pw&+1")
    assert result["changed"]
    assert result["user"]["roles"] == [OPERATOR_ROLE, RESTORE_ROLE]
    assert server.calls("POST", USERS)[0]["json"] == {
        "name": "ops1", "password": "pw&+1", "roleIds": [OPERATOR_ROLE["id"], RESTORE_ROLE["id"]], "description": "night"}
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["password"] == MASK
    assert "pw&+1" not in json.dumps(result)


@pytest.mark.parametrize("status", [409, 400])
def test_create_refused_because_the_user_appeared_meanwhile_continues_with_it(server, status):
    server.add("GET", OPS1, status=404).add("GET", ROLES, body=ROLE_LIST)
    server.add("POST", USERS, status=status, body={"title": "Conflict", "details": "A user named 'ops1' already exists."})
    server.add("GET", OPS1, body=user_body(roles=[OPERATOR_ROLE]))
    result = run(server, name="ops1", roles=["Portal Operator"], password="pw&+1")
    assert "failed" not in result
    assert not result["changed"]
    assert result["user"]["roles"] == [OPERATOR_ROLE]
    assert api_calls(server) == [("GET", OPS1), ("GET", ROLES), ("POST", USERS), ("GET", OPS1)]


def test_create_refused_for_another_reason_fails_with_the_servers_message(server):
    server.add("GET", OPS1, status=404, sticky=True).add("GET", ROLES, body=ROLE_LIST)
    server.add("POST", USERS, status=400, body={"title": "Bad Request", "details": "The password is too short."})
    result = run(server, name="ops1", roles=["Portal Operator"], password="pw")
    assert result["failed"]
    assert "The password is too short." in result["msg"]
    assert api_calls(server) == [("GET", OPS1), ("GET", ROLES), ("POST", USERS), ("GET", OPS1)]


def test_create_answered_201_without_a_body_reports_the_predicted_user(server):
    server.add("GET", OPS1, status=404).add("GET", ROLES, body=ALL_ROLES).add("POST", USERS, status=201)
    result = run(server, name="ops1", roles=[OPERATOR_ROLE["id"]], password="pw")
    assert result["changed"]
    assert result["user"] == {"name": "ops1", "description": "", "mfaEnabled": False, "roles": [OPERATOR_ROLE]}


def test_create_in_check_mode_writes_nothing_and_predicts_the_user(server):
    server.add("GET", OPS1, status=404).add("GET", ROLES, body=ROLE_LIST)
    result = run(server, check_mode=True, name="ops1", roles=["Portal Operator"], password="pw", description="d")
    assert result["changed"]
    assert result["user"] == {"name": "ops1", "description": "d", "mfaEnabled": False, "roles": [OPERATOR_ROLE]}
    assert writes(server) == []


@pytest.mark.parametrize("options, missing", [
    ({"roles": ["Portal Operator"]}, "password"),
    ({"password": "pw"}, "roles"),
    ({}, "password and roles"),
])
def test_create_without_password_or_roles_fails_after_the_read_and_before_any_write(server, options, missing):
    server.add("GET", OPS1, status=404)
    result = run(server, credentials=True, name="ops1", **options)
    assert result["failed"]
    assert result["msg"] == "user ops1 does not exist; creating it needs %s." % missing
    assert api_calls(server) == [("GET", OPS1)]
    assert server.calls("DELETE", TOKEN), "the minted token is revoked also when the module fails"


def test_unknown_role_fails_listing_the_valid_ones_without_writing(server):
    server.add("GET", OPS1, status=404).add("GET", ROLES, body=ROLE_LIST)
    result = run(server, name="ops1", roles=["Portal Operator", "Backup Viewer"], password="pw")
    assert result["failed"]
    assert "unknown role 'Backup Viewer'. Valid roles: Portal Administrator" in result["msg"]
    assert writes(server) == []


# --- no-op and update -------------------------------------------------------------------------------

def test_no_op_with_a_token_is_one_request(server):
    server.add("GET", OPS1, body=user_body(description="night", roles=[OPERATOR_ROLE, RESTORE_ROLE]))
    result = run(server, name="ops1", description="night", roles=["restore operator", OPERATOR_ROLE["id"]], password="pw")
    assert not result["changed"]
    assert [(c["method"], c["path"]) for c in server.calls()] == [("GET", OPS1)]


def test_no_op_with_credentials_is_login_read_logout(server):
    server.add("GET", OPS1, body=user_body())
    result = run(server, credentials=True, name="ops1", roles=["Portal Operator"])
    assert not result["changed"]
    assert [(c["method"], c["path"]) for c in server.calls()] == [("POST", TOKEN), ("GET", OPS1), ("DELETE", TOKEN)]


def test_adding_a_role_reads_the_role_list_and_puts_the_set(server):
    server.add("GET", OPS1, body=user_body(description="keep me")).add("GET", ROLES, body=ROLE_LIST)
    server.add("PUT", OPS1, body={"user": user_body(description="keep me", roles=[OPERATOR_ROLE, ADMIN_ROLE]), "issues": []})
    result = run(server, name="ops1", roles=["Portal Operator", "Portal Administrator"])
    assert result["changed"]
    assert server.calls("PUT")[0]["json"] == {"description": "keep me", "roleIds": [OPERATOR_ROLE["id"], ADMIN_ROLE["id"]]}
    assert [role["name"] for role in result["diff"]["after"]["roles"]] == ["Portal Operator", "Portal Administrator"]
    assert result["diff"]["before"]["roles"] == [OPERATOR_ROLE]


def test_removing_a_role_needs_no_role_list(server):
    server.add("GET", OPS1, body=user_body(roles=[OPERATOR_ROLE, RESTORE_ROLE]))
    server.add("PUT", OPS1, body={"user": user_body(), "issues": []})
    result = run(server, name="ops1", roles=["Portal Operator"])
    assert result["changed"]
    assert api_calls(server) == [("GET", OPS1), ("PUT", OPS1)]
    assert server.calls("PUT")[0]["json"]["roleIds"] == [OPERATOR_ROLE["id"]]


def test_roles_given_as_bare_ids_on_the_user_are_resolved_through_the_role_list(server):
    server.add("GET", OPS1, body=user_body(roles=[OPERATOR_ROLE["id"]])).add("GET", ROLES, body=ROLE_LIST)
    result = run(server, name="ops1", roles=["Portal Operator"])
    assert not result["changed"]
    assert api_calls(server) == [("GET", OPS1), ("GET", ROLES)]


def test_description_change_keeps_the_roles_and_shows_a_diff(server):
    server.add("GET", OPS1, body=user_body(description="old", extra={"kept": True}))
    server.add("PUT", OPS1, body={"user": user_body(description="new"), "issues": [{"severity": "Warning", "message": "audit on"}]})
    result = run(server, name="ops1", description="new")
    assert result["changed"]
    assert server.calls("PUT")[0]["json"] == {"description": "new", "roleIds": [OPERATOR_ROLE["id"]]}
    assert (result["diff"]["before"]["description"], result["diff"]["after"]["description"]) == ("old", "new")
    assert warning_texts(result) == ["Veeam Backup for Google Cloud reported: Warning: audit on"]


def test_update_in_check_mode_predicts_without_writing(server):
    server.add("GET", OPS1, body=user_body(description="old"))
    result = run(server, check_mode=True, name="ops1", description="new")
    assert result["changed"]
    assert result["user"]["description"] == "new"
    assert writes(server) == []


def test_server_failure_on_write_is_reported_and_the_token_revoked(server):
    server.add("GET", OPS1, body=user_body(description="old"))
    server.add("PUT", OPS1, status=403, body={"title": "Forbidden", "details": "Only Portal Administrators may manage users."})
    result = run(server, credentials=True, name="ops1", description="new")
    assert result["failed"]
    assert result["msg"] == "PUT /api/v1/users/ops1: HTTP 403 Only Portal Administrators may manage users."
    assert result["status"] == 403
    assert server.calls("DELETE", TOKEN)


def test_expired_token_with_credentials_logs_in_again(server):
    server.add("GET", OPS1, status=401, body={"title": "Unauthorized", "errorCode": "ExpiredToken"}).add("GET", OPS1, body=user_body())
    result = run(server, credentials=True, auth_token="expired-token", name="ops1")
    assert not result["changed"]
    assert [c["headers"]["Authorization"] for c in server.calls("GET")] == ["Bearer expired-token", "Bearer minted-at"]


def test_503_once_is_retried(server):
    server.add("GET", OPS1, status=503, headers={"Retry-After": "0"}).add("GET", OPS1, body=user_body())
    result = run(server, name="ops1")
    assert not result["changed"]
    assert "HTTP 503; retry 1 of 4" in warning_texts(result)[0]


# --- passwords --------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, body", [(200, {"access_token": "ops1-token"}), (202, {"mfa_token": "challenge"})])
def test_always_with_a_working_password_changes_nothing(server, status, body):
    server.add("GET", OPS1, body=user_body())
    server.add("POST", TOKEN, status=status, body=body).add("DELETE", TOKEN, status=204)
    result = run(server, name="ops1", password="right", update_password="always")
    assert not result["changed"]
    assert writes(server) == []
    assert server.calls("POST", TOKEN)[0]["form"] == {"grant_type": "password", "username": "ops1", "password": "right"}
    assert [c["headers"]["Authorization"] for c in server.calls("DELETE")] == (["Bearer ops1-token"] if status == 200 else [])


def test_always_with_a_new_password_changes_it_with_the_old_one(server):
    server.add("GET", OPS1, body=user_body()).add("POST", TOKEN, status=401, body={"title": "Unauthorized"})
    server.add("POST", OPS1 + "/changePassword", status=201, body={"user": user_body(), "issues": []})
    result = run(server, name="ops1", password="new-secret", old_password="old-secret", update_password="always")
    assert result["changed"]
    assert server.calls("POST", OPS1 + "/changePassword")[0]["json"] == {"password": "new-secret", "oldPassword": "old-secret"}
    assert result["diff"]["after"]["password"] == MASK
    assert "password" not in result["diff"]["before"]
    assert "new-secret" not in json.dumps(result) and "old-secret" not in json.dumps(result)


def test_always_in_check_mode_tests_the_password_but_does_not_change_it(server):
    server.add("GET", OPS1, body=user_body()).add("POST", TOKEN, status=401)
    result = run(server, check_mode=True, name="ops1", password="new", old_password="old", update_password="always")
    assert result["changed"]
    assert writes(server) == []


def test_always_without_old_password_fails_naming_it(server):
    server.add("GET", OPS1, body=user_body()).add("POST", TOKEN, status=401)
    result = run(server, name="ops1", password="new", update_password="always")
    assert result["failed"]
    assert "give old_password" in result["msg"]
    assert writes(server) == []


def test_wrong_old_password_is_explained(server):
    server.add("GET", OPS1, body=user_body()).add("POST", TOKEN, status=401)
    server.add("POST", OPS1 + "/changePassword", status=400, body={"title": "Bad Request", "details": "The current password (oldPassword) is not correct."})
    result = run(server, name="ops1", password="new-secret", old_password="wrong-secret", update_password="always")
    assert result["failed"]
    assert "Check that old_password is the current password" in result["msg"]


def test_on_create_ignores_the_password_of_an_existing_user(server):
    server.add("GET", OPS1, body=user_body())
    result = run(server, name="ops1", password="whatever")
    assert not result["changed"]
    assert len(server.calls()) == 1


# --- remove -----------------------------------------------------------------------------------------

def test_absent_removes_the_user(server):
    server.add("GET", OPS1, body=user_body()).add("DELETE", OPS1, status=204)
    result = run(server, name="ops1", state="absent")
    assert result["changed"]
    assert result["user"] == {}
    assert result["diff"] == {"before": user_body(), "after": {}}
    assert api_calls(server) == [("GET", OPS1), ("DELETE", OPS1)]


def test_absent_in_check_mode_does_not_delete(server):
    server.add("GET", OPS1, body=user_body())
    result = run(server, check_mode=True, name="ops1", state="absent")
    assert result["changed"]
    assert writes(server) == []


def test_absent_when_missing_changes_nothing(server):
    server.add("GET", OPS1, status=404)
    result = run(server, name="ops1", state="absent")
    assert not result["changed"]
    assert api_calls(server) == [("GET", OPS1)]


@pytest.mark.parametrize("marker", [{"type": "DefaultAdmin"}, {"type": "Regular", "isDefault": True}])
def test_the_default_administrator_is_never_removed(server, marker):
    server.add("GET", USERS + "/admin", body=user_body("admin", roles=[ADMIN_ROLE], **marker))
    result = run(server, credentials=True, name="admin", state="absent")
    assert result["failed"]
    assert "admin is the Default Administrator of the appliance, which cannot be removed" in result["msg"]
    assert writes(server) == []
    assert server.calls("DELETE", TOKEN)
