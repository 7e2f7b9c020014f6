"""Veeam Backup for Google Cloud REST API 1.4-rev0: /api/v1/token and /api/v1/users (roles, MFA, passwords)."""

import base64
import re
import secrets
from http import HTTPStatus

from . import totp
from .auth import parse_bool, require_session, required_text, token_fields
from .listquery import page
from .messages import ApiError, empty_response, json_response
from .model import PORTAL_ADMINISTRATOR, ROLES, ROLES_BY_ID, PendingMfa, User
from .routing import AUTH, ApiBase

API = "vbgc"
APPLIANCE_HOST = "vbgc-simulator"
NAME_RULE = re.compile(r"[a-z0-9_-]{1,32}")
USER_PROPERTIES = {"name": str, "description": str, "mfaEnabled": bool, "type": str}
ROLE_PROPERTIES = {"id": str, "name": str, "description": str}
ERROR_CODES = {"AccessDenied", "ExpiredToken", "InvalidToken", "InvalidURI", "MethodNotAllowed", "NotFound",
               "NotImplemented", "ServiceUnavailable", "UnexpectedContent", "UnknownError"}
CODE_BY_STATUS = {400: "UnexpectedContent", 401: "InvalidToken", 403: "AccessDenied", 404: "NotFound",
                  405: "MethodNotAllowed", 409: "UnexpectedContent", 413: "UnexpectedContent",
                  415: "UnexpectedContent", 501: "NotImplemented", 503: "ServiceUnavailable"}
USER_PREFIXES = ("/api/v1/users", "/api/v1/accounts/users")


def error_body(status, message, code=None):
    """The VBAWS-style problem body (INFERRED for VBGC)."""
    return {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
            "errorCode": code if code in ERROR_CODES else CODE_BY_STATUS.get(status, "UnknownError"),
            "details": message, "instance": "", "data": {}}


def user_view(user):
    return {
        "name": user.name,
        "description": user.description,
        "mfaEnabled": user.mfa_secret is not None,
        "type": "DefaultAdmin" if user.default_admin else "Regular",
        "roles": [{"id": role_id, "name": ROLES_BY_ID[role_id].name} for role_id in user.role_ids],
    }


def new_enrolment():
    """A pending MFA secret with scratch codes and the opaque token that mfaAccepted must echo."""
    token = base64.b64encode(secrets.token_hex(32).upper().encode("ascii")).decode("ascii")
    scratch = [f"{secrets.randbelow(10 ** 8):08d}" for _ in range(5)]
    return PendingMfa(totp.new_secret(), token, scratch)


