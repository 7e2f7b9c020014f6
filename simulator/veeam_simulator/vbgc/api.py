"""Veeam Backup for Google Cloud REST API 1.4-rev0: /api/v1/token and /api/v1/users (roles, MFA, passwords)."""

from http import HTTPStatus

from ..core.auth import parse_bool, require_session, required_text, token_fields
from ..core.grant import TokenGrants
from ..core.listquery import page
from ..core.messages import ApiError, empty_response, json_response
from ..core.mfa import same_secret
from ..core.routing import ApiBase
from .model import NAME_RULE, PORTAL_ADMINISTRATOR, ROLES, ROLES_BY_ID, User

API = "vbgc"
APPLIANCE_HOST = "vbgc-simulator"
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


class VbgcGrants(TokenGrants):
    """POST/DELETE /api/v1/token: users by name; a user with MFA gets 202 and an mfa_token."""

    short_term_field = "use_short_term_refresh"

    def required(self, fields, name):
        return required_text(fields, name)

    def unsupported(self, grant):
        if grant.lower() == "authorization_code":
            return ApiError(400, "The grant type authorization_code is not supported by the simulator.")
        return ApiError(400, f"Unknown grant_type {grant!r}.")

    def find_user(self, name):
        return self.state.vbgc.users.get(name)

    def user_key(self, user):
        return user.name

    def user_by_key(self, key):
        return self.state.vbgc.users.get(key)

    def challenge_answer(self, user, challenge, short_term):
        return json_response(202, {"mfa_token": challenge})

    def token_answer(self, user, session, short_term):
        role = ROLES_BY_ID[user.role_ids[0]].name
        return json_response(200, {**token_fields(session), "username": user.name, "roleName": role,
                                   "mfa_enabled": bool(user.mfa_secret)})


class VbgcApi(ApiBase):
    name = API

    def __init__(self, state, product=None):
        super().__init__(state, product)
        VbgcGrants(self).add_routes("/api/v1/token")
        add = self.router.add
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

    # --- users and roles ------------------------------------------------------------------

    def list_roles(self, request):
        self._require_admin(request)
        roles = [{"id": role.id, "name": role.name, "description": role.description} for role in ROLES]
        return json_response(200, page(roles, request, ROLE_PROPERTIES))

    def list_users(self, request):
        self._require_admin(request)
        users = [user_view(user) for user in self.state.vbgc.users.values()]
        return json_response(200, page(users, request, USER_PROPERTIES))

    def create_user(self, request):
        self._require_admin(request)
        body = self.json_body(request)
        name = required_text(body, "name")
        if not NAME_RULE.fullmatch(name):
            raise ApiError(400, "The user name must be 1-32 characters of lowercase Latin letters, digits, _ and -.")
        if name in self.state.vbgc.users:
            raise ApiError(409, f"A user named {name!r} already exists.")
        user = User(name, self._checked_password(required_text(body, "password")), self._role_ids(body.get("roleIds")),
                    self._description(body.get("description"), ""))
        self.state.vbgc.users[name] = user
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
        del self.state.vbgc.users[name]
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
        if not same_secret(old_password, user.password):
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
        pending = user.begin_mfa()
        self.state.changed()
        qr = user.otpauth_uri(APPLIANCE_HOST, f"{user.name}@{APPLIANCE_HOST}")
        response = {"qrString": qr, "secretKey": pending.secret, "scratchCodes": pending.scratch_codes,
                    "token": pending.token}
        return json_response(200, {"response": response, "issues": []})

    def mfa_accepted(self, request, name):
        self._require_admin(request)
        user = self._find(name)
        body = self.json_body(request)
        code, token = required_text(body, "code"), required_text(body, "token")
        user.confirm_mfa(token, code)
        self.state.changed()
        return json_response(201, {"success": True, "issues": []})

    def mfa_disable(self, request, name):
        self._require_admin(request)
        if self._find(name).drop_mfa():
            self.state.changed()
        return json_response(200, {"success": True, "issues": []})

    # --- helpers --------------------------------------------------------------------------

    def _require_admin(self, request):
        session = require_session(self.state, API, request)
        user = self.state.vbgc.users.get(session.user)
        if user is None:
            raise ApiError(401, "The user of this token no longer exists.", "InvalidToken")
        if PORTAL_ADMINISTRATOR.id not in user.role_ids:
            raise ApiError(403, "Only users with the Portal Administrator role may manage users and roles.")
        return user

    def _find(self, name):
        user = self.state.vbgc.users.get(name)
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
