# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer of the collection, shared by the VB365 and VBGC API clients.

It owns the requests Session (one per module run, so connections are reused), TLS settings,
timeouts, bounded retries, the error type and secret redaction. It knows nothing about Veeam
resources; the API clients in vb365.py and vbgc.py build on it.
"""

from __future__ import annotations

import email.utils
import os
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

MASK = "********"

# Keys whose values are never shown, in any casing, anywhere (diffs, errors, logs).
SECRET_KEYS = frozenset((
    "password", "oldpassword", "old_password", "secret", "secretkey", "secret_key", "shared_key",
    "token", "access_token", "refresh_token", "mfa_token", "mfa_code", "code", "auth_token",
    "auth_password", "auth_mfa_secret", "scratchcodes", "scratch_codes", "qrstring", "qr_string",
    "enrollment_token", "authorization",
))

# 429 and 503 mean the server refused the request without acting on it, so even a POST may be
# sent again. 502 and 504 come from a gateway that may have forwarded the request: only
# idempotent requests are retried after them.
RETRY_ANY_METHOD = frozenset((429, 503))
RETRY_IDEMPOTENT = frozenset((502, 504))
IDEMPOTENT_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "PUT", "DELETE"))

# How OpenSSL words a TLS handshake that got a plain-HTTP answer (1.1/3.0, 3.2 and later).
PLAIN_HTTP_ANSWER = ("wrong version number", "wrong_version_number", "record layer failure", "packet length too long")

NOT_REPEATED = ("The request was not repeated because the server may already have acted on it. "
                "Check the object's state and run the task again.")

DEFAULT_RETRIES = 4
DEFAULT_RETRY_MAX_TIME = 60.0
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0


class VeeamApiError(Exception):
    """A failed call: what was asked (method, path) and what the server said. Never headers or bodies."""

    def __init__(self, message, status=None, method=None, path=None, error_code=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.error_code = error_code
        self.details = details

    def __str__(self):
        where = "%s %s: " % (self.method, self.path) if self.method else ""
        status = "HTTP %s " % self.status if self.status else ""
        code = "(%s) " % self.error_code if self.error_code else ""
        text = "%s%s%s%s" % (where, status, code, self.message)
        if self.details and self.details != self.message:
            text += " Details: %s" % self.details
        return text

    def as_result(self):
        """Fields for fail_json, so playbooks can branch on them."""
        return {
            "status": self.status,
            "method": self.method,
            "path": self.path,
            "error_code": self.error_code,
        }


def redact(data, keys=SECRET_KEYS):
    """Return a copy of data (dicts/lists) with the value of every secret-looking key masked."""
    if isinstance(data, dict):
        return {k: (MASK if _is_secret_key(k) and v not in (None, "") else redact(v, keys)) for k, v in data.items()}
    if isinstance(data, list):
        return [redact(item, keys) for item in data]
    return data


def _is_secret_key(key):
    return str(key).lower().lstrip(".") in SECRET_KEYS


def redact_text(text, secrets):
    """Replace every known secret value inside a free text (e.g. an error body echoing the input)."""
    for value in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


def build_base_url(server, port, option_name="server"):
    """Turn the server option (host, IP, or https://host[:port]) into a base URL without a path.

    Raises ValueError with a message naming the option and the fix.
    """
    server = (server or "").strip()
    if not server:
        raise ValueError("%s is empty: give the host name or IP of the Veeam server, e.g. backup.example.com." % option_name)
    candidate = server if "://" in server else "https://" + server
    parts = urlsplit(candidate)
    if parts.scheme not in ("https", "http"):
        raise ValueError("%s=%s uses the scheme '%s': use https://host[:port] or a bare host name." % (option_name, server, parts.scheme))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError(
            "%s=%s contains a path or query: give only the scheme, host and port (for example https://%s); "
            "the module adds the API path itself." % (option_name, server, parts.netloc)
        )
    if not parts.hostname:
        raise ValueError("%s=%s has no host name." % (option_name, server))
    try:
        url_port = parts.port
    except ValueError:
        raise ValueError("%s=%s has an invalid port." % (option_name, server)) from None
    host = "[%s]" % parts.hostname if ":" in parts.hostname else parts.hostname
    return "%s://%s:%d" % (parts.scheme, host, url_port or port)


def quote_segment(value):
    """Quote one path segment (user names and ids are placed into URLs)."""
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
                 retries=DEFAULT_RETRIES, retry_max_time=DEFAULT_RETRY_MAX_TIME, sleep=time.sleep):
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
            self.warn("validate_certs is false: the server certificate is not checked, so the connection can be intercepted. "
                      "Prefer ca_path with the CA that signed the server certificate.")

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
            response, retry_reason, retry_after = self._attempt(method, path, params, json, form, headers, idempotent)
            if retry_reason is None:
                return self._finish(method, path, response, missing_ok, idempotent)
            delay, why_not = self._retry_delay(attempt, retry_after, deadline)
            if delay is None:
                raise self._exhausted(method, path, response, retry_reason, why_not)
            self.warn("%s %s: %s; retry %d of %d in %.1f s." % (method, path, retry_reason, attempt, self.retries, delay))
            self._sleep(delay)

    def _attempt(self, method, path, params, json, form, headers, idempotent):
        """One try. Returns (response, retry_reason or None, retry_after seconds or None)."""
        self.request_count += 1
        try:
            response = self.session.request(
                method, self.base_url + path, params=params, json=json, data=form, headers=headers,
                timeout=self.timeout, verify=self.verify, allow_redirects=False,
            )
        except requests.exceptions.SSLError as exc:
            if _is_plain_http_answer(exc):
                raise VeeamApiError(
                    "%s answered in plain HTTP, not TLS: server and port must name the HTTPS port of the REST API. "
                    "This is not a certificate problem. Use http:// only for a service that really serves plain HTTP "
                    "(with allow_plain_http: true)." % self.base_url,
                    method=method, path=path,
                ) from None
            raise VeeamApiError(
                "TLS verification of %s failed (%s). Set ca_path to the CA certificate that signed the server "
                "certificate (for the simulator: the ca_path of its ready line), or, only for a lab, "
                "validate_certs: false." % (self.base_url, _short_reason(exc)),
                method=method, path=path,
            ) from None
        except requests.exceptions.RequestException as exc:
            self._refuse_tls_port(method, path, exc)
            never_sent = isinstance(exc, requests.exceptions.ConnectTimeout) or _is_connection_refused(exc)
            if never_sent or idempotent:
                return None, _describe_transport_error(exc, self.timeout), None
            raise VeeamApiError("%s. %s" % (_describe_transport_error(exc, self.timeout), NOT_REPEATED),
                                method=method, path=path) from None
        except OSError as exc:  # e.g. REQUESTS_CA_BUNDLE naming a file that does not exist
            raise VeeamApiError("the CA certificates to verify %s cannot be read (%s). Set ca_path to the PEM file of the CA "
                                "that signed the server certificate." % (self.base_url, exc), method=method, path=path) from None
        if response.status_code in RETRY_ANY_METHOD or (idempotent and response.status_code in RETRY_IDEMPOTENT):
            return response, "HTTP %d" % response.status_code, _parse_retry_after(response.headers.get("Retry-After"))
        return response, None, None

    def _refuse_tls_port(self, method, path, exc):
        """An http:// request that the port dropped: if the port speaks TLS, say so instead of retrying."""
        parts = urlsplit(self.base_url)
        if parts.scheme != "http" or isinstance(exc, requests.exceptions.Timeout) or _is_connection_refused(exc):
            return
        if _speaks_tls(parts.hostname, parts.port, self.timeout):
            raise VeeamApiError(
                "server is http://%s but that port speaks TLS (HTTPS): use https://%s (or the bare host name) so the "
                "connection is encrypted." % (parts.netloc, parts.netloc), method=method, path=path,
            ) from None

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
            error.message = "%s (%s). Run the task again once the server is available." % (error.message.rstrip("."), why_not)
            return error
        return VeeamApiError(
            "%s (%s). Check that the server is reachable and that timeout (%s s) suits it."
            % (reason, why_not, self.timeout), method=method, path=path,
        )

    def _finish(self, method, path, response, missing_ok, idempotent=True):
        if response.status_code == 404 and missing_ok:
            return None
        if response.status_code >= 400 or response.status_code < 200:
            error = self._error_from_response(method, path, response)
            if response.status_code in RETRY_IDEMPOTENT and not idempotent:
                error.message = "%s. %s" % (error.message.rstrip("."), NOT_REPEATED)
            raise error
        body = None
        if response.content:
            try:
                body = response.json()
            except ValueError:
                raise VeeamApiError(
                    "the server answered HTTP %d with a body that is not JSON: is server pointing at the Veeam REST API?"
                    % response.status_code, status=response.status_code, method=method, path=path,
                ) from None
        return HttpResponse(response.status_code, response.headers, body)

    def _error_from_response(self, method, path, response):
        """Read either documented error shape (VB365 RESTExceptionInfo, VBGC problem body) or none."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        message = body.get("message") or body.get("details") or body.get("title") or body.get("error_description") \
            or body.get("error") or response.reason or "request failed"
        details = body.get("details") if body.get("details") != message else None
        error_code = body.get("errorCode") or (body.get("error") if isinstance(body.get("error"), str) else None)
        return VeeamApiError(
            redact_text(str(message), self.secrets),
            status=response.status_code, method=method, path=path, error_code=error_code,
            details=redact_text(str(details), self.secrets) if details else None,
        )


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


def _is_connection_refused(exc):
    """True when no TCP connection was made, so the server cannot have seen the request."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError)


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


def _describe_transport_error(exc, timeout):
    if isinstance(exc, requests.exceptions.Timeout):
        return "no answer within timeout=%s s" % timeout
    if isinstance(exc, requests.exceptions.ConnectionError):
        return "connection failed (%s)" % _short_reason(exc)
    return "request failed (%s)" % _short_reason(exc)


def _short_reason(exc):
    reason = exc.args[0] if exc.args else exc
    reason = getattr(reason, "reason", reason)
    return str(reason)[:300]


class ApiClient:
    """Base of the VB365 and VBGC clients: the bearer token and its life cycle.

    The token comes from auth_token or from a login with auth_username/auth_password. On a 401
    the client logs in once more when it has credentials. A token the client minted itself is
    revoked by close(); a token passed in is never revoked (the caller owns it).
    Subclasses implement _request_token() and _revoke_token() and may add default headers.
    """

    product = "Veeam"
    default_port = None
    env_prefix = "VEEAM"
    action_group = None

    def __init__(self, http, username=None, password=None, token=None, keep_token=False):
        self.http = http
        self.username = username
        self.password = password
        self.token = token
        self.token_response = None
        self.minted = False
        self.keep_token = keep_token
        for secret in (password, token):
            http.add_secret(secret)

    @classmethod
    def from_params(cls, params, warn=None, keep_token=False):
        """Build the client from the connection options of the module (raises ValueError on bad input)."""
        base_url = build_base_url(params["server"], params["port"])
        cls._check_plain_http(base_url, params, warn)
        if params.get("ca_path") and not os.path.exists(params["ca_path"]):
            raise ValueError("ca_path=%s does not exist: give the PEM file of the CA certificate that signed the server "
                             "certificate." % params["ca_path"])
        http = HttpClient(
            base_url, validate_certs=params["validate_certs"], ca_path=params.get("ca_path"),
            timeout=params["timeout"], headers=cls.default_headers(params), warn=warn,
        )
        return cls(http, username=params.get("auth_username"), password=params.get("auth_password"),
                   token=params.get("auth_token"), keep_token=keep_token, **cls.extra_arguments(params))

    @classmethod
    def _check_plain_http(cls, base_url, params, warn):
        """Refuse http:// unless allow_plain_http; warn when it is allowed."""
        if not base_url.startswith("http://"):
            return
        if not params.get("allow_plain_http"):
            raise ValueError(
                "server=%s uses plain http://, which sends the password and tokens unencrypted: use https:// (the "
                "default for a bare host name). Only on a network you trust, allow it with allow_plain_http: true (or "
                "%s_ALLOW_PLAIN_HTTP=true)." % (params["server"], cls.env_prefix))
        if warn:
            warn("allow_plain_http is true and server is %s: the password and tokens cross the network unencrypted. "
                 "Use https:// outside a lab." % base_url)

    @classmethod
    def default_headers(cls, params):
        return {}

    @classmethod
    def extra_arguments(cls, params):
        return {}

    @property
    def can_login(self):
        return bool(self.username and self.password)

    def login(self):
        """Log in with the password grant and remember the token; returns the token response."""
        if not self.can_login:
            raise VeeamApiError("no credentials to log in to %s: set auth_username and auth_password, or auth_token." % self.product)
        response = self._request_token()
        self.token_response = response
        self.token = response.get("access_token")
        self.http.add_secret(self.token)
        self.http.add_secret(response.get("refresh_token"))
        self.minted = True
        return response

    def revoke(self, check_mode=False):
        """Revoke the given token (auth_token); False when the server refuses it already (HTTP 401).

        In check mode nothing is revoked: one authenticated read tells whether the token still works.
        """
        try:
            if check_mode:
                self.http.request("GET", self._probe_path(), headers=self._auth_header(), missing_ok=True)
            else:
                self._revoke_token()
        except VeeamApiError as exc:
            if exc.status == 401:
                return False
            if check_mode and exc.status == 403:
                return True
            raise
        return True

    def call(self, method, path, **kwargs):
        """An authenticated request. Logs in first if needed, and once more after a 401."""
        if not self.token:
            self.login()
        try:
            return self.http.request(method, path, headers=self._auth_header(), **kwargs)
        except VeeamApiError as exc:
            if exc.status != 401:
                raise
            if not self.can_login:
                raise VeeamApiError(
                    "%s refused the access token (expired or revoked). Get a fresh one with the login module, "
                    "or give auth_username and auth_password so the module can log in again." % self.product,
                    status=401, method=exc.method, path=exc.path, error_code=exc.error_code,
                ) from None
        self.login()
        return self.http.request(method, path, headers=self._auth_header(), **kwargs)

    def close(self):
        """Revoke a token this client minted (unless asked to keep it) and close the connections."""
        try:
            if self.minted and self.token and not self.keep_token:
                self._revoke_token()
        except VeeamApiError as exc:
            self.http.warn("logging out of %s failed: %s. The token expires by itself." % (self.product, exc))
        finally:
            self.http.close()

    def _auth_header(self):
        return {"Authorization": "Bearer %s" % self.token}

    def _request_token(self):
        raise NotImplementedError

    def _revoke_token(self):
        raise NotImplementedError

    def _probe_path(self):
        """A cheap read that needs a valid token (for the check-mode prediction of revoke)."""
        raise NotImplementedError
