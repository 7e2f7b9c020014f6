"""VBGC users and roles: CRUD, rules, aliases, permissions and changePassword."""

import pytest
from conftest import PORTAL_ADMINISTRATOR, PORTAL_OPERATOR, RESTORE_OPERATOR
from test_vbgc_token import assert_error

ROLE_IDS = {
    PORTAL_ADMINISTRATOR: "7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c01",
    PORTAL_OPERATOR: "7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c02",
    RESTORE_OPERATOR: "7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c03",
}


USER_PASSWORD = "Secret#123"


def create_user(sim, token, name="ops1", roles=(PORTAL_OPERATOR,), password=USER_PASSWORD, **fields):
    body = {"name": name, "password": password, "roleIds": [ROLE_IDS[role] for role in roles], **fields}
    return sim.vbgc("POST", "/api/v1/users", token, json=body)


def test_roles_are_the_three_built_ins_at_stable_ids(sim, vbgc_token):
    response = sim.vbgc("GET", "/api/v1/users/roles", vbgc_token)
    assert response.status_code == 200
    body = response.json()
    assert {role["name"]: role["id"] for role in body["data"]} == ROLE_IDS
    assert all(role["description"] for role in body["data"])
    assert body["pagination"] == {"total": 3, "count": 3, "offset": 0, "limit": 100}


def test_default_admin_in_list(sim, vbgc_token):
    body = sim.vbgc("GET", "/api/v1/users", vbgc_token).json()
    assert body["data"] == [{"name": sim.username, "description": "", "mfaEnabled": False, "type": "DefaultAdmin",
                             "roles": [{"id": ROLE_IDS[PORTAL_ADMINISTRATOR], "name": PORTAL_ADMINISTRATOR}]}]
    assert body["pagination"]["total"] == 1


def test_create_get_update_delete(sim, vbgc_token):
    created = create_user(sim, vbgc_token, description="night shift")
    assert created.status_code == 200
    user = {"name": "ops1", "description": "night shift", "mfaEnabled": False, "type": "Regular",
            "roles": [{"id": ROLE_IDS[PORTAL_OPERATOR], "name": PORTAL_OPERATOR}]}
    assert created.json() == {"user": user, "issues": []}
    assert sim.vbgc("GET", "/api/v1/users/ops1", vbgc_token).json() == user
    updated = sim.vbgc("PUT", "/api/v1/users/ops1", vbgc_token,
                       json={"roleIds": [ROLE_IDS[RESTORE_OPERATOR], ROLE_IDS[PORTAL_OPERATOR]]})
    assert updated.status_code == 200
    assert [role["name"] for role in updated.json()["user"]["roles"]] == [RESTORE_OPERATOR, PORTAL_OPERATOR]
    assert updated.json()["user"]["description"] == "night shift"
    described = sim.vbgc("PUT", "/api/v1/users/ops1", vbgc_token, json={"description": ""})
    assert described.json()["user"]["description"] == ""
    assert len(described.json()["user"]["roles"]) == 2
    deleted = sim.vbgc("DELETE", "/api/v1/users/ops1", vbgc_token)
    assert deleted.status_code == 204
    assert_error(sim.vbgc("GET", "/api/v1/users/ops1", vbgc_token), 404, "NotFound")
    assert_error(sim.vbgc("DELETE", "/api/v1/users/ops1", vbgc_token), 404)
    assert_error(sim.vbgc("PUT", "/api/v1/users/ops1", vbgc_token, json={}), 404)


@pytest.mark.parametrize("name", ["Ops1", "a" * 33, "ops@1", "ops 1", "ops.1", "", "ops/1", "é"])
def test_name_rule(sim, vbgc_token, name):
    assert_error(create_user(sim, vbgc_token, name=name), 400)


@pytest.mark.parametrize("name", ["a" * 32, "ops_1-x", "0"])
def test_valid_names(sim, vbgc_token, name):
    assert create_user(sim, vbgc_token, name=name).status_code == 200


