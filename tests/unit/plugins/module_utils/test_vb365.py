# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VB365 v8 client against a real local HTTP(S) server (no mock of requests or of the client)."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import ADVICE
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import HttpClient
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import (
    VB365Client,
    comparable,
    lowercase_problem,
    public_view,
    uuid_option_problem,
)

ACCOUNT_ID = "8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a"
ORG_ID = "3f2504e0-4f89-11d3-9a0c-0305e82c3301"
TOKEN = {"access_token": "at-1", "refresh_token": "rt-1", "token_type": "bearer", "expires_in": 3600,
         ".issued": "2025-01-31T12:00:00Z", ".expires": "2025-01-31T13:00:00Z", "userName": "admin"}


def account(user_name="backup", account_type="azureBlobAccount", organization_id=None, account_id=ACCOUNT_ID, **extra):
    return dict({"id": account_id, "accountType": account_type, "userName": user_name, "description": "",
                 "organizationId": organization_id, "_links": {"self": {"href": "/v8/Accounts/" + account_id}}}, **extra)


def client_for(server, **kwargs):
    kwargs.setdefault("token", "given")
    return VB365Client(HttpClient(server.url, timeout=5, sleep=lambda s: None, advice=ADVICE), **kwargs)


def paths(server):
    return [(call["method"], call["path"]) for call in server.calls()]


# --- token life cycle -------------------------------------------------------------------------

def test_password_grant_is_a_form_body_that_keeps_special_characters(server):
    secret = "p&ss+w%rd=1 ü"
    server.add("POST", "/v8/token", body=TOKEN).add("GET", "/v8/Accounts", body=[])
    client = client_for(server, username="corp\\admin", password=secret, token=None)
    client.list_accounts()
    form = server.calls("POST", "/v8/token")[0]["form"]
    assert form == {"grant_type": "password", "username": "corp\\admin", "password": secret, "disable_antiforgery_token": "true"}
    assert server.calls("POST", "/v8/token")[0]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert server.calls("GET")[0]["headers"]["Authorization"] == "Bearer at-1"


def test_refused_login_names_the_options_and_hides_the_password(server):
    server.add("POST", "/v8/token", status=400,
               body={"message": "The user name or password 's3cr&t' is incorrect.", "errorCode": None, "stackTrace": None})
    client = client_for(server, username="admin", password="s3cr&t", token=None)
    with pytest.raises(VeeamApiError) as err:
        client.login()
    text = str(err.value)
    assert "login as admin refused" in text
    assert "auth_username and auth_password" in text
    assert "s3cr&t" not in text
    assert MASK in text


def test_token_answer_without_access_token_is_a_clear_error(server):
    server.add("POST", "/v8/token", body={"token": "x"})
    client = client_for(server, username="admin", password="pw", token=None)
    with pytest.raises(VeeamApiError, match="no access_token"):
        client.login()


def test_token_request_is_retried_after_502_because_a_login_is_idempotent(server):
    server.add("POST", "/v8/token", status=502).add("POST", "/v8/token", body=TOKEN)
    client = client_for(server, username="admin", password="pw", token=None)
    assert client.login()["access_token"] == "at-1"
    assert len(server.calls("POST", "/v8/token")) == 2


def test_refresh_grant_returns_a_new_pair_without_replacing_the_clients_token(server):
    server.add("POST", "/v8/token", body=dict(TOKEN, access_token="at-2", refresh_token="rt-2"))
    client = client_for(server)
    pair = client.refresh("rt-1")
    assert (pair["access_token"], pair["refresh_token"]) == ("at-2", "rt-2")
    assert server.calls()[0]["form"] == {"grant_type": "refresh_token", "refresh_token": "rt-1", "disable_antiforgery_token": "true"}
    assert client.token == "given"
    assert {"rt-1", "at-2", "rt-2"} <= client.http.secrets


def test_close_logs_out_a_minted_token(server):
    server.add("POST", "/v8/token", body=TOKEN).add("GET", "/v8/Accounts", body=[]).add("POST", "/v8/token/logout", status=204)
    client = client_for(server, username="admin", password="pw", token=None)
    client.list_accounts()
    client.close()
    assert paths(server) == [("POST", "/v8/token"), ("GET", "/v8/Accounts"), ("POST", "/v8/token/logout")]
    assert server.calls("POST", "/v8/token/logout")[0]["headers"]["Authorization"] == "Bearer at-1"


def test_close_keeps_a_token_passed_in(server):
    server.add("GET", "/v8/Accounts", body=[])
    client = client_for(server, username="admin", password="pw")
    client.list_accounts()
    client.close()
    assert paths(server) == [("GET", "/v8/Accounts")]


