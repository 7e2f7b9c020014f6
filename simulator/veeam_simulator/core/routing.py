"""Method + path-pattern routing (paths match case-insensitively) and the base of each API."""

import re
import sys
import traceback
from dataclasses import dataclass
from urllib.parse import unquote

from . import conformance
from .messages import ApiError

AUTH = "auth"
READ = "read"
WRITE = "write"


def kind_of_method(method):
    return READ if method in ("GET", "HEAD") else WRITE


@dataclass(frozen=True)
class Route:
    method: str
    regex: re.Pattern
    handler: object
    kind: str


class Router:
    def __init__(self):
        self.routes = []

    def add(self, method, pattern, handler, kind=None):
        """Register `pattern` such as `/v8/Accounts/{accountId}`; a trailing slash is tolerated."""
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
        compiled = re.compile(f"^{regex}/?$", re.IGNORECASE)
        self.routes.append(Route(method, compiled, handler, kind or kind_of_method(method)))

    def match(self, method, path):
        """Return (route, params) or raise 404/405. Earlier routes win, so add fixed paths first."""
        allowed = []
        for route in self.routes:
            found = route.regex.match(path)
            if not found:
                continue
            if route.method == method:
                return route, {key: unquote(value) for key, value in found.groupdict().items()}
            allowed.append(route.method)
        if allowed:
            raise ApiError(405, f"The method {method} is not allowed on {path}.",
                           headers={"Allow": ", ".join(sorted(set(allowed)))})
        raise ApiError(404, f"No resource at {path}.")


class ApiBase:
    """One API: routes plus its error body shape. Subclasses add routes and render errors."""

    name = ""

    def __init__(self, state, product=None):
        self.state = state
        self.product = product  # the registry entry (core/product.py); None for the control API
        self.base_url = ""  # set once the server is bound
        self.router = Router()

    def handle(self, request):
        """Answer one request; returns (response, kind). The caller holds the state lock."""
        kind = kind_of_method(request.method)
        try:
            self.authenticate_first(request)
            route, params = self.router.match(request.method, request.path)
            kind = route.kind
            self.check_conformance(request)
            self.check_request(request)
            return route.handler(request, **params), kind
        except ApiError as error:
            return self.error_response(error), kind
        except Exception:  # a simulator bug must still produce an answer in the API's shape
            traceback.print_exc(file=sys.stderr)
            return self.error_response(ApiError(500, "Internal simulator error.")), kind

    def kind_of(self, request):
        """The journal kind of a request without answering it (for injected faults)."""
        try:
            return self.router.match(request.method, request.path)[0].kind
        except ApiError:
            return kind_of_method(request.method)

    def authenticate_first(self, request):
        """Checks made on every request before it is routed (none by default)."""

    def check_request(self, request):
        """Checks made on every routed request before its handler (none by default)."""

    def check_conformance(self, request):
        """A 400 in the API's error shape for a request its document does not declare (conformance.py)."""
        document = conformance.document(self.product)
        reasons, request.ignored = conformance.check(document, request, self.state.settings.lenient_requests)
        request.nonconformant = [reason for _, reason in reasons]
        if reasons:
            fields = [field for field, _ in reasons]
            status = 415 if set(fields) == {conformance.MEDIA_TYPE} else 400
            error = ApiError(status, f"The request does not conform to the API's document: {'; '.join(request.nonconformant)}.")
            error.field = fields[0]  # VBAzure's ProblemDetails400 names it in `errors`
            raise error

    def error_response(self, error):
        raise NotImplementedError

    @staticmethod
    def json_body(request):
        """The JSON object body of a write; 415 for another media type, as ASP.NET Core answers."""
        if "json" not in request.media_type():
            raise ApiError(415, "The request body must be application/json.")
        return request.json_object()
