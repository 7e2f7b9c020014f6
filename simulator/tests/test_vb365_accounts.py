"""VB365 /v8/Accounts: CRUD, filters, rules and errors (every answer is checked against the OpenAPI document)."""

import uuid

import pytest
from conftest import running_simulator
from openapi_schemas import validate

ORG = "5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"


def create(sim, token, **fields):
    body = {"accountType": "azureBlobAccount", "userName": "storage1", "password": "key==", **fields}
    return sim.vb365("POST", "/v8/Accounts", token, json=body)


def test_create_returns_201_without_password(sim, vb365_token):
    response = create(sim, vb365_token, description="main")
    assert response.status_code == 201
    account = response.json()
    assert "password" not in account
    assert account["description"] == "main"
    assert account["organizationId"] is None
    assert account["_links"]["self"]["href"] == f"{sim.ready['vb365_url']}/v8/Accounts/{account['id']}"
    assert response.headers["Location"] == account["_links"]["self"]["href"]
    assert sim.control("GET", f"/vb365/accounts/{account['id']}/secret").json() == {"password": "key=="}


@pytest.mark.parametrize("body", [
    {"accountType": "azureBlobAccount", "userName": "string", "password": "pa$$word",
     "id": "00000000-0000-0000-0000-000000000000", "description": "string",
     "organizationId": "00000000-0000-0000-0000-000000000000", "_links": {}},
    {"accountType": "amazonS3Account", "userName": "AKIAEXAMPLE", "password": "secret",
     "_links": {"self": {"href": "https://elsewhere/v8/Accounts/1"}}},
    {"accountType": "amazonS3CompatibleAccount", "userName": "wasabi-key", "password": "s", "organizationId": None,
     "id": None},
])
def test_request_bodies_allowed_by_the_schema_are_accepted(sim, vb365_token, body):
    validate(body, "RESTAccountToSend")
    response = sim.vb365("POST", "/v8/Accounts", vb365_token, json=body)
    assert response.status_code == 201
    assert response.json()["id"] != body.get("id")  # an id in the body is ignored


def test_get_list_and_one(sim, vb365_token):
    created = create(sim, vb365_token).json()
    listed = sim.vb365("GET", "/v8/Accounts", vb365_token).json()
    assert listed == [created]
    one = sim.vb365("GET", f"/v8/Accounts/{created['id'].upper()}", vb365_token)
    assert one.status_code == 200
    assert one.json() == created


def test_get_unknown_and_malformed_id(sim, vb365_token):
    unknown = sim.vb365("GET", f"/v8/Accounts/{uuid.uuid4()}", vb365_token)
    assert unknown.status_code == 404
    assert unknown.json()["errorCode"] == "ResourceNotFound"
    malformed = sim.vb365("GET", "/v8/Accounts/not-a-uuid", vb365_token)
    assert malformed.status_code == 400
    assert malformed.json()["errorCode"] == "ParameterValidationFailure"


@pytest.fixture
def three_accounts(sim, vb365_token):
    return [create(sim, vb365_token, **fields).json() for fields in (
        {"userName": "prodstore"},
        {"userName": "prodstore", "organizationId": ORG},
        {"accountType": "amazonS3Account", "userName": "AKIAPROD01"},
    )]


@pytest.mark.parametrize(("query", "expected"), [
    ("", [0, 1, 2]),
    ("?accountType=amazonS3Account", [2]),
    (f"?organizationId={ORG}", [1]),
    ("?name=prodstore", [0, 1]),
    ("?name=PROD*", [0, 1]),
    ("?name=*prod*", [0, 1, 2]),
    ("?name=prod", []),
    ("?name=*01", [2]),
    ("?name=prodstor?", [0, 1]),
    ("?name=prodstore?", []),
    ("?name=a*", [2]),
    (f"?name=prod*&accountType=azureBlobAccount&organizationId={ORG}", [1]),
])
def test_list_filters(sim, vb365_token, three_accounts, query, expected):
    response = sim.vb365("GET", f"/v8/Accounts{query}", vb365_token)
    assert response.status_code == 200
    assert [account["id"] for account in response.json()] == [three_accounts[i]["id"] for i in expected]


