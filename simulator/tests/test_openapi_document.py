"""The trimmed vendor document in tests/data holds only what its kept paths reference, unedited by trim.py."""

import importlib.util
import json

from openapi_schemas import SPEC_PATH, spec


def load_trim():
    module_spec = importlib.util.spec_from_file_location("trim", SPEC_PATH.parent / "trim.py")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module


def test_trimming_the_trimmed_document_again_changes_nothing():
    trim = load_trim()
    assert set(spec()["paths"]) == set(trim.KEPT_PATHS)
    assert trim.trim(json.loads(json.dumps(spec()))) == spec()


def test_the_error_code_enum_is_the_vendors_without_null():
    error_code = spec()["components"]["schemas"]["RESTExceptionInfo"]["properties"]["errorCode"]
    assert None not in error_code["enum"]
    assert error_code["nullable"] is True
