# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of every API client (one per product folder): the bearer token and its life cycle, on top of the HTTP
layer; TokenGrantClient adds the OAuth2 form login with an MFA grant, for the APIs that have one.

A client knows no Ansible option. It states facts about its API (product, short_name, default_port, login_path,
mfa_grant, version_header, api_revision) and raises errors that say what failed; the remedy, which names the setting to
fix, comes from the advice of whoever configured the HTTP layer (core/connection.py names the module options), else
from ADVICE here, which names none."""

from __future__ import annotations

from urllib.parse import quote

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import VeeamApiError, explained
from ansible_collections.veeam_community.backup.plugins.module_utils.core.totp import totp_now

# The remedies of the client's own errors, in words that name no setting of any caller.
ADVICE = {
    "no_credentials": "give a user name and password, or an access token.",
    "token_refused": "Get a fresh access token, or give a user name and password so the client can log in again.",
    "login_refused": "Check the user name and password.",
    "login_rejected": "Check the user name and password, and the API revision.",
    "mfa_refused": "Check the TOTP secret (and the clock of this host).",
    "mfa_rejected": "Check the TOTP secret (and the clock of this host), and the API revision.",
    "mfa_secret_missing": "%(product)s asks for a multi-factor code for %(username)s: give the base32 TOTP secret of "
                          "that account, or log in with an account without MFA.",
    "mfa_secret": "the TOTP secret",
    "token_only": "the connection has an access token only; give a user name and password.",
    "own_password": "the password of the connection is that of its user.",
}


class ApiClient:
    """Base of every API client: the bearer token and its life cycle.

    The token is given, or comes from a login with a user name and password. On a 401 the client
    logs in once more when it has credentials. A token the client minted itself is revoked by
    close(); a token passed in is never revoked (the caller owns it).
    Subclasses implement _request_token(), _revoke_token() and _probe_path().
    """

    # Facts about the API, in its own terms (core/connection.py turns them into connection options).
    product = "Veeam"
    short_name = None  # the product's abbreviation: its options read VEEAM_<SHORT_NAME>_* variables
    default_port = None
    login_path = None  # where the password grant goes: a 404 there means another product or port
    mfa_grant = False  # whether a login can answer a second-factor challenge with a TOTP code (TokenGrantClient)
    version_header = None  # the request header that selects the API revision, when the API has one
    api_revision = None  # the revision this client is written for (sent in version_header)

    def __init__(self, http, username=None, password=None, token=None, keep_token=False):
        self.http = http
        self.username = username
        self.password = password
        self.token = token
        self.token_response = None
        self.minted = False
        self.keep_token = keep_token
        self.advice = dict(ADVICE, **http.advice)
        for secret in (password, token):
            http.add_secret(secret)

    @property
    def can_login(self):
        return bool(self.username and self.password)

    def login(self):
        """Log in with the password grant and remember the token; returns the token response."""
        if not self.can_login:
            raise VeeamApiError("no credentials to log in to %s: %s" % (self.product, self.advice["no_credentials"]))
        try:
            response = self._request_token()
        except VeeamApiError as exc:
            if exc.status != 404 or exc.path != self.login_path:
                raise
            raise exc.reworded("no %s login at %s. %s" % (self.product, self.login_path, self.advice["wrong_product"] % {
                "product": self.product, "default_port": self.default_port}), server_words_as_details=True) from None
        self.token_response = response
        self.token = response.get("access_token")
        self.http.add_secret(self.token)
        self.http.add_secret(response.get("refresh_token"))
        self.minted = True
        return response

    def revoke(self, check_mode=False):
        """Revoke the given token; False when the server refuses it already (HTTP 401).

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
                    "%s refused the access token (expired or revoked). %s" % (self.product, self.advice["token_refused"]),
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


