"""Trim a vendor OpenAPI document to some paths and the schemas they reference (by default VB365 v8's token and
Accounts paths).

Run by hand by a maintainer (no test runs it):

    python simulator/veeam_simulator/openapi/trim.py ../shared/openapi/vb365-rest-v8.json \
        simulator/veeam_simulator/openapi/vb365-rest-v8-accounts.json

Paths given after the two files replace the default ones (simulator/veeam_simulator/openapi/README-vbazure.md uses that).
It prints the sha256 of the source document, to be recorded in README.md.
"""

import hashlib
import json
import sys

KEPT_PATHS = (
    "/v8/token", "/v8/token/logout", "/v8/Accounts", "/v8/Accounts/{accountId}", "/v8/ServiceInstance",
    # object storage: browse buckets/containers and folders, encryption passwords, repositories, proxies
    "/v8/S3Resources/buckets", "/v8/S3Resources/buckets/{Name}", "/v8/S3Resources/buckets/{bucketName}/folders",
    "/v8/S3Resources/buckets/{bucketName}/folders/{Name}",
    "/v8/S3CompatibleResources/buckets", "/v8/S3CompatibleResources/buckets/{Name}",
    "/v8/S3CompatibleResources/buckets/{bucketName}/folders",
    "/v8/S3CompatibleResources/buckets/{bucketName}/folders/{Name}",
    "/v8/AzureResources/containers", "/v8/AzureResources/containers/{Name}",
    "/v8/AzureResources/containers/{containerName}/folders",
    "/v8/AzureResources/containers/{containerName}/folders/{Name}",
    "/v8/EncryptionKeys", "/v8/EncryptionKeys/{keyId}",
    "/v8/BackupRepositories", "/v8/BackupRepositories/{repositoryId}",
    "/v8/Proxies", "/v8/ProxyPools",
)
SCHEMA_PREFIX = "#/components/schemas/"


def references(node):
    """Every $ref string anywhere inside `node`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def referenced_schemas(document, roots):
    """Names of the component schemas reachable from `roots`, following $refs transitively."""
    schemas, found, pending = document["components"]["schemas"], set(), list(references(roots))
    while pending:
        ref = pending.pop()
        if not ref.startswith(SCHEMA_PREFIX):
            raise ValueError(f"unexpected reference {ref}")
        name = ref[len(SCHEMA_PREFIX):]
        if name not in found:
            found.add(name)
            pending.extend(references(schemas[name]))
    return sorted(found)


def trim(document, kept_paths=KEPT_PATHS):
    paths = {path: document["paths"][path] for path in kept_paths}
    names = referenced_schemas(document, paths)
    tags = sorted({tag for operations in paths.values() for operation in operations.values()
                   for tag in operation.get("tags", [])})
    return {
        "openapi": document["openapi"],
        "info": document["info"],
        "servers": document["servers"],
        "paths": paths,
        "components": {
            "schemas": {name: document["components"]["schemas"][name] for name in names},
            "securitySchemes": document["components"]["securitySchemes"],
        },
        "security": document["security"],
        "tags": [tag for tag in document["tags"] if tag["name"] in tags],
    }


def main(source, target, *kept_paths):
    with open(source, "rb") as handle:
        raw = handle.read()
    trimmed = trim(json.loads(raw), kept_paths or KEPT_PATHS)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(trimmed, handle, indent=2)  # ASCII only: sanity tests reject smart quotes
        handle.write("\n")
    print(f"sha256 of {source}: {hashlib.sha256(raw).hexdigest()}")
    print(f"kept {len(trimmed['paths'])} paths and schemas: {', '.join(trimmed['components']['schemas'])}")


if __name__ == "__main__":
    main(*sys.argv[1:])