def test_close_keeps_a_minted_token_when_asked(server):
    server.add("POST", "/v8/token", body=TOKEN)
    client = client_for(server, username="admin", password="pw", token=None, keep_token=True)
    client.login()
    client.close()
    assert paths(server) == [("POST", "/v8/token")]


def test_401_logs_in_again_once_and_repeats_the_call(server):
    server.add("GET", "/v8/Accounts", status=401, body={"message": "The access token has expired.", "errorCode": None})
    server.add("GET", "/v8/Accounts", body=[account()])
    server.add("POST", "/v8/token", body=TOKEN)
    client = client_for(server, username="admin", password="pw", token="expired")
    assert client.list_accounts() == [account()]
    assert paths(server) == [("GET", "/v8/Accounts"), ("POST", "/v8/token"), ("GET", "/v8/Accounts")]
    assert server.calls("GET")[1]["headers"]["Authorization"] == "Bearer at-1"


# --- accounts ---------------------------------------------------------------------------------

def test_list_accounts_sends_only_the_given_filters(server):
    server.add("GET", "/v8/Accounts", body=[], sticky=True)
    client = client_for(server)
    client.list_accounts()
    client.list_accounts("amazonS3Account", "AKIA*", ORG_ID)
    assert server.calls()[0]["query"] == {}
    assert server.calls()[1]["query"] == {"accountType": ["amazonS3Account"], "name": ["AKIA*"], "organizationId": [ORG_ID]}


@pytest.mark.parametrize("body", [
    [account(), "junk"],
    {"results": [account()], "offset": 0, "limit": 30},
])
def test_list_accounts_accepts_an_array_or_an_envelope(server, body):
    server.add("GET", "/v8/Accounts", body=body)
    assert client_for(server).list_accounts() == [account()]


def test_list_accounts_of_an_empty_answer_is_empty(server):
    server.add("GET", "/v8/Accounts", status=200)
    assert client_for(server).list_accounts() == []


def test_get_account_quotes_the_id_and_returns_none_on_404(server):
    server.add("GET", "/v8/Accounts/" + ACCOUNT_ID, body=account(lastModified="2025-01-01"))
    server.add("GET", "/v8/Accounts/" + ORG_ID, status=404, body={"message": "not found", "errorCode": "ResourceNotFound"})
    client = client_for(server)
    assert client.get_account(ACCOUNT_ID)["lastModified"] == "2025-01-01"
    assert client.get_account(ORG_ID) is None


def test_find_accounts_is_one_get_and_an_exact_case_sensitive_match(server):
    look_alikes = [account("backup1", account_id="1"), account("Backup", account_id="2"), account("backupx", account_id="3"),
                   account("backup", account_id="4"), account("backup", organization_id=ORG_ID, account_id="5"),
                   account("backup", account_type="amazonS3Account", account_id="6")]
    server.add("GET", "/v8/Accounts", body=look_alikes)
    found = client_for(server).find_accounts("azureBlobAccount", "backup", None)
    assert [a["id"] for a in found] == ["4"]
    assert len(server.calls()) == 1
    assert server.calls()[0]["query"] == {"name": ["backup"], "accountType": ["azureBlobAccount"]}


def test_find_accounts_tolerates_the_servers_spelling_of_type_and_organization(server):
    server.add("GET", "/v8/Accounts", body=[
        account("k", account_type="AmazonS3Account", organization_id=ORG_ID.upper(), account_id="1"),
        account("k", account_type="amazonS3Account", organization_id="00000000-0000-0000-0000-000000000000", account_id="2"),
    ], sticky=True)
    client = client_for(server)
    assert [a["id"] for a in client.find_accounts("amazonS3Account", "k", ORG_ID)] == ["1"]
    assert [a["id"] for a in client.find_accounts("amazonS3Account", "k", None)] == ["2"]


@pytest.mark.parametrize("status", [200, 201])
def test_create_account_accepts_200_or_201(server, status):
    server.add("POST", "/v8/Accounts", status=status, body=account("new", extra_field=1))
    body = {"accountType": "azureBlobAccount", "userName": "new", "password": "pw", "description": "", "organizationId": None}
    assert client_for(server).create_account(body)["userName"] == "new"
    assert server.calls()[0]["json"] == body


def test_create_account_without_an_answer_body_reads_the_account_back(server):
    server.add("POST", "/v8/Accounts", status=201).add("GET", "/v8/Accounts", body=[account("new")])
    created = client_for(server).create_account({"accountType": "azureBlobAccount", "userName": "new", "password": "pw"})
    assert created["id"] == ACCOUNT_ID


