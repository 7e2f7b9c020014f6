"""The trimmed VBAzure document holds only what its kept paths reference, unedited by the trim script."""

import json

from test_openapi_document import load_trim
from vbaz_openapi import spec


def test_trimming_the_trimmed_document_again_changes_nothing():
    trim = load_trim()
    kept = tuple(spec()["paths"])
    assert trim.trim(json.loads(json.dumps(spec())), kept) == spec()


def test_the_documented_roles_and_grants():
    schemas = spec()["components"]["schemas"]
    assert set(schemas["RbacRole"]["enum"]) == {"PortalAdmin", "PortalOperator", "RestoreOperator", "VeeamUpdater",
                                                "Unknown", "IntegrationOperator", "ReadOnlyUser"}
    assert {"Password", "Refresh_token", "Mfa"} <= set(schemas["GrantType"]["enum"])
