"""Check answers against the trimmed VB365 OpenAPI document the simulator ships: whole answers with openapi-core
(validate_response), single bodies against one component schema with jsonschema (validate)."""

import json
import re
from functools import cache
from pathlib import Path

import jsonschema
from veeam_simulator.core.conformance import DOCUMENTS, response_reasons
from veeam_simulator.core.messages import Request
from veeam_simulator.products import document
from veeam_simulator.vb365 import VENDOR_FILE

SPEC_PATH = DOCUMENTS / VENDOR_FILE
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
OPENAPI_ONLY_KEYS = {"nullable", "example", "xml", "externalDocs", "discriminator", "readOnly", "writeOnly"}


def to_json_schema(node):
    """OpenAPI 3.0 schema -> JSON Schema, nothing added: `nullable: true` adds "null" to `type` only.

    As OpenAPI 3.0.3 says, an `enum` limits the values whatever `nullable` says, so a null errorCode
    (not in the vendor's enum) is invalid, as strict OpenAPI validators judge it.
    """
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: to_json_schema(value) for key, value in node.items() if key not in OPENAPI_ONLY_KEYS}
    if node.get("nullable") is True and "type" in converted:
        converted["type"] = [converted["type"], "null"]
    return converted


@cache
def load(spec_path):
    """One trimmed vendor OpenAPI document, parsed (VB365 here, VBAzure in vbaz_openapi.py)."""
    return json.loads(Path(spec_path).read_text(encoding="utf-8"))


def spec():
    return load(SPEC_PATH)


def _format_checker():
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(lambda value: not isinstance(value, str) or RFC3339.fullmatch(value) is not None)
    return checker


@cache
def _validator(spec_path, schema_json):
    schemas = to_json_schema(load(spec_path)["components"]["schemas"])
    root = {**to_json_schema(json.loads(schema_json)), "components": {"schemas": schemas}}
    jsonschema.Draft202012Validator.check_schema(root)
    return jsonschema.Draft202012Validator(root, format_checker=_format_checker())


def schema_validator(spec_path, schema):
    """A validator for one OpenAPI schema of the document at spec_path; its $refs resolve into that document."""
    return _validator(str(spec_path), json.dumps(schema, sort_keys=True))


def validate(instance, schema_name):
    """Raise jsonschema.ValidationError unless `instance` is valid against components/schemas/<schema_name>."""
    schema_validator(SPEC_PATH, {"$ref": f"#/components/schemas/{schema_name}"}).validate(instance)


def vb365_template(path, method="GET"):
    """The document's path template of a request path (query string allowed), or None: matched as the simulator
    matches it (veeam_simulator.conformance)."""
    return document("vb365").template_of(path.split("?")[0], method)[0]


def is_declared(template, method):
    return method.lower() in spec()["paths"][template]


def validate_response(template, method, status, body, content_type="application/json"):
    """Check an answer against what the document declares for `template` (e.g. /v8/Accounts/{accountId}), with
    openapi-core, the library that checks the simulator's requests (veeam_simulator.conformance).

    A status the document does not list must be an error and then matches `default` (RESTExceptionInfo). A
    rejected bearer is 401 with no body: no media type for the declared schema to apply to.
    """
    declared = spec()["paths"][template][method.lower()]["responses"]
    assert str(status) in declared or status >= 400, f"{method} {template} answered {status}, which the spec does not declare"
    if status == 401 and body == b"":
        return
    request = Request(method, template)
    reasons = response_reasons(document("vb365"), request, status, {"Content-Type": content_type} if body else {}, body)
    assert not reasons, f"{method} {template} {status}: {reasons}; body {body[:300]!r}"
