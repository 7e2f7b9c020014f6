"""The VBGC 1.4-rev0 requests as an OpenAPI 3.0 document, written once from the project's API contract.

Veeam publishes no OpenAPI document for VBGC, so this one holds only what the contract (the steering repository's
api/veeam-api.md, section 2, from the vendor's reference pages) states of the requests: the token call's form fields
(2.2), the x-api-version header on every operation (2.1), the query of GET /users (2.3) and the users and MFA bodies
(2.4, 2.6). It declares no answers: the simulator checks VBGC requests against it, nothing else. Bodies stay open
(the contract lists the fields it knows, not that there are no others); the PUT body's fields are unknown (2.4).
"""

STRING = {"type": "string"}
BOOLEAN = {"type": "boolean"}
INT32 = {"type": "integer", "format": "int32"}
# 2.1: "x-api-version, required on every operation in the 1.4 reference, including POST /api/v1/token"
API_VERSION = {"name": "x-api-version", "in": "header", "required": True, "schema": STRING}
ANSWER = {"default": {"description": "the simulator's answer (not checked against this document)"}}
# 2.2: the token form; grant_type's enum as the reference lists it (the contract notes binding is lenient about
# letter case: INFERRED, and the simulator accepts any case, so the enum is not applied to it here)
TOKEN_FORM = {"type": "object", "required": ["grant_type"], "properties": {
    "grant_type": STRING, "username": STRING, "password": STRING, "refresh_token": STRING,
    "use_short_term_refresh": BOOLEAN, "code": STRING, "mfa_token": STRING, "mfa_code": STRING}}
NEW_USER = {"type": "object", "required": ["name", "password"], "properties": {  # 2.4 POST /users
    "name": STRING, "password": STRING, "description": STRING, "roleIds": {"type": "array", "items": STRING}}}
# 2.4/2.6: a boolean, and the vendor's own example sends it as the string "false": either is declared
MFA_ENABLE = {"type": "object", "required": ["recreate"], "properties": {
    "recreate": {"oneOf": [BOOLEAN, {"type": "string", "enum": ["true", "false"]}]}}}
MFA_ACCEPT = {"type": "object", "required": ["code", "token"], "properties": {"code": STRING, "token": STRING}}
CHANGE_PASSWORD = {"type": "object", "required": ["password", "oldPassword"],  # 2.4 changePassword
                   "properties": {"password": STRING, "oldPassword": STRING}}
NAME = {"name": "name", "in": "path", "required": True, "schema": STRING}
# 2.3 "Query parameters on collections": GET /users lists them; the filter, orderby and paging pages speak of any
# collection endpoint, so the roles collection takes them too
COLLECTION_QUERY = [{"name": name, "in": "query", "schema": schema}
               for name, schema in (("filter", STRING), ("orderby", STRING), ("offset", INT32), ("limit", INT32))]


def _operation(parameters=(), body=None, media_type="application/json"):
    operation = {"parameters": [API_VERSION, *parameters], "responses": ANSWER}
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {media_type: {"schema": body}}}
    return operation


def _user_paths(prefix):
    """/api/v1/users (the 1.4 reference) and /api/v1/accounts/users (the MFA page's example, 2.4)."""
    return {
        prefix: {"get": _operation(COLLECTION_QUERY), "post": _operation(body=NEW_USER)},
        f"{prefix}/roles": {"get": _operation(COLLECTION_QUERY)},
        f"{prefix}/{{name}}": {"get": _operation([NAME]), "put": _operation([NAME], {"type": "object"}),
                               "delete": _operation([NAME])},
        f"{prefix}/{{name}}/mfaEnable": {"post": _operation([NAME], MFA_ENABLE)},
        f"{prefix}/{{name}}/mfaAccepted": {"post": _operation([NAME], MFA_ACCEPT)},
        f"{prefix}/{{name}}/mfaDisable": {"post": _operation([NAME])},
        f"{prefix}/{{name}}/changePassword": {"post": _operation([NAME], CHANGE_PASSWORD)},
    }


DOCUMENT = {
    "openapi": "3.0.1",
    "info": {"title": "VBGC 1.4-rev0 requests, from the API contract (section 2)", "version": "1.4-rev0"},
    "servers": [{"url": "https://127.0.0.1:13140"}],
    "paths": {
        "/api/v1/token": {"post": _operation(body=TOKEN_FORM, media_type="application/x-www-form-urlencoded"),
                          "delete": _operation()},
        **_user_paths("/api/v1/users"),
        **_user_paths("/api/v1/accounts/users"),
    },
}
