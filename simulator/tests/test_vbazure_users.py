"""VBAzure /api/v8.1/users: list with NameFilter/Offset/Limit, create, read, update, delete, passwords, errors."""

import pytest
from conftest import running_simulator
from vbaz_openapi import PASSWORD, USERS, Vbaz, problem


def test_the_default_admin_is_listed(vbaz, sim, admin_token):
    page = vbaz.users(admin_token)
    assert (page["offset"], page["limit"], page["totalCount"]) == (0, 100, 1)
    admin = page["results"][0]
    assert (admin["name"], admin["role"], admin["type"], admin["isDefault"], admin["mfaEnabled"]) == (
        sim.username, "PortalAdmin", "Internal", True, False)


def test_create_then_read(vbaz, admin_token):
    response = vbaz.call("POST", USERS, admin_token, json={"name": "ops1", "description": "Operator",
                                                           "role": "RestoreOperator", "password": PASSWORD})
    assert response.status_code == 201
    created = response.json()
    assert response.headers["Location"] == f"{USERS}/{created['id']}"
    assert (created["name"], created["description"], created["role"], created["type"], created["isDefault"]) == (
        "ops1", "Operator", "RestoreOperator", "Internal", False)
    assert vbaz.call("GET", f"{USERS}/{created['id']}", admin_token).json() == created
    assert vbaz.login("ops1", PASSWORD)


@pytest.mark.parametrize("role", ["PortalAdmin", "PortalOperator", "RestoreOperator", "ReadOnlyUser",
                                  "IntegrationOperator", "VeeamUpdater"])
def test_every_role_can_be_given(vbaz, admin_token, role):
    assert vbaz.create(admin_token, role=role)["role"] == role


def test_identity_provider_user_has_no_password(vbaz, admin_token):
    body = {"name": "idp1@example.com", "description": "", "role": "ReadOnlyUser", "type": "IdentityProvider"}
    problem(vbaz.call("POST", USERS, admin_token, json=body), 400, "identityProviderEntityId")
    problem(vbaz.call("POST", USERS, admin_token, json={**body, "identityProviderEntityId": "e1", "password": "x"}),
            400, "password")
    created = vbaz.call("POST", USERS, admin_token, json={**body, "identityProviderEntityId": "e1"}).json()
    assert (created["type"], created["identityProviderEntityId"]) == ("IdentityProvider", "e1")
    problem(vbaz.password_grant("idp1@example.com", "anything1"), 401)
    problem(vbaz.call("PUT", f"{USERS}/{created['id']}", admin_token, json={"password": PASSWORD}), 400, "password")


@pytest.mark.parametrize(("change", "field"), [
    ({"description": None}, "description"), ({"name": None}, "name"), ({"name": ""}, "name"),
    ({"name": " padded"}, "name"), ({"role": "Unknown"}, "role"), ({"role": None}, "role"),
    ({"role": "Portal Administrator"}, "role"), ({"password": "short"}, "password"), ({"password": None}, "password"),
    ({"type": "Local"}, "type"), ({"identityProviderEntityId": "e1"}, "identityProviderEntityId"),
    ({"roleIds": []}, "roleIds"), ({"description": 5}, "description"),
])
def test_create_refuses_bad_input_naming_the_field(vbaz, sim, admin_token, change, field):
    body = {"name": "bad1", "description": "", "role": "ReadOnlyUser", "password": PASSWORD, **change}
    problem(vbaz.call("POST", USERS, admin_token, json={k: v for k, v in body.items() if v is not None}), 400, field)
    assert vbaz.users(admin_token)["totalCount"] == 1
    assert not [entry for entry in sim.journal() if entry["mutated"]]


