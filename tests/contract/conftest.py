"""The contract suite: third-party clients against the simulator that the harness started (make contract).

The connection comes from the harness's VEEAM_* variables. Every VB365 answer a client gets is checked
against the vendor's OpenAPI document in simulator/veeam_simulator/openapi as it stands (simulator/tests/openapi_schemas.py).
"""

import json
import os
import ssl
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "simulator" / "tests"))

from openapi_schemas import is_declared, validate, validate_response, vb365_template  # noqa: E402


class VendorSchemaCheck:
    """Validates VB365 answers and counts them, so a test can show its answers were checked."""

    def __init__(self):
        self.checked = []

    def __call__(self, method, path, status, body):
        template = vb365_template(path, method)
        if template and is_declared(template, method):
            validate_response(template, method, status, body)
        elif status >= 400 and body:  # an error of a path outside the trimmed document: RESTExceptionInfo all the same
            validate(json.loads(body), "RESTExceptionInfo")
        else:
            assert status >= 400, f"{method} {path} answered {status}: add the path to simulator/veeam_simulator/openapi/trim.py"
        self.checked.append((method, template or path, status))

    async def httpx_hook(self, response):
        """An httpx response event hook (veeam-365 uses httpx.AsyncClient)."""
        await response.aread()
        self(response.request.method, response.request.url.raw_path.decode(), response.status_code, response.content)


class Simulator:
    def __init__(self):
        self.vb365_url = os.environ["VEEAM_VB365_SERVER"]
        self.vbgc_url = os.environ["VEEAM_VBGC_SERVER"]
        self.username = os.environ["VEEAM_VB365_USERNAME"]
        self.password = os.environ["VEEAM_VB365_PASSWORD"]
        self.ca_path = os.environ.get("VEEAM_VB365_CA_PATH") or True
        self.http = requests.Session()
        self.http.trust_env = False
        self.http.verify = self.ca_path

    def ssl_context(self):
        """For httpx (veeam-365), which deprecates a CA path as verify=."""
        return ssl.create_default_context(cafile=self.ca_path if self.ca_path is not True else None)

    def host_and_port(self, api):
        parts = urlsplit(self.vb365_url if api == "vb365" else self.vbgc_url)
        return parts.hostname, parts.port

    def control(self, method, path, **kwargs):
        response = self.http.request(method, f"{self.vb365_url}/_simulator{path}", **kwargs)
        assert response.status_code < 300, response.text
        return response.json() if response.content else None

    def journal(self):
        return self.control("GET", "/journal")["entries"]


@pytest.fixture(scope="session")
def simulator_session():
    if "VEEAM_VB365_SERVER" not in os.environ:
        pytest.fail("run under the simulator harness: make contract")
    return Simulator()


@pytest.fixture
def sim(simulator_session):
    simulator_session.control("POST", "/reset")
    return simulator_session


@pytest.fixture
def schema_check():
    return VendorSchemaCheck()
