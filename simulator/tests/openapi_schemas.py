"""Validate bodies against component schemas of the trimmed VB365 OpenAPI document the simulator ships."""

import json
import re
from functools import cache
from pathlib import Path

import jsonschema
from veeam_simulator.conformance import DOCUMENTS, VENDOR_FILES

SPEC_PATH = DOCUMENTS / VENDOR_FILES["vb365"]
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
VB365_TEMPLATES = (
    (re.compile(r"/v8/token/?", re.IGNORECASE), "/v8/token"),
    (re.compile(r"/v8/token/logout/?", re.IGNORECASE), "/v8/token/logout"),
    (re.compile(r"/v8/accounts/?", re.IGNORECASE), "/v8/Accounts"),
    (re.compile(r"/v8/accounts/[^/]+/?", re.IGNORECASE), "/v8/Accounts/{accountId}"),
    (re.compile(r"/v8/serviceinstance/?", re.IGNORECASE), "/v8/ServiceInstance"),
    *((re.compile(regex, re.IGNORECASE), template) for regex, template in (
        (r"/v8/s3resources/buckets/?", "/v8/S3Resources/buckets"),
        (r"/v8/s3resources/buckets/[^/]+/?", "/v8/S3Resources/buckets/{Name}"),
        (r"/v8/s3resources/buckets/[^/]+/folders/?", "/v8/S3Resources/buckets/{bucketName}/folders"),
        (r"/v8/s3resources/buckets/[^/]+/folders/[^/]+/?", "/v8/S3Resources/buckets/{bucketName}/folders/{Name}"),
        (r"/v8/s3compatibleresources/buckets/?", "/v8/S3CompatibleResources/buckets"),
        (r"/v8/s3compatibleresources/buckets/[^/]+/?", "/v8/S3CompatibleResources/buckets/{Name}"),
        (r"/v8/s3compatibleresources/buckets/[^/]+/folders/?", "/v8/S3CompatibleResources/buckets/{bucketName}/folders"),
        (r"/v8/s3compatibleresources/buckets/[^/]+/folders/[^/]+/?",
         "/v8/S3CompatibleResources/buckets/{bucketName}/folders/{Name}"),
        (r"/v8/azureresources/containers/?", "/v8/AzureResources/containers"),
        (r"/v8/azureresources/containers/[^/]+/?", "/v8/AzureResources/containers/{Name}"),
        (r"/v8/azureresources/containers/[^/]+/folders/?", "/v8/AzureResources/containers/{containerName}/folders"),
        (r"/v8/azureresources/containers/[^/]+/folders/[^/]+/?",
         "/v8/AzureResources/containers/{containerName}/folders/{Name}"),
        (r"/v8/encryptionkeys/?", "/v8/EncryptionKeys"),
        (r"/v8/encryptionkeys/[^/]+/?", "/v8/EncryptionKeys/{keyId}"),
        (r"/v8/backuprepositories/?", "/v8/BackupRepositories"),
        (r"/v8/backuprepositories/[^/]+/?", "/v8/BackupRepositories/{repositoryId}"),
        (r"/v8/proxies/?", "/v8/Proxies"),
        (r"/v8/proxypools/?", "/v8/ProxyPools"),
    )),
)
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


def vb365_template(path):
    """The document's path template of a request path (query string allowed), or None."""
    bare = path.split("?")[0]
    return next((template for regex, template in VB365_TEMPLATES if regex.fullmatch(bare)), None)


def is_declared(template, method):
    return method.lower() in spec()["paths"][template]


def validate_response(template, method, status, body):
    """Check a response against what the spec declares for `template` (e.g. /v8/Accounts/{accountId}).

    A status the spec does not list must be an error and then matches `default` (RESTExceptionInfo).
    """
    responses = spec()["paths"][template][method.lower()]["responses"]
    declared = responses.get(str(status))
    if declared is None:
        assert status >= 400, f"{method} {template} answered {status}, which the spec does not declare"
        declared = responses["default"]
    content = declared.get("content")
    if not content:
        assert body == b"", f"{method} {template} {status} must have no body, got {body[:200]!r}"
        return
    if status == 401 and body == b"":
        return  # a rejected bearer: no body, so no media type for the declared schema to apply to
    schema = next(iter(content.values()))["schema"]
    schema_validator(SPEC_PATH, schema).validate(json.loads(body))
