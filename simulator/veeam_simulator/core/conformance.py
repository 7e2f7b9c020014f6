"""Every request checked against the API's document (openapi-core): the vendor's OpenAPI documents for VB365 and
VBAzure (openapi/, trimmed copies), the contract's VBGC requests (vbgc/contract.py); each product's registry
entry (Product.document) says which.

Strict (the default): a request that the document does not declare as sent (an undeclared or wrongly cased query
parameter or path, a missing or mistyped parameter, a body that breaks its schema, a read-only property sent) gets
the API's 400. Lenient (--lenient-requests): undeclared query parameters are dropped before the handler sees them,
as a server that ignores them would; everything else is checked as in strict mode.
The reasons never quote a value from the request (a body may hold a password).
"""

import json
import re
from functools import cache
from pathlib import Path

from openapi_core import Config, OpenAPI
from openapi_core.deserializing.media_types.util import json_loads
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.security.exceptions import SecurityNotFound
from openapi_core.validation.request.exceptions import SecurityValidationError
from werkzeug.datastructures import Headers, ImmutableMultiDict

DOCUMENTS = Path(__file__).resolve().parent.parent / "openapi"
MEDIA_TYPE = "Content-Type"  # the field of a reason about the body's media type: 415, as ASP.NET Core answers
# openapi-core reads these as bytes; the vendor documents declare JSON in them (VBAzure's RFC 7807 errors, VB365's
# token answer)
JSON_MEDIA_TYPES = Config(extra_media_type_deserializers={"application/problem+json": json_loads, "*/*": json_loads})


def vendor_document(file_name):
    """A trimmed vendor OpenAPI document of openapi/, parsed."""
    return json.loads((DOCUMENTS / file_name).read_text(encoding="utf-8"))


