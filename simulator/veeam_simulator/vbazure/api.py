"""Veeam Backup for Microsoft Azure REST API v8.1: /api/oauth2/token and /api/v8.1/users (roles, MFA, passwords)."""

import secrets
from http import HTTPStatus
from urllib.parse import quote

from ..core.auth import BEARER_CHALLENGE, parse_bool, require_session, token_fields
from ..core.grant import TokenGrants
from ..core.listquery import int_query
from ..core.messages import ApiError, FieldError, empty_response, json_response
from ..core.mfa import same_secret
from ..core.routing import ApiBase
from .model import (ADMIN_ROLE, IDENTITY_PROVIDER, INTERNAL, ROLES, USER_TYPES, AzureUser, find_by_name,
                            new_user_id)

API = "vbazure"
APPLIANCE_HOST = "vbazure-simulator"
USERS = "/api/v8.1/users"
DEFAULT_LIMIT = 100
MAX_NAME_LENGTH = 128
MFA_LOGIN_TIME = "0001-01-01T00:00:00Z"  # what the vendor's example answers before the MFA grant
CREATE_FIELDS = {"name", "description", "role", "type", "password", "identityProviderEntityId"}
UPDATE_FIELDS = {"name", "description", "role", "password"}
# The properties each declared ProblemDetails variant allows (all have additionalProperties: false).
PROBLEM_KEYS = {
    400: ("type", "title", "status", "detail", "traceId", "errors"),
    401: ("type", "title", "status", "detail"),  # valid as ProblemDetails401 and ProblemDetailsTraceId
    403: ("type", "title", "status"),  # no detail: the reason goes into the title
    415: ("type", "title", "status", "traceId"),
    429: ("title", "status", "detail", "traceId"),
}
OTHER_PROBLEM_KEYS = ("type", "title", "status", "detail", "traceId")


