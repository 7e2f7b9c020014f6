"""The OAuth2 token endpoint of an appliance API: password, MFA and refresh grants, and logout.

The simulator's counterpart of the collection's TokenGrantClient. One flow for every product; a product
subclasses TokenGrants and declares what differs: its user lookup, the form field of the short-lived refresh
token, how it reads a required field and names an unsupported grant, and the bodies it answers with.
The 401s carry VBGC's errorCode values (AccessDenied, InvalidToken); a product whose error body has no code
ignores them. Token lifetimes are the settings `<api>_token_lifetime`, `<api>_refresh_lifetime` and
`<api>_short_refresh_lifetime`.
"""

from . import totp
from .auth import parse_bool, require_session
from .mfa import same_secret
from .messages import ApiError, empty_response
from .routing import AUTH

FORM = "application/x-www-form-urlencoded"
GRANTS = ("password", "mfa", "refresh_token")


class TokenGrants:
    short_term_field = ""
    accepts_scratch_codes = False  # a scratch code may stand in for the TOTP code (once)

    def __init__(self, api):
        self.api = api

    @property
    def state(self):
        return self.api.state

    # --- what a product declares ----------------------------------------------------------

    def required(self, fields, name):
        """The value of a required form field, or the product's 400."""
        raise NotImplementedError

    def unsupported(self, grant):
        """The error for a grant type outside GRANTS (as sent, any case)."""
        raise NotImplementedError

    def find_user(self, name):
        """The user who signs in as `name`, or None."""
        raise NotImplementedError

    def user_key(self, user):
        """How sessions and MFA challenges name the user."""
        raise NotImplementedError

    def user_by_key(self, key):
        raise NotImplementedError

    def challenge_answer(self, user, challenge, short_term):
        """The answer to a right password of a user with MFA: it carries the MFA token."""
        raise NotImplementedError

    def token_answer(self, user, session, short_term):
        raise NotImplementedError

    # --- the flow -------------------------------------------------------------------------

    def add_routes(self, path):
        """POST `path` asks for a token, DELETE `path` signs out."""
        self.api.router.add("POST", path, self.token, AUTH)
        self.api.router.add("DELETE", path, self.logout, AUTH)

    def token(self, request):
        if request.media_type() != FORM:
            raise ApiError(400, "The token request must be application/x-www-form-urlencoded.")
        fields = request.form_fields()
        grant = self.required(fields, "grant_type")
        if grant.lower() not in GRANTS:
            raise self.unsupported(grant)
        handler = {"password": self._password, "mfa": self._mfa, "refresh_token": self._refresh}[grant.lower()]
        return handler(fields)

    def logout(self, request):
        self.state.tokens.revoke(require_session(self.state, self.api.name, request))
        return empty_response(204)

    def _password(self, fields):
        name, password = self.required(fields, "username"), self.required(fields, "password")
        user = self.find_user(name)
        if user is None or user.password is None or not same_secret(password, user.password):
            raise ApiError(401, "The user name or password is incorrect.", "AccessDenied")
        short_term = self._short_term(fields, False)
        if not user.mfa_secret:
            return self._issue(user, short_term)
        challenge = self.state.tokens.new_mfa_challenge(self.api.name, self.user_key(user),
                                                        self.state.settings.mfa_token_lifetime, short_term)
        return self.challenge_answer(user, challenge, short_term)

    def _mfa(self, fields):
        challenge_token, code = self.required(fields, "mfa_token"), self.required(fields, "mfa_code")
        challenge = self.state.tokens.mfa_challenge(self.api.name, challenge_token)
        user = self.user_by_key(challenge.user) if challenge else None
        if user is None or not user.mfa_secret:
            raise ApiError(401, "The MFA token is not valid or has expired.", "AccessDenied")
        if self.accepts_scratch_codes and code in user.scratch_codes:
            user.scratch_codes.remove(code)  # a recovery code works once
            self.state.changed()
        elif not totp.verify(user.mfa_secret, code):
            raise ApiError(401, "The verification code is not valid.", "AccessDenied")
        self.state.tokens.end_mfa_challenge(challenge_token)  # single use, once it has succeeded
        return self._issue(user, self._short_term(fields, challenge.short_term))

    def _refresh(self, fields):
        session = self.state.tokens.take_refresh(self.api.name, self.required(fields, "refresh_token"))
        user = self.user_by_key(session.user) if session else None
        if user is None:
            raise ApiError(401, "The refresh token is not valid or has expired.", "InvalidToken")
        return self._issue(user, self._short_term(fields, session.short_term))

    def _short_term(self, fields, default):
        raw = fields.get(self.short_term_field) or ""
        return default if raw == "" else parse_bool(raw, self.short_term_field)

    def _issue(self, user, short_term):
        settings, api = self.state.settings, self.api.name
        refresh = getattr(settings, f"{api}_short_refresh_lifetime" if short_term else f"{api}_refresh_lifetime")
        session = self.state.tokens.issue(api, self.user_key(user), getattr(settings, f"{api}_token_lifetime"),
                                          refresh, short_term)
        return self.token_answer(user, session, short_term)