def test_create_error_carries_the_rest_exception_info(server):
    server.add("POST", "/v8/Accounts", status=400, body={
        "message": "The userName must contain only lowercase characters.", "errorCode": "ParameterValidationFailure",
        "stackTrace": "at Veeam..."})
    with pytest.raises(VeeamApiError) as err:
        client_for(server).create_account({"accountType": "amazonS3Account", "userName": "AKIA", "password": "pw"})
    assert err.value.error_code == "ParameterValidationFailure"
    assert str(err.value) == ("POST /v8/Accounts: HTTP 400 (ParameterValidationFailure) "
                              "The userName must contain only lowercase characters.")


@pytest.mark.parametrize("write", ["create", "update"])
def test_an_error_that_echoes_the_account_secret_masks_it(server, write):
    secret = "Sh4red&key+value=="
    server.add("POST", "/v8/Accounts", status=400, body={"message": "bad key %s" % secret})
    server.add("PUT", "/v8/Accounts/" + ACCOUNT_ID, status=400, body={"message": "bad key %s" % secret})
    client = client_for(server)
    body = {"accountType": "amazonS3Account", "userName": "AKIA", "password": secret}
    with pytest.raises(VeeamApiError) as err:
        client.create_account(body) if write == "create" else client.update_account(ACCOUNT_ID, body)
    assert str(err.value).endswith("HTTP 400 bad key %s" % MASK)


def test_update_account_puts_the_body_and_accepts_204(server):
    server.add("PUT", "/v8/Accounts/" + ACCOUNT_ID, status=204)
    assert client_for(server).update_account(ACCOUNT_ID, {"description": "d"}) is None
    assert server.calls()[0]["json"] == {"description": "d"}


def test_delete_account_is_true_when_removed_and_false_when_already_gone(server):
    server.add("DELETE", "/v8/Accounts/" + ACCOUNT_ID, status=204).add("DELETE", "/v8/Accounts/" + ACCOUNT_ID, status=404)
    client = client_for(server)
    assert client.delete_account(ACCOUNT_ID) is True
    assert client.delete_account(ACCOUNT_ID) is False


@pytest.mark.parametrize("status, body", [
    (409, {"message": "You cannot remove cloud credentials that are in use.", "errorCode": "OperationConflict"}),
    (400, {"message": "Account is in use by repository 'Wasabi'.", "errorCode": None}),
])
def test_delete_of_an_account_in_use_says_so_and_what_to_do(server, status, body):
    server.add("DELETE", "/v8/Accounts/" + ACCOUNT_ID, status=status, body=body)
    with pytest.raises(VeeamApiError) as err:
        client_for(server).delete_account(ACCOUNT_ID)
    text = str(err.value)
    assert "in use by an object storage repository" in text
    assert "nothing was changed" in text
    assert body["message"] in text
    assert err.value.status == status


def test_other_delete_errors_pass_through(server):
    server.add("DELETE", "/v8/Accounts/" + ACCOUNT_ID, status=403, body={"message": "No right.", "errorCode": "ResourceAccessDenied"})
    with pytest.raises(VeeamApiError) as err:
        client_for(server).delete_account(ACCOUNT_ID)
    assert "in use" not in str(err.value)
    assert err.value.error_code == "ResourceAccessDenied"


# --- shared helpers ---------------------------------------------------------------------------

def test_comparable_normalises_what_servers_spell_differently():
    raw = {"accountType": "AZUREBLOBACCOUNT", "userName": "Backup", "description": None,
           "organizationId": ORG_ID.upper(), "id": "x", "_links": {}}
    assert comparable(raw) == {"accountType": "azureBlobAccount", "userName": "Backup", "description": "",
                               "organizationId": ORG_ID}


def test_public_view_drops_any_password_field():
    assert public_view({"id": "1", "Password": "x", "userName": "u"}) == {"id": "1", "userName": "u"}


@pytest.mark.parametrize("account_type, user_name, refused", [
    ("azureBlobAccount", "Contoso", True),
    ("azureBlobAccount", "contoso", False),
    ("amazonS3Account", "AKIAIOSFODNN7EXAMPLE", False),
    ("amazonS3CompatibleAccount", "WASABIKEY", False),
])
def test_lowercase_rule_applies_to_azure_only(account_type, user_name, refused):
    problem = lowercase_problem(account_type, user_name)
    assert (problem is not None) == refused
    if refused:
        assert "Azure" in problem
        assert "'contoso'" in problem


@pytest.mark.parametrize("params, bad", [
    ({"id": ACCOUNT_ID, "organization_id": ORG_ID.upper()}, None),
    ({"id": "42", "organization_id": None}, "id=42"),
    ({"id": None, "organization_id": "{%s}" % ORG_ID}, "organization_id="),
])
def test_uuid_options_are_checked(params, bad):
    problem = uuid_option_problem(params)
    assert (problem is None) == (bad is None)
    if bad:
        assert problem.startswith(bad)
