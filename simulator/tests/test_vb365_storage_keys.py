"""VB365 /v8/EncryptionKeys: add, read, filter and remove encryption passwords; the password is a secret that
is never returned, and a password a repository uses cannot be removed."""

import uuid

import pytest
from storage_helpers import KEY_PASSWORD, add_key, assert_in_use, repository_body, s3_world


def test_create_get_and_list_never_return_the_password(sim, vb365_token):
    created = sim.vb365("POST", "/v8/EncryptionKeys", vb365_token,
                        json={"password": KEY_PASSWORD, "description": "tenant A", "id": str(uuid.uuid4())})
    assert created.status_code == 201
    key = created.json()
    assert set(key) == {"id", "description", "organizationId", "_links"}
    assert created.headers["Location"] == key["_links"]["self"]["href"]
    one = sim.vb365("GET", f"/v8/EncryptionKeys/{key['id']}", vb365_token)
    assert one.json() == key
    assert sim.vb365("GET", "/v8/EncryptionKeys", vb365_token).json() == [key]
    for response in (created, one):
        assert KEY_PASSWORD not in response.text
    assert sim.control("GET", f"/vb365/encryption_keys/{key['id']}/secret").json() == {"password": KEY_PASSWORD}
    secrets = [entry["value"] for entry in sim.control("GET", "/secrets").json()["secrets"]]
    assert KEY_PASSWORD in secrets


def test_descriptions_may_repeat_and_filter_exactly(sim, vb365_token):
    first, second = add_key(sim, vb365_token, "same"), add_key(sim, vb365_token, "same")
    add_key(sim, vb365_token, "Same but other")
    org = "5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"
    third = sim.vb365("POST", "/v8/EncryptionKeys", vb365_token,
                      json={"password": "p", "description": "org key", "organizationId": org}).json()
    listed = sim.vb365("GET", "/v8/EncryptionKeys?description=same", vb365_token).json()
    assert [key["id"] for key in listed] == [first, second]
    assert sim.vb365("GET", "/v8/EncryptionKeys?description=sam*", vb365_token).json() == []
    by_org = sim.vb365("GET", f"/v8/EncryptionKeys?organizationId={org}", vb365_token).json()
    assert [key["id"] for key in by_org] == [third["id"]]


@pytest.mark.parametrize("body", [
    {},
    {"password": ""},
    {"password": 5},
    {"password": "p", "description": 1},
    {"password": "p", "organizationId": "x"},
    {"password": "p", "newPassword": "q"},
    {"password": "p", "oldPassword": "q"},
])
def test_create_validation(sim, vb365_token, body):
    response = sim.vb365("POST", "/v8/EncryptionKeys", vb365_token, json=body)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "ParameterValidationFailure"
    assert sim.vb365("GET", "/v8/EncryptionKeys", vb365_token).json() == []


def test_there_is_no_put(sim, vb365_token):
    key = add_key(sim, vb365_token)
    response = sim.vb365("PUT", f"/v8/EncryptionKeys/{key}", vb365_token, json={"password": "new"})
    assert response.status_code == 405
    assert "PUT" not in response.headers["Allow"]


def test_delete_and_unknown_ids(sim, vb365_token):
    key = add_key(sim, vb365_token)
    assert sim.vb365("DELETE", f"/v8/EncryptionKeys/{key}", vb365_token).status_code == 204
    gone = sim.vb365("GET", f"/v8/EncryptionKeys/{key}", vb365_token)
    assert gone.status_code == 404
    assert gone.json()["errorCode"] == "ResourceNotFound"
    assert sim.vb365("DELETE", f"/v8/EncryptionKeys/{key}", vb365_token).status_code == 404
    assert sim.vb365("GET", "/v8/EncryptionKeys/not-a-uuid", vb365_token).status_code == 400


def test_a_key_in_use_cannot_be_deleted(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    key = add_key(sim, vb365_token)
    body = repository_body(account, proxy, objectStorageEncryptionEnabled=True, encryptionKeyId=key)
    repo = sim.vb365("POST", "/v8/BackupRepositories", vb365_token, json=body).json()
    assert_in_use(sim.vb365("DELETE", f"/v8/EncryptionKeys/{key}", vb365_token), "repo1")
    assert sim.vb365("DELETE", f"/v8/BackupRepositories/{repo['id']}", vb365_token).status_code == 204
    assert sim.vb365("DELETE", f"/v8/EncryptionKeys/{key}", vb365_token).status_code == 204


def test_a_refused_new_password_is_still_a_known_secret(sim, vb365_token):
    response = sim.vb365("POST", "/v8/EncryptionKeys", vb365_token, json={"password": "p1", "newPassword": "never-shown"})
    assert response.status_code == 400
    secrets = {entry["value"]: entry["kind"] for entry in sim.control("GET", "/secrets").json()["secrets"]}
    assert secrets["never-shown"] == "newPassword"
