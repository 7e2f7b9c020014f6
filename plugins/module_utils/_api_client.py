# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base of every API client (vb365.py, vbgc.py): the bearer token and its life cycle, on top of the HTTP layer."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils._errors import VeeamApiError


class ApiClient:
    """Base of the VB365 and VBGC clients: the bearer token and its life cycle.

    The token comes from auth_token or from a login with auth_username/auth_password. On a 401
    the client logs in once more when it has credentials. A token the client minted itself is
    revoked by close(); a token passed in is never revoked (the caller owns it).
    Subclasses implement _request_token() and _revoke_token() and may add default headers.
    """

    # Product facts, read by _connection.py to declare and check the connection options.
    product = "Veeam"
    default_port = None
    env_prefix = "VEEAM"
    action_group = None
    extra_options = {}  # connection options beyond the common ones: name -> argument spec
    header_options = {}  # option -> (HTTP header it fills, what to give when it is empty)
    client_arguments = {}  # option -> keyword argument of the client's constructor

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
