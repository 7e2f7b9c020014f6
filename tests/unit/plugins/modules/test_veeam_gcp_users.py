# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_gcp_users against a real local HTTP server scripted as the VBGC appliance."""

from __future__ import annotations

import json

from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.modules import veeam_gcp_users
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    ALL_ROLES,
    OPERATOR_ROLE,
    RESTORE_ROLE,
    ROLES,
    USERS,
    api_calls,
    run_vbgc_module,
    user_body,
)

ROLE_LIST = {"data": ALL_ROLES, "pagination": {"total": 3, "count": 3, "offset": 0, "limit": 100}}
ADMIN = user_body(name="admin", type="DefaultAdmin")


def user_list(*users):
    return {"data": list(users), "pagination": {"total": len(users), "count": len(users), "offset": 0, "limit": 100}}


def run(server, users, **options):
    return run_vbgc_module(veeam_gcp_users, server, users=users, **options)


def writes(server):
    return [call for call in api_calls(server) if call[0] != "GET"]


def test_input_problems_of_every_item_are_listed_before_any_request(server):
    result = run(server, [{"name": "Ops1"}, {"name": "ops2", "roles": []}, {"name": "ops3"}, {"name": "ops3"}])
    assert result["failed"]
    assert "Ops1: name='Ops1' is not a valid VBGC user name" in result["msg"]
    assert "ops2: roles must list at least one role" in result["msg"]
    assert "ops3: listed more than once" in result["msg"]
    assert server.calls() == []


def test_item_options_are_validated_like_the_single_module(server):
    result = run(server, [{"name": "ops1", "update_password": "always"}])
    assert result["failed"]
    assert "update_password is always but" in result["msg"]
    assert server.calls() == []


def test_one_list_read_one_role_read_then_one_write_per_change(server):
    existing = user_body(name="ops1", description="old", roles=[OPERATOR_ROLE])
    server.add("GET", USERS, body=user_list(ADMIN, existing, user_body(name="gone")))
    server.add("GET", ROLES, body=ROLE_LIST)
    server.add("PUT", USERS + "/ops1", body={"user": dict(existing, description="new"), "issues": []})
    server.add("POST", USERS, body={"user": user_body(name="ops2", roles=[RESTORE_ROLE]), "issues": []})
    server.add("DELETE", USERS + "/gone", body={"success": True, "issues": []})
    users = [
        {"name": "ops1", "description": "new", "roles": ["Portal Operator"]},
        {"name": "ops2", "roles": ["restore operator"], "password": "pw&+1"},
        {"name": "gone", "state": "absent"},
        {"name": "never", "state": "absent"},
    ]
    result = run(server, users)
    assert result["changed"]
    assert [(item["item"], item["action"]) for item in result["users"]] == [
        ("ops1", "updated"), ("ops2", "created"), ("gone", "removed"), ("never", "unchanged")]
    assert api_calls(server) == [("GET", USERS), ("GET", ROLES), ("PUT", USERS + "/ops1"), ("POST", USERS),
                                 ("DELETE", USERS + "/gone")]
    assert server.calls("POST", USERS)[0]["json"]["roleIds"] == [RESTORE_ROLE["id"]]
    assert [diff["before_header"] for diff in result["diff"]] == ["ops1", "ops2", "gone"]
    assert result["diff"][1]["after"]["password"] == MASK
    assert "pw&+1" not in json.dumps(result)


def test_a_list_already_in_place_is_one_request_with_a_token(server):
    server.add("GET", USERS, body=user_list(user_body(name="ops1", roles=[OPERATOR_ROLE, RESTORE_ROLE])))
    result = run(server, [{"name": "ops1", "roles": ["Restore Operator", OPERATOR_ROLE["id"]], "password": "pw"}])
    assert not result["changed"]
    assert result["users"][0]["action"] == "unchanged"
    assert api_calls(server) == [("GET", USERS)]


def test_check_mode_predicts_every_item_and_writes_nothing(server):
    server.add("GET", USERS, body=user_list(user_body(name="ops1")))
    server.add("GET", ROLES, body=ROLE_LIST)
    result = run(server, [{"name": "ops1", "description": "d"}, {"name": "ops2", "roles": ["Portal Operator"], "password": "pw"}],
                 check_mode=True)
    assert [item["action"] for item in result["users"]] == ["updated", "created"]
    assert result["users"][1]["user"]["roles"] == [OPERATOR_ROLE]
    assert writes(server) == []


def test_problems_against_the_appliance_are_all_named_and_nothing_is_written(server):
    server.add("GET", USERS, body=user_list(ADMIN, user_body(name="ops1")))
    server.add("GET", ROLES, body=ROLE_LIST)
    users = [
        {"name": "ops1", "description": "would change"},
        {"name": "new1", "roles": ["Portal Operator"]},
        {"name": "new2", "roles": ["Backup Viewer"], "password": "pw"},
        {"name": "admin", "state": "absent"},
    ]
    result = run(server, users)
    assert result["failed"]
    assert result["msg"].startswith("users do not fit the appliance, nothing was changed.")
    assert "new1: user new1 does not exist; creating it needs password." in result["msg"]
    assert "new2: roles: unknown role 'Backup Viewer'" in result["msg"]
    assert "admin: user admin is the Default Administrator" in result["msg"]
    assert writes(server) == []


def test_a_failed_write_names_the_item_and_returns_the_items_done_before_it(server):
    server.add("GET", USERS, body=user_list(user_body(name="ops1"), user_body(name="ops2")))
    server.add("PUT", USERS + "/ops1", body={"user": user_body(name="ops1", description="x"), "issues": []})
    server.add("PUT", USERS + "/ops2", status=500, body={"title": "Internal Server Error", "status": 500}, sticky=True)
    result = run(server, [{"name": "ops1", "description": "x"}, {"name": "ops2", "description": "x"},
                          {"name": "ops3", "state": "absent"}])
    assert result["failed"]
    assert result["changed"] is True
    assert result["msg"].startswith("ops2: PUT /api/v1/users/ops2: HTTP 500")
    assert result["status"] == 500
    assert [item["item"] for item in result["users"]] == ["ops1"]
    assert ("DELETE", USERS + "/ops3") not in api_calls(server)
