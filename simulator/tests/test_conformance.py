"""Every request is checked against its API's document: strict mode refuses each class of breach with the vendor's
400 and the journal says why (without a value); lenient mode drops undeclared query parameters."""

import json

import pytest
from openapi_schemas import validate
from storage_helpers import add_account, add_bucket, repository_body, s3_world
from vbaz_openapi import USERS, Vbaz, problem

FOLDERS = "/v8/S3Resources/buckets/backups/folders"


def refused(sim, response, reason):
    """A VB365 400 in RESTExceptionInfo's shape, journaled as non-conformant for `reason`, nothing changed."""
    assert response.status_code == 400, response.text
    validate(response.json(), "RESTExceptionInfo")
    entry = sim.journal()[-1]
    assert (entry["status"], entry["mutated"]) == (400, False)
    assert any(reason in item for item in entry["nonconformant"]), entry["nonconformant"]
    return entry


def test_an_undeclared_query_parameter_is_refused(sim, vb365_token):
    """RegionId on a bucket's folders: the document declares accountId, RegionType and Name only."""
    account, _ = s3_world(sim, vb365_token)
    query = {"accountId": account, "RegionType": "Global", "RegionId": "eu-west-1"}
    response = sim.vb365("GET", FOLDERS, vb365_token, params=query)
    refused(sim, response, "query parameter RegionId: not declared")
    assert "RegionId" in response.json()["message"]


def test_the_simulator_does_not_act_on_an_undeclared_region(sim, vb365_token):
    """It used to answer 404 for RegionId naming another region: a server ignoring the parameter answers 200."""
    account, _ = s3_world(sim, vb365_token)
    sim.control("PUT", "/config", json={"lenient_requests": True})
    for path in (FOLDERS, "/v8/S3Resources/buckets/backups"):
        response = sim.vb365("GET", path, vb365_token,
                             params={"accountId": account, "RegionType": "Global", "RegionId": "us-east-1"})
        assert response.status_code == 200, response.text
        entry = sim.journal()[-1]
        assert (entry["ignored"], entry["nonconformant"]) == (["RegionId dropped (undeclared)"], [])


def test_a_wrong_enum_value_is_refused(sim, vb365_token):
    account = add_account(sim, vb365_token)
    response = sim.vb365("GET", "/v8/S3Resources/buckets", vb365_token,
                         params={"accountId": account, "RegionType": "Mars"})
    refused(sim, response, 'RegionType in query): $: must satisfy enum ["Global", "USGovernment", "China"]')


def test_a_missing_required_body_field_is_refused(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    body = repository_body(account, proxy)
    del body["retentionType"]
    response = sim.vb365("POST", "/v8/BackupRepositories", vb365_token, json=body)
    refused(sim, response, "'retentionType' is a required property")


def test_a_read_only_field_sent_is_refused_without_its_value(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    body = repository_body(account, proxy)
    body["objectStorage"]["usedSpaceBytes"] = 987654321
    response = sim.vb365("POST", "/v8/BackupRepositories", vb365_token, json=body)
    entry = refused(sim, response, "$.objectStorage.usedSpaceBytes: read-only")
    assert "987654321" not in json.dumps(entry) + response.text


def test_wrong_letter_case_is_refused_strict_and_bound_lenient(sim, vb365_token):
    account = add_account(sim, vb365_token)
    add_bucket(sim, accountId=account, name="backups", regionId="eu-west-1")
    query = {"accountid": account, "RegionType": "Global"}
    refused(sim, sim.vb365("GET", "/v8/S3Resources/buckets", vb365_token, params=query),
            "query parameter accountid: letter case, the document declares accountId")
    sim.control("PUT", "/config", json={"lenient_requests": True})
    response = sim.vb365("GET", "/v8/S3Resources/buckets", vb365_token, params=query)
    assert [bucket["name"] for bucket in response.json()] == ["backups"]


def test_vbazure_refuses_in_its_problem_shape_naming_the_field(sim):
    vbaz = Vbaz(sim)
    token = vbaz.login()
    body = problem(vbaz.call("POST", USERS, token, json={"name": "ops1", "role": "PortalOperator"}), 400,
                   "description")
    assert "'description' is a required property" in body["detail"]
    problem(vbaz.call("GET", USERS, token, params={"Bogus": "1"}), 400, "Bogus")


def test_vbgc_requests_are_checked_against_the_contract(sim):
    form = {"grant_type": "password", "username": sim.username, "password": sim.password,
            "use_short_term_refresh": "maybe"}
    response = sim.http.post(sim.ready["vbgc_url"] + "/api/v1/token", data=form)
    assert response.status_code == 400
    reasons = sim.journal()[-1]["nonconformant"]
    assert reasons == ["MissingRequiredParameter(x-api-version in header)",
                       "RequestBodyValidationError: not a valid boolean"], reasons


@pytest.mark.parametrize("api", ["vb365", "vbazure", "vbgc"])
def test_a_conformant_login_is_not_marked(sim, api):
    token = {"vb365": sim.vb365_login, "vbazure": Vbaz(sim).login, "vbgc": sim.vbgc_login}[api]()
    assert token
    assert [entry["nonconformant"] for entry in sim.journal()] == [[]]


def test_the_record_of_nonconformant_requests_outlives_a_reset(sim, vb365_token):
    before = sim.control("GET", "/conformance").json()["nonconformant_total"]
    sim.vb365("GET", "/v8/Accounts", vb365_token, params={"Bogus": "1"})
    sim.control("POST", "/reset")
    record = sim.control("GET", "/conformance").json()
    assert record["nonconformant_total"] == before + 1
    assert record["nonconformant"][-1]["path"] == "/v8/Accounts"