def test_names_are_unique_in_any_case(vbaz, sim, admin_token):
    vbaz.create(admin_token, "Ops1")
    problem(vbaz.call("POST", USERS, admin_token, json={"name": "OPS1", "description": "", "role": "ReadOnlyUser",
                                                        "password": PASSWORD}), 400, "name")
    problem(vbaz.call("POST", USERS, admin_token, json={"name": sim.username.upper(), "description": "",
                                                        "role": "ReadOnlyUser", "password": PASSWORD}), 400, "name")


def test_a_body_that_is_not_json_is_415(vbaz, admin_token):
    response = vbaz.call("POST", USERS, admin_token, data="name=x", headers={"Content-Type": "text/plain"})
    problem(response, 415)


def test_unknown_id_is_404(vbaz, admin_token):
    for method in ("GET", "PUT", "DELETE"):
        problem(vbaz.call(method, f"{USERS}/no-such-user", admin_token, json={}), 404)


def test_paging_and_name_filter(vbaz, admin_token):
    for name in ("alpha", "beta", "Alphabet", "gamma"):
        vbaz.create(admin_token, name)
    page = vbaz.users(admin_token, Offset=1, Limit=2)
    assert (page["offset"], page["limit"], page["totalCount"]) == (1, 2, 5)
    assert [user["name"] for user in page["results"]] == ["alpha", "beta"]
    assert [user["name"] for user in vbaz.users(admin_token, Limit=-1)["results"]][1:] == [
        "alpha", "beta", "Alphabet", "gamma"]
    assert vbaz.users(admin_token, Limit=0)["results"] == []
    filtered = vbaz.users(admin_token, NameFilter="alpha")
    assert (filtered["totalCount"], [user["name"] for user in filtered["results"]]) == (2, ["alpha", "Alphabet"])
    assert vbaz.users(admin_token, NameFilter="nobody")["totalCount"] == 0


@pytest.mark.parametrize(("query", "field"), [({"Offset": -1}, "Offset"), ({"Limit": -2}, "Limit"),
                                              ({"Offset": "x"}, "Offset"), ({"Limit": "1.5"}, "Limit")])
def test_bad_paging_400(vbaz, admin_token, query, field):
    problem(vbaz.call("GET", USERS, admin_token, params=query), 400, field)


def test_update_changes_only_what_is_given(vbaz, sim, admin_token):
    user = vbaz.create(admin_token)
    path = f"{USERS}/{user['id']}"
    updated = vbaz.call("PUT", path, admin_token, json={"description": "new", "role": "ReadOnlyUser"})
    assert updated.status_code == 200
    assert (updated.json()["description"], updated.json()["role"], updated.json()["name"]) == (
        "new", "ReadOnlyUser", "ops1")
    renamed = vbaz.call("PUT", path, admin_token, json={"name": "ops2", "password": "Other#Pass2"}).json()
    assert renamed["name"] == "ops2"
    assert vbaz.login("ops2", "Other#Pass2")
    sim.control("DELETE", "/journal")
    assert vbaz.call("PUT", path, admin_token, json={"description": "new"}).status_code == 200
    assert [entry["mutated"] for entry in sim.journal()] == [False]


def test_the_default_admin_keeps_its_name_and_role_and_stays(vbaz, admin_token):
    admin = vbaz.users(admin_token)["results"][0]
    path = f"{USERS}/{admin['id']}"
    problem(vbaz.call("PUT", path, admin_token, json={"role": "ReadOnlyUser"}), 400, "role")
    problem(vbaz.call("PUT", path, admin_token, json={"name": "root"}), 400, "name")
    problem(vbaz.call("DELETE", path, admin_token), 400)
    assert vbaz.call("PUT", path, admin_token, json={"description": "the boss"}).json()["description"] == "the boss"


def test_delete_removes_the_user_and_its_sessions(vbaz, admin_token):
    user = vbaz.create(admin_token)
    token = vbaz.login("ops1", PASSWORD)
    assert vbaz.call("DELETE", f"{USERS}/{user['id']}", admin_token).status_code == 204
    problem(vbaz.call("GET", f"{USERS}/{user['id']}", admin_token), 404)
    problem(vbaz.call("POST", f"{USERS}/changePassword", token,
                      json={"currentPassword": PASSWORD, "newPassword": "Other#Pass2"}), 401)