@pytest.mark.parametrize("query, expected", [("?name=", [0, 1, 2]), ("?ACCOUNTTYPE=amazonS3Account", [2])])
def test_lenient_requests_bind_any_case_and_ignore_empty_values(sim, vb365_token, three_accounts, query, expected):
    """Strict (the default): refused as undeclared (the document declares accountType; OpenAPI forbids an empty
    value); lenient, the simulator binds them as an ASP.NET Core server does (INFERRED)."""
    assert sim.vb365("GET", f"/v8/Accounts{query}", vb365_token).status_code == 400
    sim.control("PUT", "/config", json={"lenient_requests": True})
    response = sim.vb365("GET", f"/v8/Accounts{query}", vb365_token)
    assert [account["id"] for account in response.json()] == [three_accounts[i]["id"] for i in expected]
    assert sim.journal()[-1]["ignored"] and not sim.journal()[-1]["nonconformant"]


@pytest.mark.parametrize("query", ["?accountType=azure", "?organizationId=nope"])
def test_list_rejects_bad_filters(sim, vb365_token, query):
    response = sim.vb365("GET", f"/v8/Accounts{query}", vb365_token)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "ParameterValidationFailure"


@pytest.mark.parametrize("fields", [
    {"accountType": "googleAccount"},
    {"accountType": None},
    {"userName": ""},
    {"userName": 5},
    {"password": ""},
    {"password": None},
    {"description": 7},
    {"organizationId": "not-a-uuid"},
])
def test_create_validation(sim, vb365_token, fields):
    response = create(sim, vb365_token, **fields)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "ParameterValidationFailure"


def test_create_body_must_be_a_json_object(sim, vb365_token):
    assert sim.vb365("POST", "/v8/Accounts", vb365_token, json=[1]).status_code == 400
    bad_json = sim.vb365("POST", "/v8/Accounts", vb365_token, data=b"{",
                         headers={"Content-Type": "application/json"})
    assert bad_json.status_code == 400
    form = sim.vb365("POST", "/v8/Accounts", vb365_token, data={"accountType": "azureBlobAccount"})
    assert form.status_code == 415


def test_duplicates_are_refused(sim, vb365_token):
    assert create(sim, vb365_token).status_code == 201
    duplicate = create(sim, vb365_token, description="other", password="other")
    assert duplicate.status_code == 409
    assert duplicate.json()["errorCode"] == "OperationConflict"
    assert create(sim, vb365_token, organizationId=ORG).status_code == 201
    assert create(sim, vb365_token, accountType="amazonS3CompatibleAccount").status_code == 201


@pytest.mark.parametrize(("rule", "account_type", "allowed"), [
    (None, "azureBlobAccount", False),
    (None, "amazonS3Account", True),
    (None, "amazonS3CompatibleAccount", True),
    ("all", "amazonS3Account", False),
    ("all", "amazonS3CompatibleAccount", False),
    ("none", "azureBlobAccount", True),
    (["amazonS3Account"], "amazonS3Account", False),
    (["amazonS3Account"], "azureBlobAccount", True),
])
def test_lowercase_rule_per_type(sim, vb365_token, rule, account_type, allowed):
    if rule is not None:
        assert sim.control("PUT", "/config", json={"lowercase_rule": rule}).status_code == 200
    response = create(sim, vb365_token, accountType=account_type, userName="MixedCase")
    assert response.status_code == (201 if allowed else 400)
    assert create(sim, vb365_token, accountType=account_type, userName="lower").status_code == 201


def test_put_updates_and_keeps_the_secret_when_left_out(sim, vb365_token):
    account = create(sim, vb365_token).json()
    path = f"/v8/Accounts/{account['id']}"
    response = sim.vb365("PUT", path, vb365_token, json={"accountType": "azureBlobAccount", "userName": "storage1",
                                                         "description": "new", "id": account["id"]})
    assert response.status_code == 204
    assert response.content == b""
    assert sim.vb365("GET", path, vb365_token).json()["description"] == "new"
    assert sim.control("GET", f"/vb365/accounts/{account['id']}/secret").json()["password"] == "key=="
    assert sim.vb365("PUT", path, vb365_token, json={"password": "rotated"}).status_code == 204
    assert sim.control("GET", f"/vb365/accounts/{account['id']}/secret").json()["password"] == "rotated"


