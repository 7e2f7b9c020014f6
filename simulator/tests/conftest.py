"""One real simulator per test session (HTTPS on 127.0.0.1, free ports), reset before every test."""

import contextlib
import json
import subprocess
import sys

import pytest
import requests
from openapi_schemas import is_declared, validate_response, vb365_template
from vbaz_openapi import Vbaz

API_VERSION = "1.4-rev0"
PORTAL_ADMINISTRATOR = "Portal Administrator"
PORTAL_OPERATOR = "Portal Operator"
RESTORE_OPERATOR = "Restore Operator"
def start_simulator(*args):
    """Start `python -m veeam_simulator` on free ports; return (process, ready line as a dict)."""
    command = [sys.executable, "-m", "veeam_simulator", "--vb365-port", "0", "--vbgc-port", "0", "--vbazure-port", "0",
               *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"simulator did not start: {process.communicate()[1]}")
    return process, json.loads(line)


def stop_simulator(process):
    process.terminate()
    try:
        return process.wait(10)
    finally:
        process.stdout.close()
        process.stderr.close()


@contextlib.contextmanager
def running_simulator(*args):
    process, ready = start_simulator(*args)
    try:
        yield Sim(ready)
    finally:
        stop_simulator(process)


def http_session(ca_path):
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE from the environment would override `verify`
    session.verify = ca_path if ca_path else True
    return session


def check_vb365_response(response):
    """Every answer of a VB365 token/Accounts operation must match the vendor's OpenAPI document."""
    request = response.request
    template = vb365_template(request.path_url, request.method)
    if template and is_declared(template, request.method):
        validate_response(template, request.method, response.status_code, response.content)


class Sim:
    """A client of one running simulator."""

    def __init__(self, ready):
        self.ready = ready
        self.http = http_session(ready["ca_path"])

    @property
    def username(self):
        return self.ready["username"]

    @property
    def password(self):
        return self.ready["password"]

    def vb365(self, method, path, token=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.http.request(method, self.ready["vb365_url"] + path, headers=headers, **kwargs)
        check_vb365_response(response)
        return response

    def vbgc(self, method, path, token=None, headers=None, version=API_VERSION, **kwargs):
        headers = dict(headers or {})
        if version is not None:
            headers["x-api-version"] = version
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, self.ready["vbgc_url"] + path, headers=headers, **kwargs)

    def control(self, method, path, base="vb365_url", **kwargs):
        return self.http.request(method, f"{self.ready[base]}/_simulator{path}", **kwargs)

    def vb365_login(self):
        response = self.vb365("POST", "/v8/token", data={"grant_type": "password", "username": self.username,
                                                          "password": self.password})
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def vbgc_login(self, username=None, password=None):
        response = self.vbgc_password_grant(username or self.username, password or self.password)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def vbgc_password_grant(self, username, password, **extra):
        return self.vbgc("POST", "/api/v1/token", data={"grant_type": "password", "username": username,
                                                          "password": password, **extra})

    def role_id(self, name):
        roles = self.vbgc("GET", "/api/v1/users/roles", self.vbgc_login()).json()["data"]
        return next(role["id"] for role in roles if role["name"] == name)

    def seed(self, **body):
        response = self.control("POST", "/seed", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def journal(self):
        return self.control("GET", "/journal").json()["entries"]


@pytest.fixture(scope="session")
def sim_server():
    process, ready = start_simulator()
    yield Sim(ready)
    assert stop_simulator(process) == 0


@pytest.fixture
def sim(sim_server):
    assert sim_server.control("POST", "/reset").status_code == 204
    return sim_server


@pytest.fixture
def vb365_token(sim):
    return sim.vb365_login()


@pytest.fixture
def vbaz(sim):
    """A VBAzure client whose every answer is checked against the vendor document (vbaz_openapi.py)."""
    return Vbaz(sim)


@pytest.fixture
def admin_token(vbaz):
    return vbaz.login()


@pytest.fixture
def vbgc_token(sim):
    return sim.vbgc_login()
