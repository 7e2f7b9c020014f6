"""The trimmed VBAzure document holds only what its kept paths reference, unedited by the trim script."""

import json

import openapi_schemas
import pytest
import vbaz_openapi
from jsonschema import ValidationError
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


def test_each_document_validates_against_its_own_schemas_and_rejects_what_breaks_them():
    user = openapi_schemas.schema_validator(vbaz_openapi.SPEC_PATH, {"$ref": "#/components/schemas/RbacRole"})
    user.validate("PortalOperator")
    with pytest.raises(ValidationError):
        user.validate("Portal Operator")  # a VBGC role name is not a VBAzure role
    openapi_schemas.validate({"accountType": "amazonS3Account", "userName": "AKIA"}, "RESTAccount")
    with pytest.raises(ValidationError):
        openapi_schemas.validate({"accountType": "amazonS3Account", "userName": 5}, "RESTAccount")
    with pytest.raises(Exception, match="RbacRole' does not exist"):  # VBAzure's schemas are not VB365's
        openapi_schemas.validate("PortalOperator", "RbacRole")
