"""Fault injection: status + Retry-After, delay, dropped connections, and faults after the real action."""

import time

import pytest
import requests
from test_vb365_accounts import create
from test_vbgc_token import assert_error


def add_fault(sim, **spec):
    response = sim.control("POST", "/faults", json=spec)
    assert response.status_code == 201, response.text
    return response.json()


def test_status_and_retry_after_for_count_requests(sim, vb365_token):
    fault = add_fault(sim, method="GET", path="/v8/Accounts*", count=2, status=503, retry_after=2)
    assert fault["id"] >= 1
    for _ in range(2):
        response = sim.vb365("GET", "/v8/Accounts", vb365_token)  # the body is checked against RESTExceptionInfo
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "2"
    assert sim.vb365("GET", "/v8/Accounts", vb365_token).status_code == 200
    assert [(e["status"], e["fault"]) for e in sim.journal()[-3:]] == [(503, fault["id"]), (503, fault["id"]),
                                                                       (200, None)]
    assert sim.control("GET", "/faults").json()["faults"] == []


def test_fault_matches_method_and_glob_case_insensitively(sim, vb365_token):
    add_fault(sim, method="POST", path="/v8/accounts", status=429)
    assert sim.vb365("GET", "/v8/Accounts", vb365_token).status_code == 200
    assert create(sim, vb365_token).status_code == 429
    assert create(sim, vb365_token).status_code == 201


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_vb365_fault_bodies_validate_against_the_vendor_schema(sim, vb365_token, status):
    add_fault(sim, method="GET", path="/v8/Accounts", status=status)
    response = sim.vb365("GET", "/v8/Accounts", vb365_token)  # validated by conftest against RESTExceptionInfo
    assert response.status_code == status
    assert response.json()["message"] == "Injected fault %d." % sim.control("GET", "/journal").json()["entries"][-1][
        "fault"]


def test_vbgc_fault_uses_the_vbgc_error_shape(sim, vbgc_token):
    add_fault(sim, path="/api/v1/users", status=503)
    assert_error(sim.vbgc("GET", "/api/v1/users", vbgc_token), 503, "ServiceUnavailable")


def test_delay_only_still_answers(sim, vb365_token):
    add_fault(sim, path="/v8/Accounts", delay=0.3)
    started = time.monotonic()
    assert sim.vb365("GET", "/v8/Accounts", vb365_token).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_drop_closes_the_connection(sim, vb365_token):
    add_fault(sim, path="/v8/Accounts", drop=True)
    with pytest.raises(requests.ConnectionError):
        sim.vb365("GET", "/v8/Accounts", vb365_token)
    assert sim.vb365("GET", "/v8/Accounts", vb365_token).status_code == 200
    assert sim.journal()[-2]["status"] is None


def test_phase_after_acts_then_fails(sim, vb365_token):
    add_fault(sim, method="POST", path="/v8/Accounts", status=502, phase="after")
    assert create(sim, vb365_token).status_code == 502
    assert len(sim.vb365("GET", "/v8/Accounts", vb365_token).json()) == 1
    entry = sim.journal()[-2]
    assert (entry["status"], entry["mutated"]) == (502, True)


def test_phase_after_with_503_adds_the_encryption_key_then_answers_503_with_retry_after(sim, vb365_token):
    add_fault(sim, method="POST", path="/v8/EncryptionKeys", status=503, retry_after=0, phase="after")
    response = sim.vb365("POST", "/v8/EncryptionKeys", vb365_token, json={"password": "pw&1", "description": "k1"})
    assert (response.status_code, response.headers["Retry-After"]) == (503, "0")
    keys = sim.vb365("GET", "/v8/EncryptionKeys", vb365_token).json()
    assert [key["description"] for key in keys] == ["k1"]
    assert (sim.journal()[-2]["status"], sim.journal()[-2]["mutated"]) == (503, True)


def test_phase_after_with_drop(sim, vb365_token):
    add_fault(sim, method="POST", path="/v8/Accounts", drop=True, phase="after")
    with pytest.raises(requests.ConnectionError):
        create(sim, vb365_token)
    assert len(sim.vb365("GET", "/v8/Accounts", vb365_token).json()) == 1


def test_phase_before_does_not_act(sim, vb365_token):
    add_fault(sim, method="POST", path="/v8/Accounts", status=503)
    assert create(sim, vb365_token).status_code == 503
    assert sim.vb365("GET", "/v8/Accounts", vb365_token).json() == []
    assert sim.journal()[-2]["mutated"] is False


def test_faults_list_and_clear(sim):
    add_fault(sim, path="/v8/token", status=500, count=3)
    listed = sim.control("GET", "/faults").json()["faults"]
    assert [(f["path"], f["count"], f["method"], f["phase"]) for f in listed] == [("/v8/token", 3, "*", "before")]
    assert sim.control("DELETE", "/faults").status_code == 204
    assert sim.control("GET", "/faults").json()["faults"] == []


def test_control_paths_are_never_faulted(sim):
    add_fault(sim, path="*", status=500)
    assert sim.control("GET", "/health").status_code == 200


@pytest.mark.parametrize("spec", [
    {"status": 503}, {"path": "/x"}, {"path": "/x", "status": 99}, {"path": "/x", "status": 600},
    {"path": "/x", "status": 503, "count": 0}, {"path": "/x", "status": 503, "phase": "during"},
    {"path": "/x", "delay": -1}, {"path": "/x", "status": 503, "colour": "red"},
    {"path": "/x", "status": 503, "retry_after": "2"}, {"path": "/x", "status": 503, "drop": "no"},
])
def test_bad_fault_specs_are_400(sim, spec):
    assert sim.control("POST", "/faults", json=spec).status_code == 400
