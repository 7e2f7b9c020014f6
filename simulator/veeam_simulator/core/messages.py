"""Request and Response objects passed between the socket plumbing and the API handlers."""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl


class InputError(ValueError):
    """Bad input from the command line, the control API or a state file: the message says what and how to fix it.
    (A ValueError, as Python's own parsers raise for bad input.)"""


class ApiError(Exception):
    """An error answer. Each API renders it in its own error body shape."""

    def __init__(self, status, message, code=None, headers=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}
        self.field = None  # the request field at fault, where one is (VBAzure names it in its error body)


class FieldError(ApiError):
    """A 400 naming the request field at fault."""

    def __init__(self, field, message):
        super().__init__(400, message)
        self.field = field


@dataclass
class Request:
    method: str
    path: str
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased
    body: bytes = b""
    nonconformant: list[str] = field(default_factory=list)  # why it breaks the API's document (conformance.py)
    ignored: list[str] = field(default_factory=list)  # undeclared query parameters dropped (--lenient-requests)

    def header(self, name):
        return self.headers.get(name.lower())

    def media_type(self):
        return (self.header("content-type") or "").split(";")[0].strip().lower()

    def query_names(self):
        return list(dict.fromkeys(name for name, _ in self.query))

    def query_value(self, name):
        """First non-empty value of a query parameter; names match case-insensitively."""
        for key, value in self.query:
            if key.lower() == name.lower() and value != "":
                return value
        return None

    def json_object(self):
        try:
            body = json.loads(self.body.decode("utf-8"))
        except ValueError as exc:  # UnicodeDecodeError is a ValueError too
            raise ApiError(400, f"The request body is not valid JSON: {exc}") from None
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return body

    def form_fields(self):
        """Form fields as a dict with lower-cased keys (the last value of a repeated key wins)."""
        try:
            pairs = parse_qsl(self.body.decode("utf-8"), keep_blank_values=True, errors="strict")
        except (UnicodeDecodeError, ValueError) as exc:
            raise ApiError(400, f"The form body cannot be decoded: {exc}") from None
        return {key.lower(): value for key, value in pairs}


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False  # close the connection without answering


def json_response(status, payload, headers=None):
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    return Response(status, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})


def empty_response(status=204):
    return Response(status)
