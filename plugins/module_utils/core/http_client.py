# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer of the collection, shared by every API client.

It owns the requests Session (one per module run, so connections are reused), TLS settings,
timeouts, bounded retries and the mapping of failures to VeeamApiError. It knows no product,
no Veeam resource and nothing about Ansible; the API clients (through core/api_client.py) build on it.
"""

from __future__ import annotations

import email.utils
import random
import socket
import ssl
import time
import traceback

try:
    import requests
    from urllib3.exceptions import NewConnectionError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

from urllib.parse import quote, urlsplit

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, OutcomeUnknown, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import redact_text

# Answers after which a request is tried again. A server may send 429 or 503 after it acted (a 503 from a node that
# stopped mid-request), and 502 or 504 come from a gateway that may have forwarded the request: so only idempotent
# requests are repeated here. For any other (a create) the outcome is unknown: OutcomeUnknown tells the caller, which
# reads the object again before it decides to repeat the request (engine.send_once()).
RETRY_STATUSES = frozenset((429, 502, 503, 504))
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))

# How OpenSSL words a TLS handshake that got a plain-HTTP answer (1.1/3.0, 3.2 and later).
PLAIN_HTTP_ANSWER = ("wrong version number", "wrong_version_number", "record layer failure", "packet length too long")

NOT_REPEATED = ("The request was not repeated because the server may already have acted on it. "
                "Check the object's state and run the task again.")

# The remedies added to failure messages, in the words of whoever configures the client: core/connection.py passes its
# own, which name the module options (and also word the API clients' remedies, which they read from self.advice).
# The texts here name no setting.
ADVICE = {
    "no_verify": "certificate verification is off: the server certificate is not checked, so the connection can be "
                 "intercepted. Prefer trusting the CA that signed the server certificate.",
    "plain_http_answer": "the address must name the HTTPS port of the REST API. This is not a certificate problem.",
    "tls_failed": "Trust the CA certificate that signed the server certificate.",
    "ca_unreadable": "Give the PEM file of the CA that signed the server certificate.",
    "tls_port": "http://%(netloc)s speaks TLS (HTTPS): use https://%(netloc)s so the connection is encrypted.",
    "unreachable": "Check that the server is reachable and that the timeout (%(timeout)s s) suits it.",
    "refused": "Check that the REST API runs there and listens on that port.",
    "unresolved": "Check the host name.",
    "wrong_product": "the address seems to be that of another product or another port: the %(product)s REST API "
                     "listens on port %(default_port)s by default.",
    "not_json": "is the address that of the Veeam REST API?",
    "no_answer": "no answer within %(timeout)s s",
}

DEFAULT_RETRIES = 4
DEFAULT_RETRY_MAX_TIME = 60.0
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0


# A value that would change the request path rather than name one object in it: URL parsers drop "." and ".."
# segments (bucket=.. would read the parent collection), an empty one joins its neighbours, and some servers decode
# %2F and %5C back into separators.
PATH_CHANGING_SEGMENTS = ("", ".", "..")
PATH_SEPARATORS = ("/", "\\")


def segment_problem(value):
    """Why value cannot be one segment of a request path (see PATH_CHANGING_SEGMENTS), else None."""
    text = str(value)
    if text.strip() in PATH_CHANGING_SEGMENTS or any(separator in text for separator in PATH_SEPARATORS) \
            or any(ord(char) < 32 for char in text):
        return ("%r cannot name an object in a request path: empty, '.', '..' and names with '/', '\\' or control "
                "characters would change the path. Give the object's real name or id." % text)
    return None


def quote_segment(value):
    """Quote one path segment (names, ids, buckets and folders are placed into URLs); InputError for a value that
    would change the path instead (segment_problem()), before any request is sent."""
    problem = segment_problem(value)
    if problem:
        raise InputError(problem)
    return quote(str(value), safe="")


class HttpResponse:
    """The parts of a response the API clients use."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body