@pytest.mark.parametrize("role_ids", [None, [], ["00000000-0000-0000-0000-000000000000"], ["Portal Operator"], "x"])
def test_role_ids_are_required_and_known(sim, vbgc_token, role_ids):
    body = {"name": "ops1", "password": "Secret#123"}
    if role_ids is not None:
        body["roleIds"] = role_ids
    assert_error(sim.vbgc("POST", "/api/v1/users", vbgc_token, json=body), 400)


def test_password_policy_is_configurable(sim, vbgc_token):
    assert_error(create_user(sim, vbgc_token, password="short"), 400)
    sim.control("PUT", "/config", json={"password_min_length": 4})
    assert create_user(sim, vbgc_token, password="four").status_code == 200


def test_duplicate_name_is_409(sim, vbgc_token):
    create_user(sim, vbgc_token)
    assert_error(create_user(sim, vbgc_token, roles=(RESTORE_OPERATOR,)), 409)
    assert_error(create_user(sim, vbgc_token, name=sim.username), 409)


def test_create_body_checks(sim, vbgc_token):
    assert_error(sim.vbgc("POST", "/api/v1/users", vbgc_token, data={"name": "x"}), 415)
    assert_error(sim.vbgc("POST", "/api/v1/users", vbgc_token, json=["x"]), 400)
    assert_error(create_user(sim, vbgc_token, description=5), 400)


def test_update_checks(sim, vbgc_token):
    create_user(sim, vbgc_token)
    assert_error(sim.vbgc("PUT", "/api/v1/users/ops1", vbgc_token, json={"roleIds": []}), 400)
    assert_error(sim.vbgc("PUT", "/api/v1/users/ops1", vbgc_token, json={"roleIds": ["nope"]}), 400)
    demote = sim.vbgc("PUT", f"/api/v1/users/{sim.username}", vbgc_token,
                      json={"roleIds": [ROLE_IDS[PORTAL_OPERATOR]]})
    assert_error(demote, 400)


def test_default_admin_cannot_be_removed(sim, vbgc_token):
    response = sim.vbgc("DELETE", f"/api/v1/users/{sim.username}", vbgc_token)
    assert_error(response, 400)
    assert "Default Administrator" in response.json()["details"]


@pytest.mark.parametrize("prefix", ["/api/v1/users", "/api/v1/accounts/users"])
def test_alias_paths(sim, vbgc_token, prefix):
    assert sim.vbgc("POST", prefix, vbgc_token, json={"name": "ops2", "password": "Secret#123",
                                                      "roleIds": [ROLE_IDS[PORTAL_OPERATOR]]}).status_code == 200
    assert sim.vbgc("GET", f"{prefix}/roles", vbgc_token).json()["pagination"]["total"] == 3
    assert sim.vbgc("GET", prefix, vbgc_token).json()["pagination"]["total"] == 2
    assert sim.vbgc("GET", f"{prefix}/ops2", vbgc_token).status_code == 200
    assert sim.vbgc("PUT", f"{prefix}/ops2", vbgc_token, json={"description": "d"}).status_code == 200
    assert sim.vbgc("POST", f"{prefix}/ops2/mfaEnable", vbgc_token, json={"recreate": False}).status_code == 200
    assert sim.vbgc("POST", f"{prefix}/ops2/mfaDisable", vbgc_token).status_code == 200
    changed = sim.vbgc("POST", f"{prefix}/ops2/changePassword", vbgc_token,
                       json={"password": "Other#1234", "oldPassword": "Secret#123"})
    assert changed.status_code == 201
    assert sim.vbgc("DELETE", f"{prefix}/ops2", vbgc_token).status_code == 204


