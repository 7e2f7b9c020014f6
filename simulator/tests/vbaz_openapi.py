"""A VBAzure client for the tests whose every answer is checked against the trimmed vendor v8.1 document."""

import re
import time

import pyotp
from openapi_schemas import load, schema_validator
from veeam_simulator.conformance import DOCUMENTS, VENDOR_FILES

SPEC_PATH = DOCUMENTS / VENDOR_FILES["vbazure"]
USERS = "/api/v8.1/users"
TEMPLATES = (
    (re.compile(r"/api/oauth2/token/?", re.IGNORECASE), "/api/oauth2/token"),
    (re.compile(r"/api/v8\.1/users/?", re.IGNORECASE), "/api/v8.1/users"),
    (re.compile(r"/api/v8\.1/users/changePassword/?", re.IGNORECASE), "/api/v8.1/users/changePassword"),
    (re.compile(r"/api/v8\.1/users/[^/]+/?", re.IGNORECASE), "/api/v8.1/users/{id}"),
    (re.compile(r"/api/v8\.1/users/[^/]+/changePassword/?", re.IGNORECASE), "/api/v8.1/users/{userId}/changePassword"),
    (re.compile(r"/api/v8\.1/users/[^/]+/enableMfa/?", re.IGNORECASE), "/api/v8.1/users/{id}/enableMfa"),
    (re.compile(r"/api/v8\.1/users/[^/]+/acceptMfa/?", re.IGNORECASE), "/api/v8.1/users/{id}/acceptMfa"),
    (re.compile(r"/api/v8\.1/users/[^/]+/disableMfa/?", re.IGNORECASE), "/api/v8.1/users/{id}/disableMfa"),
)
PASSWORD = "Azure#Pass1"


def spec():
    return load(SPEC_PATH)


def template_of(path):
    bare = path.split("?")[0]
    # first match wins, so that /users/changePassword is not read as /users/{id}
    return next(template for regex, template in TEMPLATES if regex.fullmatch(bare))


def check_response(response):
    """The status must be one the document declares for the operation, and the body its schema and media type."""
    request = response.request
    template = template_of(request.path_url)
    responses = spec()["paths"][template][request.method.lower()]["responses"]
    declared = responses.get(str(response.status_code))
    assert declared is not None, f"{request.method} {template} answered {response.status_code}, not declared"
    content = declared.get("content")
    if not content:
        assert response.content == b"", f"{request.method} {template} {response.status_code} must have no body"
        return
    media_type, schema = next(iter(content.items()))
    assert response.headers["Content-Type"].split(";")[0] == media_type
    schema_validator(SPEC_PATH, schema["schema"]).validate(response.json())


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