class TokenGrantClient(ApiClient):
    """An OAuth2 token endpoint with the password, mfa and refresh grants.

    The password grant of an account with MFA answers with an mfa_token instead of an access token (how it says
    so is the product's: _mfa_challenge()); the client then completes the mfa grant with the current TOTP code
    of its mfa_secret. Subclasses set login_path (the token endpoint) and grant_types and implement _mfa_challenge(response).
    """

    mfa_grant = True
    grant_types = {"password": "password", "mfa": "mfa"}

    def __init__(self, http, mfa_secret=None, **kwargs):
        super().__init__(http, **kwargs)
        self.mfa_secret = mfa_secret
        http.add_secret(mfa_secret)

    def checked_enrolment(self, enrolment, name, operation, path):
        """The answer of the MFA enable call (operation, at path) for user name: every secret in it masked from now on,
        secretKey and token required, and an otpauth:// URI made from the secret when the answer has none."""
        for secret in [enrolment.get(key) for key in ("secretKey", "qrString", "token")] + (enrolment.get("scratchCodes") or []):
            self.http.add_secret(secret)
        if not enrolment.get("secretKey") or not enrolment.get("token"):
            raise VeeamApiError("the answer to %s has no secretKey or token." % operation, method="POST", path=path)
        if not enrolment.get("qrString"):
            enrolment["qrString"] = "otpauth://totp/%s?secret=%s" % (quote(name, safe=""), enrolment["secretKey"])
        return enrolment

    def accepting(self, name, token, enable_operation):
        """The context of the MFA accept call: its token masked, a refusal (400) explained."""
        self.http.add_secret(token)
        return explained((400,), "finishing the MFA enrolment of %s was refused" % name,
                         "The code must be the current six digits of the new secret and the token must come from the "
                         "%s answer of the same enrolment." % enable_operation)

    def _mfa_challenge(self, response):
        """The mfa_token of a password grant answer that asks for a second factor, else None."""
        raise NotImplementedError

    def _request_token(self):
        form = {"grant_type": self.grant_types["password"], "username": self.username, "password": self.password}
        response = self._token_request(form, "login")
        mfa_token = self._mfa_challenge(response)
        if mfa_token:
            return self._mfa_grant(mfa_token)
        return self._token_body(response)

    def _mfa_grant(self, mfa_token):
        self.http.add_secret(mfa_token)
        if not self.mfa_secret:
            raise VeeamApiError(self.advice["mfa_secret_missing"] % {"product": self.product, "username": self.username})
        form = {"grant_type": self.grant_types["mfa"], "mfa_token": mfa_token,
                "mfa_code": totp_now(self.mfa_secret, self.advice["mfa_secret"])}
        response = self._token_request(form, "mfa")
        return self._token_body(response)

    def _token_request(self, form, grant):
        """POST the form of grant ("login" or "mfa"); a refusal says what to check (a 400 may also mean an API
        revision the server does not serve)."""
        failed = "logging in to %s as %s failed" % (self.product, self.username)
        rejected = self.advice["%s_rejected" % grant] if self.version_header else self.advice["%s_refused" % grant]
        with explained((400,), failed, rejected), explained((401, 403), failed, self.advice["%s_refused" % grant]):
            return self.http.request("POST", self.login_path, form=form, idempotent=True)

    def _token_body(self, response):
        self._field(response.body, "access_token")
        return response.body

    def _field(self, body, name):
        value = body.get(name) if isinstance(body, dict) else None
        if not value:
            raise VeeamApiError("the token answer of %s has no %s: is server pointing at its REST API?"
                                % (self.product, name), method="POST", path=self.login_path)
        return value

    def _revoke_token(self):
        self.http.request("DELETE", self.login_path, headers=self._auth_header())

    def check_password(self, name, password):
        """True when name can log in with password (also when MFA is asked next). Any token obtained is revoked."""
        self.http.add_secret(password)
        form = {"grant_type": self.grant_types["password"], "username": name, "password": password}
        try:
            response = self.http.request("POST", self.login_path, form=form, idempotent=True)
        except VeeamApiError as exc:
            if exc.status in (400, 401):
                return False
            raise
        body = response.body if isinstance(response.body, dict) else {}
        self.http.add_secret(body.get("mfa_token"))
        token = body.get("access_token")
        if token:
            self.http.add_secret(token)
            self.http.add_secret(body.get("refresh_token"))
            self.http.request("DELETE", self.login_path, headers={"Authorization": "Bearer %s" % token})
        return True