class HttpClient:
    """A requests Session with TLS settings, timeouts, bounded jittered retries and error mapping."""

    def __init__(self, base_url, validate_certs=True, ca_path=None, timeout=30, headers=None, warn=None,
                 retries=DEFAULT_RETRIES, retry_max_time=DEFAULT_RETRY_MAX_TIME, sleep=time.sleep, advice=None):
        self.advice = dict(ADVICE, **(advice or {}))
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.retry_max_time = retry_max_time
        self.warn = warn or (lambda msg: None)
        self.secrets = set()
        self.request_count = 0
        self._sleep = sleep
        # Pass verify with every request: REQUESTS_CA_BUNDLE in the environment would override Session.verify.
        self.verify = ca_path if ca_path else bool(validate_certs)
        self.session = requests.Session()
        self.session.headers.update({"Accept": "application/json", "User-Agent": "veeam_community.backup"})
        self.session.headers.update(headers or {})
        if not validate_certs and not ca_path:
            requests.packages.urllib3.disable_warnings()
            self.warn(self.advice["no_verify"])

    def add_secret(self, value):
        """Register a value that must never appear in an error message."""
        if value:
            self.secrets.add(str(value))

    def close(self):
        self.session.close()

    def request(self, method, path, params=None, json=None, form=None, headers=None, idempotent=None, missing_ok=False):
        """Send one request (with retries) and return an HttpResponse, or None for 404 when missing_ok.

        Raises VeeamApiError for any failure, with a message that says what to do.
        """
        method = method.upper()
        if idempotent is None:
            idempotent = method in IDEMPOTENT_METHODS
        deadline = time.monotonic() + self.retry_max_time
        attempt = 0
        while True:
            attempt += 1
            response, retry_reason, retry_after, sent = self._attempt(method, path, params, json, form, headers, idempotent)
            if retry_reason is None:
                return self._finish(method, path, response, missing_ok)
            if sent and not idempotent:
                raise self._outcome_unknown(method, path, response, retry_reason, retry_after)
            delay, why_not = self._retry_delay(attempt, retry_after, deadline)
            if delay is None:
                raise self._exhausted(method, path, response, retry_reason, why_not)
            self.warn("%s %s: %s; retry %d of %d in %.1f s." % (method, path, retry_reason, attempt, self.retries, delay))
            self._sleep(delay)

    def _attempt(self, method, path, params, json, form, headers, idempotent):
        """One try. Returns (response, retry_reason or None, retry_after seconds or None, whether the server may have
        seen the request)."""
        self.request_count += 1
        try:
            response = self.session.request(
                method, self.base_url + path, params=params, json=json, data=form, headers=headers,
                timeout=self.timeout, verify=self.verify, allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            if _is_plain_http_answer(exc):
                raise VeeamApiError(
                    "%s answered in plain HTTP, not TLS: %s" % (self.base_url, self.advice["plain_http_answer"]),
                    method=method, path=path,
                ) from None
            raise VeeamApiError(
                "TLS verification of %s failed (%s). %s" % (self.base_url, _short_reason(exc), self.advice["tls_failed"]),
                method=method, path=path,
            ) from None
        except requests.exceptions.RequestException as exc:
            self._refuse_tls_port(method, path, exc)
            self._refuse_unresolved_host(method, path, exc)
            never_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or _is_connection_refused(exc)
            return None, self._describe_transport_error(exc), None, not never_sent
        except OSError as exc:  # e.g. REQUESTS_CA_BUNDLE naming a file that does not exist
            raise VeeamApiError("the CA certificates to verify %s cannot be read (%s). %s" % (
                self.base_url, exc, self.advice["ca_unreadable"]), method=method, path=path) from None
        if response.status_code in RETRY_STATUSES:
            return response, "HTTP %d" % response.status_code, _parse_retry_after(response.headers.get("Retry-After")), True
        return response, None, None, True

    def _refuse_tls_port(self, method, path, exc):
        """An http:// request that the port dropped: if the port speaks TLS, say so instead of retrying."""
        parts = urlsplit(self.base_url)
        if parts.scheme != "http" or isinstance(exc, requests.exceptions.Timeout) or _is_connection_refused(exc):
            return
        if _speaks_tls(parts.hostname, parts.port, self.timeout):
            raise VeeamApiError(self.advice["tls_port"] % {"netloc": parts.netloc}, method=method, path=path) from None

    def _refuse_unresolved_host(self, method, path, exc):
        """A host name that does not resolve will not resolve on a retry either: say so at once."""
        if _is_name_resolution_failure(exc):
            host = urlsplit(self.base_url).hostname
            raise VeeamApiError("the host name %s cannot be resolved (%s). %s" % (
                host, _connection_failure(exc), self.advice["unresolved"]), method=method, path=path) from None

    def _describe_transport_error(self, exc):
        if isinstance(exc, requests.exceptions.Timeout):
            return self.advice["no_answer"] % {"timeout": self.timeout}
        if _is_connection_refused(exc):
            return _NoConnection("no connection to %s (%s)" % (urlsplit(self.base_url).netloc, _connection_failure(exc)))
        if isinstance(exc, requests.exceptions.ConnectionError):
            return "connection failed (%s)" % _short_reason(exc)
        return "request failed (%s)" % _short_reason(exc)

    def _retry_delay(self, attempt, retry_after, deadline):
        """(seconds to wait before the next try, None), or (None, why the retries stop)."""
        tries = "%d %s" % (attempt, "try" if attempt == 1 else "tries")
        if attempt > self.retries:
            return None, "gave up after %s, the most a task makes" % tries
        backoff = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
        delay = retry_after if retry_after is not None else backoff * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not crypto
        left = deadline - time.monotonic()
        if delay > left:
            if retry_after is not None:
                return None, ("gave up after %s: the server asked to wait %.0f s (Retry-After), more than the %.0f s left of "
                              "the %g s retry budget" % (tries, retry_after, max(left, 0), self.retry_max_time))
            return None, "gave up after %s: the %g s retry budget is spent" % (tries, self.retry_max_time)
        return delay, None

    def _exhausted(self, method, path, response, reason, why_not):
        if response is not None:
            error = self._error_from_response(method, path, response)
            return error.reworded("%s (%s). Run the task again once the server is available." % (error.message.rstrip("."), why_not))
        advice = self.advice[getattr(reason, "advice", "unreachable")] % {"timeout": self.timeout}
        return VeeamApiError("%s (%s). %s" % (reason, why_not, advice), method=method, path=path)

    def _outcome_unknown(self, method, path, response, reason, retry_after):
        """OutcomeUnknown for a request that is not idempotent: its wait() is the pause this client would make."""
        deadline = time.monotonic() + self.retry_max_time

        def wait(attempt):
            delay, _why_not = self._retry_delay(attempt, retry_after, deadline)
            if delay is not None:
                self.warn("%s %s: %s, and it was not carried out; retry %d of %d in %.1f s." % (
                    method, path, reason, attempt, self.retries, delay))
                self._sleep(delay)
            return delay is not None

        if response is None:
            return OutcomeUnknown("%s. %s" % (reason, NOT_REPEATED), wait, reason, method=method, path=path)
        error = self._error_from_response(method, path, response)
        return OutcomeUnknown("%s. %s" % (error.message.rstrip("."), NOT_REPEATED), wait, error.message,
                              status=error.status, method=method, path=path, error_code=error.error_code,
                              details=error.details)

    def _finish(self, method, path, response, missing_ok):
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400 or response.status_code < 200:
            raise self._error_from_response(method, path, response)
        body = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                raise VeeamApiError(
                    "the server answered HTTP %d with a body that is not JSON: %s" % (response.status_code, self.advice["not_json"]),
                    status=response.status_code, method=method, path=path,
                ) from None
        return HttpResponse(response.status_code, response.headers, body)

    def _error_from_response(self, method, path, response):
        """Read any error shape the APIs document ({message, errorCode, details}; RFC 7807 problem+json with per-field
        errors; OAuth2's {error, error_description}) or none."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        message = body.get("message") or body.get("details") or body.get("detail") or body.get("title") \
            or body.get("error_description") or body.get("error") or response.reason or "request failed"
        message = _with_field_errors(str(message), body.get("errors"))
        details = body.get("details") if body.get("details") != message else None
        error_code = body.get("errorCode") or (body.get("error") if isinstance(body.get("error"), str) else None)
        return VeeamApiError(
            redact_text(str(message), self.secrets),
            status=response.status_code, method=method, path=path, error_code=error_code,
            details=redact_text(str(details), self.secrets) if details else None,
        )


def _with_field_errors(message, errors):
    """message, followed by the per-field errors of a problem+json 400 that it does not say already."""
    if not isinstance(errors, dict):
        return message
    lines = ["%s: %s" % (field, " ".join(str(text) for text in (texts if isinstance(texts, list) else [texts])))
             for field, texts in errors.items()]
    extra = [line for line in lines if line.split(": ", 1)[1] not in message]
    return "%s (%s)" % (message, "; ".join(extra)) if extra else message


def _parse_retry_after(value):
    """Retry-After is either seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class _NoConnection(str):
    """The description of a connection that was never made, with the advice for when the retries run out (it names
    no timeout: nothing was waited for)."""

    advice = "refused"


def _is_connection_refused(exc):
    """True when no TCP connection was made, so the server cannot have seen the request."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


def _is_name_resolution_failure(exc):
    """True when the host name did not resolve (urllib3 2 has its own exception; 1.26 says so in the message)."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError) and (
        type(reason).__name__ == "NameResolutionError" or any(
            marker in str(reason) for marker in ("Name or service not known", "nodename nor servname", "getaddrinfo failed",
                                                 "No address associated with hostname", "failure in name resolution")))


def _connection_failure(exc):
    """What the operating system said about a connection that was not made, e.g. '[Errno 111] Connection refused'."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    cause = (reason.__cause__ or reason.__context__) if reason is not None else None
    if isinstance(cause, OSError):
        return str(cause)
    return _short_reason(exc).split("Failed to establish a new connection: ", 1)[-1]


def _is_plain_http_answer(exc):
    text = str(exc).lower()
    return any(marker in text for marker in PLAIN_HTTP_ANSWER)


def _speaks_tls(host, port, timeout):
    """True when a TLS handshake with host:port completes. Only the handshake: no certificate check, nothing sent."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=min(timeout, 10)) as sock, \
                context.wrap_socket(sock, server_hostname=host):
            return True
    except (OSError, ValueError):
        return False


def _short_reason(exc):
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)
    return str(reason)[:300]