def test_only_portal_admins_manage_users(vbaz, admin_token):
    vbaz.create(admin_token, role="PortalOperator")
    operator = vbaz.login("ops1", PASSWORD)
    body = problem(vbaz.call("GET", USERS, operator), 403)
    assert "PortalAdmin" in body["title"]
    problem(vbaz.call("POST", USERS, operator, json={"name": "x", "description": "x", "password": PASSWORD}), 403)


def test_change_password_needs_the_admins_own_password(vbaz, sim, admin_token):
    user = vbaz.create(admin_token)
    path = f"{USERS}/{user['id']}/changePassword"
    refused = vbaz.call("POST", path, admin_token, json={"newPassword": "Other#Pass2", "adminsPassword": PASSWORD})
    problem(refused, 400, "adminsPassword")
    assert sim.control("POST", "/vbazure/users/ops1/check_password", json={"password": PASSWORD}).json()["valid"]
    problem(vbaz.call("POST", path, admin_token, json={"newPassword": "short", "adminsPassword": sim.password}),
            400, "newPassword")
    problem(vbaz.call("POST", path, admin_token, json={"newPassword": "Other#Pass2"}), 400, "adminsPassword")
    changed = vbaz.call("POST", path, admin_token, json={"newPassword": "Other#Pass2", "adminsPassword": sim.password})
    assert changed.status_code == 204
    assert vbaz.login("ops1", "Other#Pass2")
    problem(vbaz.password_grant("ops1", PASSWORD), 401)


def test_change_own_password(vbaz, admin_token):
    vbaz.create(admin_token, role="ReadOnlyUser")
    token = vbaz.login("ops1", PASSWORD)
    path = f"{USERS}/changePassword"
    problem(vbaz.call("POST", path, token, json={"currentPassword": "wrong-one", "newPassword": "Other#Pass2"}),
            400, "currentPassword")
    assert vbaz.call("POST", path, token, json={"currentPassword": PASSWORD, "newPassword": "Other#Pass2"}).status_code == 204
    assert vbaz.login("ops1", "Other#Pass2")


def test_users_survive_a_restart_and_the_default_admin_follows_the_options(tmp_path):
    state_file = str(tmp_path / "state.db")
    with running_simulator("--state", state_file) as first:
        vbaz = Vbaz(first)
        token = vbaz.login()
        user_id = vbaz.create(token)["id"]
        admin_id = vbaz.users(token)["results"][0]["id"]
    with running_simulator("--state", state_file, "--username", "root", "--password", "root-password") as second:
        vbaz = Vbaz(second)
        users = vbaz.users(vbaz.login("root", "root-password"))["results"]
        assert [(user["id"], user["name"], user["isDefault"]) for user in users] == [
            (admin_id, "root", True), (user_id, "ops1", False)]
        assert vbaz.login("ops1", PASSWORD)


def test_injected_faults_answer_in_the_problem_shape(vbaz, sim, admin_token):
    fault = {"method": "POST", "path": "/api/v8.1/users", "status": 503, "retry_after": 7}
    assert sim.control("POST", "/faults", json=fault).status_code == 201
    body = {"name": "ops1", "description": "", "role": "ReadOnlyUser", "password": PASSWORD}
    answer = sim.http.post(vbaz.url + USERS, json=body, headers={"Authorization": f"Bearer {admin_token}"})
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "7")
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert set(answer.json()) == {"type", "title", "status", "detail", "traceId"}
    assert vbaz.call("POST", USERS, admin_token, json=body).status_code == 201
    assert [entry["fault"] is not None for entry in sim.journal() if entry["method"] == "POST"][-2:] == [True, False]