def test_put_rules(sim, vb365_token):
    first = create(sim, vb365_token).json()
    create(sim, vb365_token, userName="storage2")
    path = f"/v8/Accounts/{first['id']}"
    assert sim.vb365("PUT", path, vb365_token, json={"accountType": "amazonS3Account"}).status_code == 400
    assert sim.vb365("PUT", path, vb365_token, json={"userName": "Upper"}).status_code == 400
    assert sim.vb365("PUT", path, vb365_token, json={"userName": "storage2"}).status_code == 409
    assert sim.vb365("PUT", path, vb365_token, json={"organizationId": "x"}).status_code == 400
    assert sim.vb365("PUT", f"/v8/Accounts/{uuid.uuid4()}", vb365_token, json={}).status_code == 404
    assert sim.vb365("PUT", path, vb365_token, json={"organizationId": ORG}).status_code == 204
    assert sim.vb365("GET", path, vb365_token).json()["organizationId"] == ORG


def test_put_without_change_is_not_a_mutation(sim, vb365_token):
    account = create(sim, vb365_token).json()
    sim.control("DELETE", "/journal")
    same = {"accountType": "azureBlobAccount", "userName": "storage1", "password": "key==", "description": ""}
    assert sim.vb365("PUT", f"/v8/Accounts/{account['id']}", vb365_token, json=same).status_code == 204
    assert sim.vb365("PUT", f"/v8/Accounts/{account['id']}", vb365_token, json={"description": "x"}).status_code == 204
    assert [entry["mutated"] for entry in sim.journal()] == [False, True]


def test_delete_and_in_use(sim, vb365_token):
    account = create(sim, vb365_token).json()
    path = f"/v8/Accounts/{account['id']}"
    assert sim.control("PUT", f"/vb365/accounts/{account['id']}/in_use", json={"in_use": True}).status_code == 200
    in_use = sim.vb365("DELETE", path, vb365_token)
    assert in_use.status_code == 409
    assert in_use.json()["errorCode"] == "OperationConflict"
    sim.control("PUT", f"/vb365/accounts/{account['id']}/in_use", json={"in_use": False})
    deleted = sim.vb365("DELETE", path, vb365_token)
    assert deleted.status_code == 204
    assert deleted.content == b""
    assert sim.vb365("GET", path, vb365_token).status_code == 404
    assert sim.vb365("DELETE", path, vb365_token).status_code == 404


@pytest.mark.parametrize(("method", "path"), [("GET", "/v8/Accounts"), ("POST", "/v8/Accounts"),
                                              ("GET", f"/v8/Accounts/{ORG}"), ("PUT", f"/v8/Accounts/{ORG}"),
                                              ("DELETE", f"/v8/Accounts/{ORG}")])
def test_every_operation_needs_a_token(sim, method, path):
    assert sim.vb365(method, path, json={}).status_code == 401


def test_put_replace_refuses_an_update_without_password_and_names_the_field(sim, vb365_token):
    account = create(sim, vb365_token, description="old", organizationId=ORG).json()
    assert sim.control("PUT", "/config", json={"vb365_put": "replace"}).status_code == 200
    path = f"/v8/Accounts/{account['id']}"
    whole = {"accountType": "azureBlobAccount", "userName": "storage1", "description": "new"}
    refused = sim.vb365("PUT", path, vb365_token, json=whole)
    assert refused.status_code == 400
    assert refused.json()["errorCode"] == "ParameterValidationFailure"
    assert "password" in refused.json()["message"]
    assert sim.vb365("GET", path, vb365_token).json()["description"] == "old"
    assert sim.vb365("PUT", path, vb365_token, json={**whole, "password": "key=="}).status_code == 204
    replaced = sim.vb365("GET", path, vb365_token).json()
    assert (replaced["description"], replaced["organizationId"]) == ("new", None)  # left out: not kept
    assert sim.control("GET", f"/vb365/accounts/{account['id']}/secret").json()["password"] == "key=="


def test_put_mode_is_a_command_line_switch_and_checked():
    with running_simulator("--vb365-put", "replace") as replacing:
        assert replacing.control("GET", "/config").json()["vb365_put"] == "replace"
        assert replacing.control("PUT", "/config", json={"vb365_put": "patch"}).status_code == 400