class VbgcApi(ApiBase):
    name = API

    def __init__(self, state):
        super().__init__(state)
        add = self.router.add
        add("POST", "/api/v1/token", self.token, AUTH)
        add("DELETE", "/api/v1/token", self.logout, AUTH)
        for prefix in USER_PREFIXES:
            add("GET", f"{prefix}/roles", self.list_roles)
            add("GET", prefix, self.list_users)
            add("POST", prefix, self.create_user)
            add("GET", f"{prefix}/{{name}}", self.get_user)
            add("PUT", f"{prefix}/{{name}}", self.update_user)
            add("DELETE", f"{prefix}/{{name}}", self.delete_user)
            add("POST", f"{prefix}/{{name}}/mfaEnable", self.mfa_enable)
            add("POST", f"{prefix}/{{name}}/mfaAccepted", self.mfa_accepted)
            add("POST", f"{prefix}/{{name}}/mfaDisable", self.mfa_disable)
            add("POST", f"{prefix}/{{name}}/changePassword", self.change_password)

    def check_request(self, request):
        version = request.header("x-api-version")
        accepted = self.state.settings.accepted_api_versions
        if version not in accepted:
            problem = "is missing" if version is None else f"value {version!r} is not supported"
            raise ApiError(400, f"The x-api-version header {problem}. Supported: {', '.join(accepted)}.")

    def error_response(self, error):
        return json_response(error.status, error_body(error.status, error.message, error.code), error.headers)

    # --- authentication -------------------------------------------------------------------

    def token(self, request):
        if request.media_type() != "application/x-www-form-urlencoded":
            raise ApiError(400, "The token request must be application/x-www-form-urlencoded.")
        fields = request.form_fields()
        grant = required_text(fields, "grant_type").lower()
        grants = {"password": self._password_grant, "mfa": self._mfa_grant, "refresh_token": self._refresh_grant}
        if grant == "authorization_code":
            raise ApiError(400, "The grant type authorization_code is not supported by the simulator.")
        if grant not in grants:
            raise ApiError(400, f"Unknown grant_type {fields['grant_type']!r}.")
        return grants[grant](fields)

    def logout(self, request):
        self.state.tokens.revoke(require_session(self.state, API, request))
        return empty_response(204)

    def _password_grant(self, fields):
        user = self.state.users.get(required_text(fields, "username"))
        password = required_text(fields, "password")
        if user is None or not secrets.compare_digest(password.encode(), user.password.encode()):
            raise ApiError(401, "The user name or password is incorrect.", "AccessDenied")
        short_term = self._short_term(fields, False)
        if user.mfa_secret:
            challenge = self.state.tokens.new_mfa_challenge(user.name, self.state.settings.mfa_token_lifetime,
                                                            short_term)
            return json_response(202, {"mfa_token": challenge})
        return self._issue(user, short_term)

    def _mfa_grant(self, fields):
        challenge_token, code = required_text(fields, "mfa_token"), required_text(fields, "mfa_code")
        challenge = self.state.tokens.mfa_challenge(challenge_token)
        user = challenge and self.state.users.get(challenge.user)
        if user is None or not user.mfa_secret:
            raise ApiError(401, "The MFA token is not valid or has expired.", "AccessDenied")
        if not totp.verify(user.mfa_secret, code):
            raise ApiError(401, "The verification code is not valid.", "AccessDenied")
        self.state.tokens.end_mfa_challenge(challenge_token)  # single use, once it has succeeded
        return self._issue(user, self._short_term(fields, challenge.short_term))

    def _refresh_grant(self, fields):
        session = self.state.tokens.take_refresh(API, required_text(fields, "refresh_token"))
        user = session and self.state.users.get(session.user)
        if user is None:
            raise ApiError(401, "The refresh token is not valid or has expired.", "InvalidToken")
        return self._issue(user, self._short_term(fields, session.short_term))

    def _short_term(self, fields, default):
        raw = fields.get("use_short_term_refresh", "")
        return default if raw == "" else parse_bool(raw, "use_short_term_refresh")

    def _issue(self, user, short_term):
        settings = self.state.settings
        refresh = settings.vbgc_short_refresh_lifetime if short_term else settings.vbgc_refresh_lifetime
        session = self.state.tokens.issue(API, user.name, settings.vbgc_token_lifetime, refresh, short_term)
        role = ROLES_BY_ID[user.role_ids[0]].name
        body = {**token_fields(session), "username": user.name, "roleName": role, "mfa_enabled": bool(user.mfa_secret)}
        return json_response(200, body)

    # --- users and roles ------------------------------------------------------------------

    def list_roles(self, request):
        self._require_admin(request)
        roles = [{"id": role.id, "name": role.name, "description": role.description} for role in ROLES]
        return json_response(200, page(roles, request, ROLE_PROPERTIES))

    def list_users(self, request):
        self._require_admin(request)
        users = [user_view(user) for user in self.state.users.values()]
        return json_response(200, page(users, request, USER_PROPERTIES))

    def create_user(self, request):
        self._require_admin(request)
        body = self.json_body(request)
        name = required_text(body, "name")
        if not NAME_RULE.fullmatch(name):
            raise ApiError(400, "The user name must be 1-32 characters of lowercase Latin letters, digits, _ and -.")
        if name in self.state.users:
            raise ApiError(409, f"A user named {name!r} already exists.")
        user = User(name, self._checked_password(required_text(body, "password")), self._role_ids(body.get("roleIds")),
                    self._description(body.get("description"), ""))
        self.state.users[name] = user
        self.state.changed()
        return json_response(200, {"user": user_view(user), "issues": []})

    def get_user(self, request, name):
        self._require_admin(request)
        return json_response(200, user_view(self._find(name)))

    def update_user(self, request, name):
        self._require_admin(request)
        user = self._find(name)
        body = self.json_body(request)
        description = self._description(body.get("description"), user.description)
        role_ids = user.role_ids if body.get("roleIds") is None else self._role_ids(body["roleIds"])
        if user.default_admin and PORTAL_ADMINISTRATOR.id not in role_ids:
            raise ApiError(400, "The Default Administrator must keep the Portal Administrator role.")
        if (description, role_ids) != (user.description, user.role_ids):
            user.description, user.role_ids = description, role_ids
            self.state.changed()
        return json_response(200, {"user": user_view(user), "issues": []})

    def delete_user(self, request, name):
        self._require_admin(request)
        user = self._find(name)
        if user.default_admin:
            raise ApiError(400, "The Default Administrator cannot be removed.")
        del self.state.users[name]
        self.state.tokens.revoke_user(API, name)
        self.state.changed()
        return empty_response(204)

    def change_password(self, request, name):
        """Administrators may change anyone's password; other users only their own."""
        session = require_session(self.state, API, request)
        if session.user != name:
            self._require_admin(request)
        user = self._find(name)
        body = self.json_body(request)
        new_password, old_password = required_text(body, "password"), required_text(body, "oldPassword")
        if not secrets.compare_digest(old_password.encode(), user.password.encode()):
            raise ApiError(400, "The current password (oldPassword) is not correct.")
        self._checked_password(new_password)
        if new_password != user.password:
            user.password = new_password
            self.state.changed()
        return json_response(201, {"user": user_view(user), "issues": []})

    # --- MFA ------------------------------------------------------------------------------

    def mfa_enable(self, request, name):
        self._require_admin(request)
        user = self._find(name)
        body = self.json_body(request)
        if "recreate" not in body:
            raise ApiError(400, "The field recreate is required.")
        recreate = parse_bool(body["recreate"], "recreate")
        if user.mfa_secret and not recreate:
            raise ApiError(400, "MFA is already enabled for this user; send recreate=true to issue a new secret.")
        user.pending_mfa = new_enrolment()
        self.state.changed()
        pending = user.pending_mfa
        qr = f"otpauth://totp/{user.name}@{APPLIANCE_HOST}?secret={pending.secret}&issuer={APPLIANCE_HOST}"
        response = {"qrString": qr, "secretKey": pending.secret, "scratchCodes": pending.scratch_codes,
                    "token": pending.token}
        return json_response(200, {"response": response, "issues": []})

    def mfa_accepted(self, request, name):
        self._require_admin(request)
        user = self._find(name)
        body = self.json_body(request)
        code, token = required_text(body, "code"), required_text(body, "token")
        pending = user.pending_mfa
        if pending is None or not secrets.compare_digest(token.encode(), pending.token.encode()):
            raise ApiError(400, "The token does not belong to a pending MFA enrolment of this user.")
        if not totp.verify(pending.secret, code):
            raise ApiError(400, "The verification code is not valid.")
        user.mfa_secret, user.scratch_codes, user.pending_mfa = pending.secret, pending.scratch_codes, None
        self.state.changed()
        return json_response(201, {"success": True, "issues": []})

    def mfa_disable(self, request, name):
        self._require_admin(request)
        user = self._find(name)
        if user.mfa_secret or user.pending_mfa:
            user.mfa_secret, user.scratch_codes, user.pending_mfa = None, [], None
            self.state.changed()
        return json_response(200, {"success": True, "issues": []})

    # --- helpers --------------------------------------------------------------------------

    def _require_admin(self, request):
        session = require_session(self.state, API, request)
        user = self.state.users.get(session.user)
        if user is None:
            raise ApiError(401, "The user of this token no longer exists.", "InvalidToken")
        if PORTAL_ADMINISTRATOR.id not in user.role_ids:
            raise ApiError(403, "Only users with the Portal Administrator role may manage users and roles.")
        return user

    def _find(self, name):
        user = self.state.users.get(name)
        if user is None:
            raise ApiError(404, f"User {name!r} was not found.")
        return user

    def _role_ids(self, value):
        if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
            raise ApiError(400, "roleIds must be a non-empty array of role ids.")
        unknown = [item for item in value if item.lower() not in ROLES_BY_ID]
        if unknown:
            raise ApiError(400, f"Unknown role ids: {', '.join(unknown)}.")
        return list(dict.fromkeys(item.lower() for item in value))

    def _description(self, value, default):
        if value is None:
            return default
        if not isinstance(value, str):
            raise ApiError(400, "description must be a string.")
        return value

    def _checked_password(self, password):
        minimum = self.state.settings.password_min_length
        if len(password) < minimum:
            raise ApiError(400, f"The password must be at least {minimum} characters long.")
        return password