@pytest.mark.parametrize("role", [PORTAL_OPERATOR, RESTORE_OPERATOR])
def test_non_admins_get_403(sim, vbgc_token, role):
    create_user(sim, vbgc_token, roles=(role,))
    create_user(sim, vbgc_token, name="other")
    token = sim.vbgc_login("ops1", "Secret#123")
    requests_ = [("GET", "/api/v1/users", None), ("GET", "/api/v1/users/roles", None),
                 ("GET", "/api/v1/users/ops1", None), ("POST", "/api/v1/users", {"name": "x", "password": "Secret#123"}),
                 ("PUT", "/api/v1/users/other", {"description": "x"}), ("DELETE", "/api/v1/users/other", None),
                 ("POST", "/api/v1/users/other/mfaEnable", {"recreate": False}),
                 ("POST", "/api/v1/users/other/mfaDisable", None),
                 ("POST", "/api/v1/users/other/changePassword", {"password": "Newpass#1", "oldPassword": "Secret#123"})]
    for method, path, body in requests_:
        assert_error(sim.vbgc(method, path, token, json=body), 403, "AccessDenied")


def test_admin_role_grants_management(sim, vbgc_token):
    create_user(sim, vbgc_token, roles=(PORTAL_OPERATOR, PORTAL_ADMINISTRATOR))
    token = sim.vbgc_login("ops1", "Secret#123")
    assert sim.vbgc_password_grant("ops1", "Secret#123").json()["roleName"] == PORTAL_OPERATOR
    assert sim.vbgc("GET", "/api/v1/users", token).status_code == 200


def test_change_password(sim, vbgc_token):
    create_user(sim, vbgc_token)
    path = "/api/v1/users/ops1/changePassword"
    assert_error(sim.vbgc("POST", path, vbgc_token, json={"password": "Newpass#1", "oldPassword": "wrong"}), 400)
    assert_error(sim.vbgc("POST", path, vbgc_token, json={"password": "short", "oldPassword": "Secret#123"}), 400)
    assert_error(sim.vbgc("POST", path, vbgc_token, json={"password": "Newpass#1"}), 400)
    changed = sim.vbgc("POST", path, vbgc_token, json={"password": "Newpass#1 &+%", "oldPassword": "Secret#123"})
    assert changed.status_code == 201
    assert changed.json() == {"user": sim.vbgc("GET", "/api/v1/users/ops1", vbgc_token).json(), "issues": []}
    assert sim.vbgc_password_grant("ops1", "Secret#123").status_code == 401
    assert sim.vbgc_password_grant("ops1", "Newpass#1 &+%").status_code == 200
    check = sim.control("POST", "/vbgc/users/ops1/check_password", json={"password": "Newpass#1 &+%"})
    assert check.json() == {"valid": True}
    assert_error(sim.vbgc("POST", "/api/v1/users/nobody/changePassword", vbgc_token,
                          json={"password": "Newpass#1", "oldPassword": "x"}), 404)


def test_users_may_change_their_own_password(sim, vbgc_token):
    create_user(sim, vbgc_token, roles=(RESTORE_OPERATOR,))
    token = sim.vbgc_login("ops1", "Secret#123")
    response = sim.vbgc("POST", "/api/v1/users/ops1/changePassword", token,
                        json={"password": "Mine#5678", "oldPassword": "Secret#123"})
    assert response.status_code == 201


def test_deleted_users_tokens_stop_working(sim, vbgc_token):
    create_user(sim, vbgc_token, roles=(PORTAL_ADMINISTRATOR,))
    token = sim.vbgc_login("ops1", "Secret#123")
    assert sim.vbgc("DELETE", "/api/v1/users/ops1", vbgc_token).status_code == 204
    assert_error(sim.vbgc("GET", "/api/v1/users", token), 401)


def test_user_named_like_a_role_path_segment(sim, vbgc_token):
    assert create_user(sim, vbgc_token, name="roles").status_code == 200
    assert sim.vbgc("GET", "/api/v1/users/roles", vbgc_token).json()["pagination"]["total"] == 3
    assert sim.vbgc("DELETE", "/api/v1/users/roles", vbgc_token).status_code == 204