class Document:
    """One API's document: its path templates (matched as the server routes, letter case aside) and openapi-core."""

    def __init__(self, document):
        self.document = document
        self.host_url = document["servers"][0]["url"].rstrip("/")
        self.openapi = OpenAPI.from_dict(document, config=JSON_MEDIA_TYPES)
        # fixed paths before templated ones, so that /users/changePassword is not read as /users/{id}
        self.templates = sorted(((_template_regex(path), path) for path in document["paths"]),
                                key=lambda item: item[1].count("{"))

    def template_of(self, path, method):
        """(template, the path in the template's letter case) of a request, or (None, path); a template that has
        the method wins, so that DELETE /users/roles is read as /users/{name}."""
        method, found = method.lower(), []
        for regex, template in self.templates:
            match = regex.fullmatch(path.rstrip("/") or "/")
            if match:
                found.append((method not in self.document["paths"][template], template, _filled(template, match)))
        return min(found, key=lambda item: item[0])[1:] if found else (None, path)

    def declared_query(self, template, method):
        operation = self.document["paths"][template].get(method.lower(), {})
        return {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"}


@cache
def document(product):
    """The Document of a product (a registry entry), loaded once."""
    return Document(product.document())


def _filled(template, match):
    """The template with the request's path values in place of its {parameters}."""
    values = iter(match.groups())
    return re.sub(r"\{\w+\}", lambda _: next(values), template)


def _template_regex(template):
    return re.compile(re.sub(r"\\\{\w+\\\}", "([^/]+)", re.escape(template)), re.IGNORECASE)


class CheckedRequest:
    """A simulator Request as openapi-core reads it (its path in the document's letter case)."""

    def __init__(self, request, doc, path, query):
        self.host_url, self.path, self.method, self.body = doc.host_url, path, request.method.lower(), request.body
        self.content_type = request.header("content-type") or ""
        self.full_url_pattern = None
        self.parameters = RequestParameters(query=ImmutableMultiDict(query), header=Headers(request.headers),
                                            cookie=ImmutableMultiDict())


def check(doc, request, lenient=False):
    """([(field, reason)] why the request does not conform to the Document, [what lenient mode dropped or renamed])."""
    template, path = doc.template_of(request.path, request.method)
    if template is None or request.method.lower() not in doc.document["paths"][template]:
        return [("path", f"{request.method} {request.path}: no such operation in the document")], []
    reasons = [] if path == request.path.rstrip("/") or lenient else [
        ("path", f"path letter case: the document writes {template}")]
    declared = doc.declared_query(template, request.method)
    if lenient:
        request.query, ignored = _lenient_query(request.query, declared)
    else:
        ignored = []
        reasons += [_undeclared(name, declared) for name in dict.fromkeys(name for name, _ in request.query)
                    if name not in declared]
    query = [(name, value) for name, value in request.query if name in declared]
    reasons += [reason for error in doc.openapi.iter_request_errors(CheckedRequest(request, doc, path, query))
                for reason in describe(error)]
    return reasons, ignored


def _lenient_query(query, declared):
    """INFERRED of an ASP.NET Core server: it binds query names in any letter case, ignores undeclared ones and
    reads an empty value as none. -> (the query it binds, what it renamed or dropped)"""
    by_lower = {name.lower(): name for name in declared}
    kept, ignored = [], []
    for name, value in query:
        cased = by_lower.get(name.lower())
        if cased is None or value == "":
            ignored.append(f"{name} dropped ({'undeclared' if cased is None else 'empty'})")
        else:
            kept.append((cased, value))
            if cased != name:
                ignored.append(f"{name} read as {cased}")
    return kept, list(dict.fromkeys(ignored))


def _undeclared(name, declared):
    cased = next((item for item in declared if item.lower() == name.lower()), None)
    if cased:
        return name, f"query parameter {name}: letter case, the document declares {cased}"
    return name, f"query parameter {name}: not declared (declared: {', '.join(sorted(declared)) or 'none'})"


def describe(error):
    """[(field, reason)] of an openapi-core error, without values; authentication is the simulator's own check,
    answered before this one."""
    if isinstance(error, SecurityValidationError) or isinstance(error.__cause__, SecurityNotFound):
        return []
    name, cause = getattr(error, "name", None), error.__cause__
    head = f"{type(error).__name__}({name} in {error.location})" if name else type(error).__name__
    if type(cause).__name__ == "MediaTypeNotFound":
        return [(MEDIA_TYPE, f"media type {cause.mimetype}: not declared (declared: {', '.join(cause.availableMimetypes)})")]
    if getattr(cause, "schema_errors", None):
        return [(name or _field(item), f"{head}: {_schema_reason(item)}") for item in cause.schema_errors]
    if cause is not None and type(cause).__name__ in ("CastError", "DeserializeError"):
        return [(name or "body", f"{head}: not a valid {getattr(cause, 'type', None) or 'value'}")]
    return [(name or "body", head)]


def _field(item):
    """The body property at fault: the one missing or unexpected, or the innermost one of the path."""
    if item.validator in ("required", "additionalProperties"):
        return re.search(r"'(.*?)'", item.message).group(1)
    return next((part for part in reversed(item.path) if isinstance(part, str)), "body")


def _schema_reason(item):
    """Where in the body and which rule, never the value that broke it."""
    where = item.json_path
    if item.validator == "readOnly":
        return f"{where}: read-only, a client does not send it"
    if item.validator in ("required", "additionalProperties"):  # these name properties, not values
        return f"{where}: {item.message}"
    return f"{where}: must satisfy {item.validator} {json.dumps(item.validator_value)[:200]}"


class CheckedResponse:
    """An answer as openapi-core reads it."""

    def __init__(self, status, headers, body):
        self.status_code, self.data = status, body
        self.headers = Headers(headers)
        self.content_type = self.headers.get("Content-Type", "")


def response_reasons(doc, request, status, headers, body):
    """Why an answer breaks what the Document declares for its request's operation ([] when it conforms)."""
    _, path = doc.template_of(request.path, request.method)
    checked = CheckedRequest(request, doc, path, list(request.query))
    return [reason for error in doc.openapi.iter_response_errors(checked, CheckedResponse(status, headers, body))
            for _, reason in describe(error)]
