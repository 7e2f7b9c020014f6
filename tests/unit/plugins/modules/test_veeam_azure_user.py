# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_azure_user against a real local HTTP server scripted as the VBAzure appliance."""

from __future__ import annotations

import json

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.modules import veeam_azure_user
from ansible_collections.veeam_community.backup.tests.unit.utils.vbazure_fixtures import (
    OPS1,
    TOKEN,
    USERS,
    page,
    run_vbazure_module,
    user_body,
    writes,
)

CREATE = {"name": "ops1", "description": "night", "role": "PortalOperator", "password": "pw&+1-long-enough"}


def run(server, **options):
    return run_vbazure_module(veeam_azure_user, server, **options)


@pytest.mark.parametrize("options, words", [
    ({"name": " ops1"}, "not a valid VBAzure user name"),
    ({"name": "idp", "type": "IdentityProvider", "password": "x"}, "have no password here"),
    ({"name": "ops1", "identity_provider_entity_id": "e1"}, "only for type=IdentityProvider"),
    ({"name": "ops1", "update_password": "always"}, "update_password is always but"),
    ({"name": "ops1", "role": "Admin"}, "value of role must be one of"),
])
def test_bad_input_fails_before_any_request(server, options, words):
    result = run(server, **options)
    assert result["failed"]
    assert words in result["msg"]
    assert server.calls() == []


def test_create_posts_the_documented_body_and_masks_the_password(server):
    server.add("GET", USERS, body=page())
    server.add("POST", USERS, status=201, body=user_body())
    result = run(server, **CREATE)
    assert result["changed"]
    assert server.calls("POST", USERS)[0]["json"] == dict(CREATE, type="Internal")
    assert server.calls("GET", USERS)[0]["query"]["NameFilter"] == ["ops1"]
    assert result["diff"]["after"]["password"] == MASK
    assert "pw&+1-long-enough" not in json.dumps(result)


def test_a_create_answered_503_after_the_appliance_acted_reports_the_user_this_task_created(server):
    server.add("GET", USERS, body=page()).add("POST", USERS, status=503)
    server.add("GET", USERS, body=page(user_body()))  # the user the first POST made
    server.add("POST", USERS, status=409, body={"title": "A user with this name already exists."})
    result = run(server, **CREATE)
    assert result["changed"] and result["user"]["id"] == "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert writes(server) == [("POST", USERS)]


def test_a_name_in_another_case_is_the_same_user(server):
    server.add("GET", USERS, body=page(user_body(name="OPS1")))
    result = run(server, **CREATE)
    assert not result["changed"] and writes(server) == []


def test_create_without_description_is_refused_before_any_write(server):
    server.add("GET", USERS, body=page())
    result = run(server, name="ops1", role="PortalOperator", password="pw&+1-long-enough")
    assert result["failed"]
    assert "creating it needs description" in result["msg"]
    assert writes(server) == []


def test_check_mode_predicts_the_create_without_writing(server):
    server.add("GET", USERS, body=page())
    result = run(server, check_mode=True, **CREATE)
    assert result["changed"]
    assert writes(server) == []


def test_the_same_user_again_is_unchanged_with_one_read(server):
    server.add("GET", USERS, body=page(user_body(name="ops10", user_id="other"), user_body()))
    result = run(server, **CREATE)
    assert not result["changed"]
    assert [call["method"] for call in server.calls()] == ["GET"]


def test_a_new_role_is_put_by_id(server):
    server.add("GET", USERS, body=page(user_body()))
    server.add("PUT", OPS1, body=user_body(role="RestoreOperator"))
    result = run(server, name="ops1", role="RestoreOperator")
    assert result["changed"]
    assert server.calls("PUT", OPS1)[0]["json"] == {"description": "night", "role": "RestoreOperator"}
    assert result["diff"]["before"]["role"] == "PortalOperator"
    assert result["diff"]["after"]["role"] == "RestoreOperator"


def test_update_password_always_keeps_a_password_that_works(server):
    server.add("GET", USERS, body=page(user_body()))
    server.add("POST", TOKEN, body={"access_token": "ops1-token"}).add("DELETE", TOKEN, status=204)
    result = run(server, name="ops1", password="pw&+1-long-enough", update_password="always")
    assert not result["changed"]
    assert server.calls("POST", TOKEN)[0]["form"]["username"] == "ops1"
    assert server.calls("DELETE", TOKEN)[0]["headers"]["Authorization"] == "Bearer ops1-token"
    assert writes(server) == []


def test_an_mfa_challenge_means_the_password_works(server):
    server.add("GET", USERS, body=page(user_body(mfaEnabled=True)))
    server.add("POST", TOKEN, body={"mfa_token": "challenge", "expires_in": 0})
    result = run(server, name="ops1", password="pw&+1-long-enough", update_password="always")
    assert not result["changed"]
    assert writes(server) == []


def test_a_password_that_fails_is_changed_with_the_admins_password(server):
    server.add("POST", TOKEN, body={"access_token": "admin-token"})
    server.add("POST", TOKEN, status=401, body={"title": "Unauthorized", "status": 401})
    server.add("DELETE", TOKEN, status=204)
    server.add("GET", USERS, body=page(user_body()))
    server.add("POST", OPS1 + "/changePassword", status=204)
    result = run(server, auth_username="admin", auth_password="admin-pw", auth_token=None, name="ops1",
                 password="new-pw-long-enough", update_password="always")
    assert result["changed"], result
    expected = {"newPassword": "new-pw-long-enough", "adminsPassword": "admin-pw"}
    assert server.calls("POST", OPS1 + "/changePassword")[0]["json"] == expected
    assert "new-pw-long-enough" not in json.dumps(result) and "admin-pw" not in json.dumps(result)


def test_a_token_only_connection_cannot_change_a_password(server):
    server.add("GET", USERS, body=page(user_body()))
    server.add("POST", TOKEN, status=401, body={"title": "Unauthorized", "status": 401})
    result = run(server, name="ops1", password="new-pw-long-enough", update_password="always")
    assert result["failed"]
    assert "auth_token only" in result["msg"]
    assert writes(server) == []


def test_a_password_for_an_identity_provider_user_is_refused(server):
    server.add("GET", USERS, body=page(user_body(type="IdentityProvider")))
    result = run(server, name="ops1", password="pw&+1-long-enough", update_password="always")
    assert result["failed"]
    assert "IdentityProvider user" in result["msg"]
    assert writes(server) == []


def test_the_default_administrator_is_not_removed(server):
    server.add("GET", USERS, body=page(user_body(name="admin", isDefault=True, role="PortalAdmin")))
    result = run(server, name="admin", state="absent")
    assert result["failed"]
    assert "default administrator" in result["msg"]
    assert writes(server) == []


def test_remove_deletes_by_id_and_again_is_unchanged(server):
    server.add("GET", USERS, body=page(user_body())).add("DELETE", OPS1, status=204)
    assert run(server, name="ops1", state="absent")["changed"]
    server.add("GET", USERS, body=page())
    assert not run(server, name="ops1", state="absent")["changed"]


def test_a_problem_json_refusal_names_the_field(server):
    server.add("GET", USERS, body=page())
    problem = {"type": "about:blank", "title": "Bad Request", "status": 400,
               "detail": "One or more validation errors occurred.",
               "errors": {"password": ["The password must be at least 8 characters long."]}}
    server.add("POST", USERS, status=400, body=problem, headers={"Content-Type": "application/problem+json"})
    server.add("GET", USERS, body=page())
    result = run(server, **CREATE)
    assert result["failed"]
    assert "password: The password must be at least 8 characters long." in result["msg"]