def problem_body(error):
    title = error.message if error.status == 403 else HTTPStatus(error.status).phrase
    body = {"type": "about:blank", "title": title, "status": error.status, "detail": error.message,
            "traceId": f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"}
    if error.field:  # ProblemDetails400.errors names the request field at fault
        body["errors"] = {error.field: [error.message]}
    return {key: body[key] for key in PROBLEM_KEYS.get(error.status, OTHER_PROBLEM_KEYS) if key in body}


def user_view(user):
    return {"id": user.id, "name": user.name, "description": user.description, "role": user.role,
            "type": user.type, "identityProviderEntityId": user.identity_provider_entity_id,
            "mfaEnabled": user.mfa_secret is not None, "isDefault": user.default_admin}


def _string(body, name, required=False):
    value = body.get(name)
    if value is None:
        if required:
            raise FieldError(name, f"The {name} field is required.")
        return None
    if not isinstance(value, str):
        raise FieldError(name, f"The {name} field must be a string.")
    return value


def _choice(body, name, choices):
    value = _string(body, name)
    if value is not None and value not in choices:
        raise FieldError(name, f"The {name} field must be one of {', '.join(choices)}.")
    return value


def _known_fields(body, allowed):
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise FieldError(unknown[0], f"The field {unknown[0]} is not part of the request schema.")


def _int_query(request, name, default, minimum):
    value = int_query(request, name, default, lambda raw: FieldError(name, f"The value '{raw}' is not valid for {name}."))
    if value < minimum:
        raise FieldError(name, f"{name} must be at least {minimum}.")
    return value


class VbazureGrants(TokenGrants):
    """POST/DELETE /api/oauth2/token: users by name in any case; a user with MFA gets 200 and an mfa_token."""

    short_term_field = "short_lived_refresh_token"
    accepts_scratch_codes = True

    def required(self, fields, name):
        return _string(fields, name, True)

    def unsupported(self, grant):
        return FieldError("grant_type", f"The grant type {grant!r} is not supported; the simulator supports "
                                        "Password, Mfa and Refresh_token.")

    def find_user(self, name):
        return find_by_name(self.state.vbazure.users, name)

    def user_key(self, user):
        return user.id

    def user_by_key(self, key):
        return self.state.vbazure.users.get(key)

    def challenge_answer(self, user, challenge, short_term):
        return json_response(200, {"token_type": "bearer", "expires_in": 0, ".issued": MFA_LOGIN_TIME,
                                   ".expires": MFA_LOGIN_TIME, **_login_user(user), "mfa_token": challenge,
                                   "shortLived": short_term})

    def token_answer(self, user, session, short_term):
        return json_response(200, {**token_fields(session), **_login_user(user), "shortLived": short_term})


def _login_user(user):
    return {"userId": user.id, "username": user.name, "roleName": user.role, "userType": user.type,
            "latestNewsShown": True, "mfa_enabled": user.mfa_secret is not None}


class VbazureApi(ApiBase):
    name = API

    def __init__(self, state, product=None):
        super().__init__(state, product)
        VbazureGrants(self).add_routes("/api/oauth2/token")
        add = self.router.add
        add("POST", f"{USERS}/changePassword", self.change_own_password)
        add("GET", USERS, self.list_users)
        add("POST", USERS, self.create_user)
        add("GET", f"{USERS}/{{user_id}}", self.get_user)
        add("PUT", f"{USERS}/{{user_id}}", self.update_user)
        add("DELETE", f"{USERS}/{{user_id}}", self.delete_user)
        add("POST", f"{USERS}/{{user_id}}/changePassword", self.change_password)
        add("POST", f"{USERS}/{{user_id}}/enableMfa", self.enable_mfa)
        add("POST", f"{USERS}/{{user_id}}/acceptMfa", self.accept_mfa)
        add("POST", f"{USERS}/{{user_id}}/disableMfa", self.disable_mfa)

    def error_response(self, error):
        headers = {**error.headers, "Content-Type": "application/problem+json; charset=utf-8"}
        return json_response(error.status, problem_body(error), headers)

    # --- users ----------------------------------------------------------------------------

    def list_users(self, request):
        self._require_admin(request)
        name_filter = (request.query_value("NameFilter") or "").lower()
        offset = _int_query(request, "Offset", 0, 0)
        limit = _int_query(request, "Limit", DEFAULT_LIMIT, -1)
        selected = [user_view(user) for user in self.state.vbazure.users.values() if name_filter in user.name.lower()]
        results = selected[offset:] if limit == -1 else selected[offset:offset + limit]
        return json_response(200, {"offset": offset, "limit": limit, "totalCount": len(selected), "results": results})

    def create_user(self, request):
        self._require_admin(request)
        body = self.json_body(request)
        _known_fields(body, CREATE_FIELDS)
        name, description = self._new_name(_string(body, "name", True)), _string(body, "description", True)
        role = _choice(body, "role", ROLES)
        if role is None:
            raise FieldError("role", f"The role field is required: one of {', '.join(ROLES)}.")
        user_type = _choice(body, "type", USER_TYPES) or INTERNAL
        entity_id, password = _string(body, "identityProviderEntityId"), _string(body, "password")
        if user_type == INTERNAL:
            if entity_id is not None:
                raise FieldError("identityProviderEntityId", "Only IdentityProvider users have an identity provider "
                                                             "entity ID.")
            self._check_password("password", password)
        else:
            if password is not None:
                raise FieldError("password", "IdentityProvider users sign in at their identity provider and have no "
                                             "password.")
            if not entity_id:
                raise FieldError("identityProviderEntityId", "IdentityProvider users need identityProviderEntityId.")
        user = AzureUser(new_user_id(), name, password, role, description, user_type, entity_id)
        self.state.vbazure.users[user.id] = user
        self.state.changed()
        return json_response(201, user_view(user), {"Location": f"{USERS}/{user.id}"})

    def get_user(self, request, user_id):
        self._require_admin(request)
        return json_response(200, user_view(self._find(user_id)))

    def update_user(self, request, user_id):
        self._require_admin(request)
        user = self._find(user_id)
        body = self.json_body(request)
        _known_fields(body, UPDATE_FIELDS)
        name, description = _string(body, "name"), _string(body, "description")
        role, password = _choice(body, "role", ROLES), _string(body, "password")
        if name is not None and name != user.name:
            if user.default_admin:
                raise FieldError("name", "The Default Admin cannot be renamed.")
            name = self._new_name(name, user)
        if user.default_admin and role not in (None, ADMIN_ROLE):
            raise FieldError("role", "The Default Admin keeps the PortalAdmin role.")
        if password is not None:
            if user.type == IDENTITY_PROVIDER:
                raise FieldError("password", "IdentityProvider users have no password.")
            self._check_password("password", password)
        changes = {"name": name, "description": description, "role": role, "password": password}
        self._apply(user, {key: value for key, value in changes.items() if value is not None})
        return json_response(200, user_view(user))

    def delete_user(self, request, user_id):
        caller = self._require_admin(request)
        user = self._find(user_id)
        if user.default_admin or user is caller:
            raise ApiError(400, "The Default Admin and the signed-in user cannot be removed.")
        del self.state.vbazure.users[user.id]
        self.state.tokens.revoke_user(API, user.id)
        self.state.changed()
        return empty_response(204)

    def change_password(self, request, user_id):
        caller = self._require_admin(request)
        user = self._find(user_id)
        body = self.json_body(request)
        _known_fields(body, {"newPassword", "adminsPassword"})
        new_password, admins_password = _string(body, "newPassword", True), _string(body, "adminsPassword", True)
        if not same_secret(admins_password, caller.password or ""):
            raise FieldError("adminsPassword", "adminsPassword is not the password of the signed-in administrator.")
        if user.type == IDENTITY_PROVIDER:
            raise FieldError("newPassword", "IdentityProvider users have no password.")
        self._check_password("newPassword", new_password)
        self._apply(user, {"password": new_password})
        return empty_response(204)

    def change_own_password(self, request):
        user = self._caller(request)
        body = self.json_body(request)
        _known_fields(body, {"currentPassword", "newPassword"})
        current, new_password = _string(body, "currentPassword", True), _string(body, "newPassword", True)
        if user.type == IDENTITY_PROVIDER or not same_secret(current, user.password or ""):
            raise FieldError("currentPassword", "The current password is not correct.")
        self._check_password("newPassword", new_password)
        self._apply(user, {"password": new_password})
        return empty_response(204)

    # --- MFA ------------------------------------------------------------------------------

    def enable_mfa(self, request, user_id):
        user = self._self_or_admin(request, user_id)
        body = self.json_body(request)
        _known_fields(body, {"recreate"})
        recreate = parse_bool(body["recreate"], "recreate") if body.get("recreate") is not None else False
        if user.type == IDENTITY_PROVIDER:
            raise ApiError(400, "MFA of IdentityProvider users is managed by their identity provider.")
        if user.mfa_secret and not recreate:
            raise FieldError("recreate", "MFA is already enabled for this user; send recreate=true for a new secret.")
        pending = user.begin_mfa()
        self.state.changed()
        qr = user.otpauth_uri(APPLIANCE_HOST, f"{quote(user.name, safe='')}%40{APPLIANCE_HOST}")
        return json_response(200, {"userId": user.id, "qrString": qr, "secretKey": pending.secret,
                                   "scratchCodes": pending.scratch_codes, "token": pending.token})

    def accept_mfa(self, request, user_id):
        user = self._self_or_admin(request, user_id)
        body = self.json_body(request)
        _known_fields(body, {"code", "token"})
        code, token = _string(body, "code", True), _string(body, "token", True)
        user.confirm_mfa(token, code)
        self.state.changed()
        return empty_response(204)

    def disable_mfa(self, request, user_id):
        if self._self_or_admin(request, user_id).drop_mfa():
            self.state.changed()
        return empty_response(204)

    # --- helpers --------------------------------------------------------------------------

    def _caller(self, request):
        user = self.state.vbazure.users.get(require_session(self.state, API, request).user)
        if user is None:
            raise ApiError(401, "The user of this token no longer exists.", headers=BEARER_CHALLENGE)
        return user

    def _require_admin(self, request):
        user = self._caller(request)
        if user.role != ADMIN_ROLE:
            raise ApiError(403, "Only users with the PortalAdmin role may manage users.")
        return user

    def _self_or_admin(self, request, user_id):
        caller = self._caller(request)
        if caller.id != user_id and caller.role != ADMIN_ROLE:
            raise ApiError(403, "Only a PortalAdmin may manage the MFA of other users.")
        return self._find(user_id)

    def _find(self, user_id):
        user = self.state.vbazure.users.get(user_id)
        if user is None:
            raise ApiError(404, f"User {user_id!r} was not found.")
        return user

    def _new_name(self, name, user=None):
        if not name.strip() or name != name.strip() or len(name) > MAX_NAME_LENGTH:
            raise FieldError("name", f"The user name must be 1-{MAX_NAME_LENGTH} characters without leading or "
                                     "trailing spaces.")
        other = find_by_name(self.state.vbazure.users, name)
        if other is not None and other is not user:
            raise FieldError("name", f"A user named {name!r} already exists.")
        return name

    def _check_password(self, field, password):
        minimum = self.state.settings.vbazure_password_min_length
        if password is None or len(password) < minimum:
            raise FieldError(field, f"The password must be at least {minimum} characters long.")

    def _apply(self, user, changes):
        if any(getattr(user, key) != value for key, value in changes.items()):
            for key, value in changes.items():
                setattr(user, key, value)
            self.state.changed()

