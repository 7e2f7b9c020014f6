"""A VBAzure client for the tests whose every answer is checked against the trimmed vendor v8.1 document."""

import time
from urllib.parse import parse_qsl, urlsplit

import pyotp
from openapi_schemas import load
from veeam_simulator.core.conformance import DOCUMENTS, response_reasons
from veeam_simulator.core.messages import Request
from veeam_simulator.products import document
from veeam_simulator.vbazure import VENDOR_FILE

SPEC_PATH = DOCUMENTS / VENDOR_FILE
USERS = "/api/v8.1/users"
PASSWORD = "Azure#Pass1"


def spec():
    return load(SPEC_PATH)


def check_response(response):
    """The status must be one the document declares for the operation, and the body its schema and media type
    (openapi-core, as the simulator checks requests)."""
    request = response.request
    split = urlsplit(request.url)
    checked = Request(request.method, split.path, parse_qsl(split.query))
    reasons = response_reasons(document("vbazure"), checked, response.status_code, dict(response.headers), response.content)
    assert not reasons, f"{request.method} {split.path} {response.status_code}: {reasons}; {response.text[:300]}"


class Vbaz:
    """Calls to the simulator's VBAzure port; each answer is checked before the test sees it."""

    def __init__(self, sim):
        self.sim = sim
        self.url = sim.ready["vbazure_url"]

    def call(self, method, path, token=None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.sim.http.request(method, self.url + path, headers=headers, **kwargs)
        check_response(response)
        return response

    def grant(self, **form):
        return self.call("POST", "/api/oauth2/token", data=form)

    def password_grant(self, username=None, password=None, **extra):
        return self.grant(grant_type="Password", username=username or self.sim.username,
                          password=password or self.sim.password, **extra)

    def login(self, username=None, password=None):
        response = self.password_grant(username, password)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def create(self, token, name="ops1", role="PortalOperator", password=PASSWORD, **extra):
        body = {"name": name, "description": f"{name} user", "role": role, "password": password, **extra}
        response = self.call("POST", USERS, token, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def users(self, token, **query):
        response = self.call("GET", USERS, token, params=query)
        assert response.status_code == 200, response.text
        return response.json()

    def enrol(self, token, user_id):
        """enableMfa then acceptMfa with a real TOTP code; -> the UserMfaData answer."""
        enrolment = self.call("POST", f"{USERS}/{user_id}/enableMfa", token, json={"recreate": False}).json()
        accepted = self.call("POST", f"{USERS}/{user_id}/acceptMfa", token,
                             json={"code": totp_now(enrolment["secretKey"]), "token": enrolment["token"]})
        assert accepted.status_code == 204, accepted.text
        return enrolment


def totp_now(secret):
    """A code that stays valid while the request travels (not one about to expire)."""
    remaining = 30 - time.time() % 30
    if remaining < 2:
        time.sleep(remaining)
    return pyotp.TOTP(secret).now()


def problem(response, status, field=None):
    """Assert an RFC 7807 answer with this status (and an `errors` entry for `field`); -> its body."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["status"] == status
    if field:
        assert field in body["errors"], body
    return body
