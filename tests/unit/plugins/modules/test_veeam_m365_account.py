# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_m365_account against a real local HTTP server scripted as VB365 v8."""

from __future__ import annotations

import json
import pathlib

import jsonschema
import pytest

from ansible_collections.veeam_community.backup.plugins.modules import veeam_m365_account
from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import (
    ACCOUNT_ID,
    OTHER_ID,
    ORG_ID,
    SECRET,
    ACCOUNT_PATH,
    TOKEN,
    account,
    run_vb365_module,
    requests_made,
    writes,
)


# simulator/veeam_simulator/openapi/vb365-rest-v8-accounts.json, copied here by tools/sync_build_tree.py
OPENAPI = pathlib.Path(__file__).parents[2] / "data" / "vb365-rest-v8-accounts.json"


def run(server, **options):
    return run_vb365_module(veeam_m365_account, server, **options)


def azure(**options):
    return dict({"account_type": "azure_blob", "user_name": "backup"}, **options)


# --- the vendor request schema, OpenAPI 3.0 turned into JSON Schema ------------------------------

def _json_schema(node):
    """OpenAPI 3.0 `nullable: true` is not JSON Schema: it adds null to `type` (an `enum` still limits the values)."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    return converted


@pytest.fixture(scope="module")
def account_to_send():
    """A validator of RESTAccountToSend, with $ref resolved inside the trimmed vendor document."""
    document = json.loads(OPENAPI.read_text(encoding="utf-8"))
    root = {"$ref": "#/components/schemas/RESTAccountToSend", "components": _json_schema(document["components"])}
    properties = set(document["components"]["schemas"]["RESTAccountToSend"]["properties"])
    validator = jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())

    def validate(body):
        validator.validate(body)
        assert set(body) <= properties, "fields the API does not know: %s" % (set(body) - properties)

    return validate


def test_the_schema_check_itself_rejects_wrong_bodies(account_to_send):
    account_to_send({"accountType": "amazonS3Account", "userName": "k", "organizationId": None, "description": ""})
    for wrong in ({"accountType": "amazon_s3"}, {"organizationId": "42"}, {"userName": None}, {"username": "k"}):
        with pytest.raises((jsonschema.ValidationError, AssertionError)):
            account_to_send(wrong)


# --- create -----------------------------------------------------------------------------------

@pytest.mark.parametrize("choice, api_type, user_name", [
    ("azure_blob", "azureBlobAccount", "contoso"),
    ("amazon_s3", "amazonS3Account", "AKIAIOSFODNN7EXAMPLE"),
    ("s3_compatible", "amazonS3CompatibleAccount", "WasabiKey01"),
])
def test_create_each_type_sends_the_api_enum_and_a_valid_body(server, account_to_send, choice, api_type, user_name):
    server.add("GET", "/v8/Accounts", body=[])
    server.add("POST", "/v8/Accounts", status=201, body=account(user_name, api_type))
    result = run(server, account_type=choice, user_name=user_name, password=SECRET, description="d", organization_id=ORG_ID)
    assert result["changed"] is True
    assert result["account"]["id"] == ACCOUNT_ID
    assert server.calls("GET")[0]["query"] == {"name": [user_name], "accountType": [api_type], "organizationId": [ORG_ID]}
    body = server.calls("POST")[0]["json"]
    assert body == {"accountType": api_type, "userName": user_name, "password": SECRET, "description": "d", "organizationId": ORG_ID}
    account_to_send(body)
    assert SECRET not in json.dumps(result)


def test_create_reports_a_masked_secret_in_the_diff(server):
    server.add("GET", "/v8/Accounts", body=[]).add("POST", "/v8/Accounts", status=201, body=account())
    result = run(server, **azure(password=SECRET))
    assert result["diff"] == {"before": {}, "after": {"accountType": "azureBlobAccount", "userName": "backup", "description": "",
                                                      "organizationId": None, "password": "********"}}


def test_look_alike_names_are_not_the_account(server):
    server.add("GET", "/v8/Accounts", body=[account("backup1", account_id=OTHER_ID), account("Backup"), account("backupx")])
    server.add("POST", "/v8/Accounts", status=201, body=account())
    result = run(server, **azure(password=SECRET))
    assert result["changed"] is True
    assert len(server.calls("POST", "/v8/Accounts")) == 1


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_key_that_differs_only_in_case_is_named_in_a_warning(server, check_mode):
    existing = account("AKIAEXAMPLEKEY", "amazonS3Account", account_id=OTHER_ID)
    server.add("GET", "/v8/Accounts", body=[existing, account("AKIAOTHERKEY", "amazonS3Account")])
    server.add("POST", "/v8/Accounts", status=201, body=account("AKIAExampleKey", "amazonS3Account"))
    result = run(server, check_mode=check_mode, account_type="amazon_s3", user_name="AKIAExampleKey", password=SECRET)
    assert result["changed"] is True
    warnings = json.dumps(result.get("warnings", []))
    assert "differs only in case" in warnings
    assert OTHER_ID in warnings and ACCOUNT_ID not in warnings
    assert len(server.calls("POST", "/v8/Accounts")) == (0 if check_mode else 1)


def test_no_case_warning_for_other_types_or_organizations(server):
    server.add("GET", "/v8/Accounts", body=[account("AKIAEXAMPLEKEY", "amazonS3CompatibleAccount"),
                                            account("AKIAEXAMPLEKEY", "amazonS3Account", organization_id=ORG_ID)])
    server.add("POST", "/v8/Accounts", status=201, body=account("AKIAExampleKey", "amazonS3Account"))
    result = run(server, account_type="amazon_s3", user_name="AKIAExampleKey", password=SECRET)
    assert result["changed"] is True
    assert "differs only in case" not in json.dumps(result.get("warnings", []))


def test_a_server_that_wants_lowercase_s3_keys_is_explained_and_nothing_is_created(server):
    server.add("GET", "/v8/Accounts", body=[], sticky=True)
    server.add("POST", "/v8/Accounts", status=400, body={
        "message": "The userName must contain only lowercase characters.", "errorCode": "ParameterValidationFailure"})
    result = run(server, account_type="amazon_s3", user_name="AKIAIOSFODNN7EXAMPLE", password=SECRET)
    assert result["failed"] is True
    assert "'userName must contain only lowercase characters'" in result["msg"]
    assert "to amazon_s3 accounts too. Nothing was created" in result["msg"]
    assert "Check that user_name is the key exactly as your storage provider issued it" in result["msg"]
    assert SECRET not in json.dumps(result)


def test_create_without_password_fails_before_any_write(server):
    server.add("GET", "/v8/Accounts", body=[])
    result = run(server, **azure())
    assert result["failed"] is True
    assert "password is required to create" in result["msg"]
    assert writes(server) == []


def test_create_in_check_mode_writes_nothing_and_predicts_the_account(server):
    server.add("GET", "/v8/Accounts", body=[])
    result = run(server, check_mode=True, **azure(password=SECRET, description="d"))
    assert result["changed"] is True
    assert result["account"] == {"id": None, "accountType": "azureBlobAccount", "userName": "backup", "description": "d",
                                 "organizationId": None}
    assert writes(server) == []


@pytest.mark.parametrize("status, body", [
    (409, {"message": "already exists", "errorCode": "OperationConflict"}),
    (400, {"message": "Account with the same name already exists.", "errorCode": "ParameterValidationFailure"}),
])
def test_create_that_loses_a_race_continues_with_the_existing_account(server, status, body):
    server.add("GET", "/v8/Accounts", body=[])
    server.add("POST", "/v8/Accounts", status=status, body=body)
    server.add("GET", "/v8/Accounts", body=[account(description="old")])
    server.add("PUT", ACCOUNT_PATH, status=204)
    result = run(server, **azure(password=SECRET, description="new"))
    assert result["changed"] is True
    assert result["account"]["id"] == ACCOUNT_ID
    assert server.calls("PUT")[0]["json"]["description"] == "new"


def test_create_refused_for_another_reason_fails_with_the_servers_words(server):
    server.add("GET", "/v8/Accounts", body=[], sticky=True)
    refusal = {"message": "The field password is invalid.", "errorCode": "ParameterValidationFailure"}
    server.add("POST", "/v8/Accounts", status=400, body=refusal)
    result = run(server, **azure(password=SECRET))
    assert result["failed"] is True
    assert "(ParameterValidationFailure) The field password is invalid." in result["msg"]
    assert result["error_code"] == "ParameterValidationFailure"
    assert len(server.calls("GET")) == 2  # looked once more in case the refusal meant "exists already"
    assert len(server.calls("POST", "/v8/Accounts")) == 1


# --- no-op, update ----------------------------------------------------------------------------

def test_unchanged_account_is_one_request_with_a_token(server):
    server.add("GET", "/v8/Accounts", body=[account(description="d")])
    result = run(server, **azure(password=SECRET, description="d"))
    assert result["changed"] is False
    assert requests_made(server) == [("GET", "/v8/Accounts")]


def test_unchanged_account_is_three_requests_with_credentials(server):
    server.add("GET", "/v8/Accounts", body=[account()])
    result = run(server, credentials=True, **azure())
    assert result["changed"] is False
    assert requests_made(server) == [("POST", "/v8/token"), ("GET", "/v8/Accounts"), ("POST", "/v8/token/logout")]


def test_description_update_puts_the_full_object_with_the_tasks_secret(server, account_to_send):
    """A server may replace the whole account on PUT, so the secret the task has goes along (not a change itself)."""
    server.add("GET", "/v8/Accounts", body=[account(description="old", organization_id=ORG_ID)])
    server.add("PUT", ACCOUNT_PATH, status=204)
    result = run(server, **azure(password=SECRET, description="new", organization_id=ORG_ID))
    assert result["changed"] is True
    body = server.calls("PUT")[0]["json"]
    assert body == {"accountType": "azureBlobAccount", "userName": "backup", "description": "new", "organizationId": ORG_ID,
                    "password": SECRET}
    assert SECRET not in json.dumps(result)
    account_to_send(body)
    assert result["diff"]["before"]["description"] == "old"
    assert result["diff"]["after"]["description"] == "new"
    assert "password" not in result["diff"]["after"]
    assert result["account"]["description"] == "new"
    assert result["account"]["_links"]["self"]["href"].endswith(ACCOUNT_ID)


def test_description_update_without_password_puts_the_readable_fields_only(server, account_to_send):
    server.add("GET", "/v8/Accounts", body=[account(description="old")])
    server.add("PUT", ACCOUNT_PATH, status=204)
    result = run(server, **azure(description="new"))
    assert result["changed"] is True
    body = server.calls("PUT")[0]["json"]
    assert body == {"accountType": "azureBlobAccount", "userName": "backup", "description": "new", "organizationId": None}
    account_to_send(body)


def test_password_alone_with_on_create_changes_nothing(server):
    server.add("GET", "/v8/Accounts", body=[account()])
    result = run(server, **azure(password=SECRET))
    assert result["changed"] is False
    assert writes(server) == []


@pytest.mark.parametrize("message", [
    "The field password is required: this server replaces the whole account on PUT, so the secret must be sent.",
    "Password must not be empty.",
])
def test_a_server_that_needs_the_secret_to_update_is_explained(server, message):
    server.add("GET", "/v8/Accounts", body=[account(description="old")])
    server.add("PUT", ACCOUNT_PATH, status=400, body={"message": message, "errorCode": "ParameterValidationFailure"})
    result = run(server, **azure(description="new"))
    assert result["failed"] is True
    assert "this server needs password to change account %s" % ACCOUNT_ID in result["msg"]
    assert "Nothing was changed" in result["msg"]
    assert result["status"] == 400


def test_an_update_refused_with_the_secret_sent_keeps_the_servers_words(server):
    server.add("GET", "/v8/Accounts", body=[account(description="old")])
    server.add("PUT", ACCOUNT_PATH, status=400, body={"message": "The password is not a valid key.",
                                                      "errorCode": "ParameterValidationFailure"})
    result = run(server, **azure(description="new", password=SECRET))
    assert result["failed"] is True
    assert "The password is not a valid key." in result["msg"]
    assert "needs password" not in result["msg"]


def test_update_password_always_sends_the_secret_and_reports_changed(server, account_to_send):
    server.add("GET", "/v8/Accounts", body=[account()], sticky=True)
    server.add("PUT", ACCOUNT_PATH, status=204, sticky=True)
    for _run in range(2):
        result = run(server, **azure(password=SECRET, update_password="always"))
        assert result["changed"] is True
        assert result["diff"]["after"]["password"] == "********"
        assert "password" not in result["diff"]["before"]
        assert SECRET not in json.dumps(result)
    bodies = [call["json"] for call in server.calls("PUT")]
    assert [body["password"] for body in bodies] == [SECRET, SECRET]
    account_to_send(bodies[0])


def test_update_password_always_without_password_fails_before_any_request(server):
    result = run(server, **azure(update_password="always"))
    assert result["failed"] is True
    assert "password is not set" in result["msg"]
    assert server.calls() == []


def test_update_in_check_mode_writes_nothing(server):
    server.add("GET", "/v8/Accounts", body=[account(description="old")])
    result = run(server, check_mode=True, **azure(description="new"))
    assert result["changed"] is True
    assert result["account"]["description"] == "new"
    assert writes(server) == []


def test_server_answering_the_put_with_a_body_is_believed(server):
    server.add("GET", "/v8/Accounts", body=[account(description="old")])
    server.add("PUT", ACCOUNT_PATH, status=200, body=account(description="new (trimmed)"))
    assert run(server, **azure(description="new"))["account"]["description"] == "new (trimmed)"


def test_several_exact_matches_fail_listing_their_ids(server):
    server.add("GET", "/v8/Accounts", body=[account(), account(account_id=OTHER_ID)])
    result = run(server, **azure(description="x"))
    assert result["failed"] is True
    assert ACCOUNT_ID in result["msg"]
    assert OTHER_ID in result["msg"]
    assert writes(server) == []


# --- id ---------------------------------------------------------------------------------------

def test_id_addresses_the_account_and_updates_identity_fields(server, account_to_send):
    server.add("GET", ACCOUNT_PATH, body=account("oldname"))
    server.add("PUT", ACCOUNT_PATH, status=204)
    result = run(server, id=ACCOUNT_ID, user_name="newname")
    assert result["changed"] is True
    assert requests_made(server) == [("GET", ACCOUNT_PATH), ("PUT", ACCOUNT_PATH)]
    body = server.calls("PUT")[0]["json"]
    assert body["userName"] == "newname"
    assert body["accountType"] == "azureBlobAccount"
    account_to_send(body)


def test_unknown_id_fails_and_explains_ids_are_assigned_by_the_server(server):
    server.add("GET", ACCOUNT_PATH, status=404, body={"message": "not found", "errorCode": "ResourceNotFound"})
    result = run(server, id=ACCOUNT_ID, description="x", password=SECRET)
    assert result["failed"] is True
    assert "no account has id" in result["msg"]
    assert writes(server) == []


def test_type_of_an_existing_account_is_not_changed(server):
    server.add("GET", ACCOUNT_PATH, body=account())
    result = run(server, id=ACCOUNT_ID, account_type="amazon_s3", user_name="backup")
    assert result["failed"] is True
    assert "cannot be changed" in result["msg"]
    assert writes(server) == []


def test_uppercase_name_for_an_azure_account_found_by_id_is_refused_before_the_write(server):
    server.add("GET", ACCOUNT_PATH, body=account())
    result = run(server, id=ACCOUNT_ID, user_name="Backup")
    assert result["failed"] is True
    assert "lowercase" in result["msg"]
    assert writes(server) == []


# --- validation before any request --------------------------------------------------------------

@pytest.mark.parametrize("options, words", [
    (azure(user_name="ContosoBackup", password=SECRET), "Azure allows only in lowercase"),
    ({"account_type": "azure_blob", "state": "absent"}, "give id, or account_type and user_name"),
    ({"user_name": "backup", "password": SECRET}, "give id, or account_type and user_name"),
    ({"id": "not-a-uuid"}, "id=not-a-uuid is not a uuid"),
    (azure(organization_id="123"), "organization_id=123 is not a uuid"),
])
def test_bad_arguments_fail_before_any_request(server, options, words):
    result = run(server, **options)
    assert result["failed"] is True
    assert words in result["msg"]
    assert server.calls() == []


def test_uppercase_s3_access_key_is_sent_as_given(server):
    server.add("GET", "/v8/Accounts", body=[]).add("POST", "/v8/Accounts", status=201, body=account("AKIAUPPER", "amazonS3Account"))
    run(server, account_type="amazon_s3", access_key="AKIAUPPER", secret_key=SECRET)
    assert server.calls("POST")[0]["json"]["userName"] == "AKIAUPPER"
    assert server.calls("POST")[0]["json"]["password"] == SECRET


# --- absent -----------------------------------------------------------------------------------

def test_absent_removes_the_account(server):
    server.add("GET", "/v8/Accounts", body=[account()]).add("DELETE", ACCOUNT_PATH, status=204)
    result = run(server, **azure(state="absent"))
    assert result["changed"] is True
    assert result["account"] == {}
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["userName"] == "backup"
    assert len(server.calls("DELETE")) == 1


def test_absent_in_check_mode_writes_nothing(server):
    server.add("GET", "/v8/Accounts", body=[account()])
    assert run(server, check_mode=True, **azure(state="absent"))["changed"] is True
    assert writes(server) == []


def test_absent_when_missing_is_unchanged(server):
    server.add("GET", ACCOUNT_PATH, status=404)
    result = run(server, id=ACCOUNT_ID, state="absent")
    assert result["changed"] is False
    assert result["account"] == {}
    assert writes(server) == []


def test_removing_an_account_in_use_fails_saying_nothing_changed(server):
    server.add("GET", "/v8/Accounts", body=[account()])
    server.add("DELETE", ACCOUNT_PATH, status=409, body={"message": "in use", "errorCode": "OperationConflict"})
    result = run(server, **azure(state="absent"))
    assert result["failed"] is True
    assert "in use by an object storage repository" in result["msg"]
    assert "nothing was changed" in result["msg"]
    assert result["status"] == 409


# --- transport --------------------------------------------------------------------------------

REJECTED_TOKEN_SHAPES = [
    pytest.param({"headers": {"WWW-Authenticate": "Bearer"}}, id="empty-body"),
    pytest.param({"body": {"message": "expired", "errorCode": None, "stackTrace": None}}, id="json-body"),
]


@pytest.mark.parametrize("rejected", REJECTED_TOKEN_SHAPES)
def test_expired_token_with_credentials_logs_in_again_once(server, rejected):
    server.add("POST", "/v8/token", body=TOKEN)
    server.add("GET", "/v8/Accounts", status=401, **rejected)
    server.add("GET", "/v8/Accounts", body=[account()])
    server.add("POST", "/v8/token/logout", status=204)
    result = run_module(veeam_m365_account, {"server": server.url, "auth_token": "stale", "auth_username": "admin",
                                             "auth_password": "pw", **azure()})
    assert result["changed"] is False
    assert requests_made(server) == [("GET", "/v8/Accounts"), ("POST", "/v8/token"), ("GET", "/v8/Accounts"),
                                     ("POST", "/v8/token/logout")]


@pytest.mark.parametrize("rejected", REJECTED_TOKEN_SHAPES)
def test_a_rejected_token_without_credentials_says_what_to_do(server, rejected):
    server.add("GET", "/v8/Accounts", status=401, **rejected)
    result = run(server, **azure())
    assert result["failed"] is True
    assert "refused the access token" in result["msg"]
    assert "auth_username and auth_password" in result["msg"]


def test_503_is_retried_and_then_succeeds(server):
    server.add("GET", "/v8/Accounts", status=503, headers={"Retry-After": "0"}).add("GET", "/v8/Accounts", body=[account()])
    result = run(server, **azure())
    assert result["changed"] is False
    assert len(server.calls("GET")) == 2
    assert "GET /v8/Accounts: HTTP 503; retry 1" in json.dumps(result["warnings"])  # plain or structured warnings
