"""Veeam Backup for Microsoft 365 REST API v8: /v8/token, /v8/token/logout and /v8/Accounts."""

import re
import secrets
import uuid
from dataclasses import replace

from ..core.auth import BEARER_CHALLENGE, require_session, required_text, token_fields
from ..core.listquery import wildcard_regex
from ..core.messages import ApiError, Response, empty_response, json_response
from .model import ACCOUNT_TYPES, Account
from ..core.routing import AUTH, ApiBase

API = "vb365"
ERROR_CODES = {
    "ProxyOffline", "OutdatedChangeToken", "ResourceAccessDenied", "ResourceNotFound", "ParameterValidationFailure",
    "OrganizationTransfer", "RepositoryOwnerChangeTooManyLinks", "Timeout", "OperationConflict", "HttpError",
}
CODE_BY_STATUS = {400: "ParameterValidationFailure", 403: "ResourceAccessDenied", 404: "ResourceNotFound",
                  405: "ParameterValidationFailure", 409: "OperationConflict", 413: "ParameterValidationFailure",
                  415: "ParameterValidationFailure", 504: "Timeout"}
DECLARED_GRANTS = ("urn:ietf:params:oauth:grant-type:jwt-bearer", "operator")
# The only anonymous VB365 path: every other /v8/ request is authenticated before it is routed.
TOKEN_PATH = re.compile(r"^/v8/token/?$", re.IGNORECASE)


def parse_uuid(value, name):
    try:
        return str(uuid.UUID(value))
    except (ValueError, TypeError, AttributeError):
        raise ApiError(400, f"The value of {name} is not a valid UUID: {value!r}.") from None


def _optional(body, name, kind, kind_name):
    value = body.get(name)
    if value is not None and not isinstance(value, kind):
        raise ApiError(400, f"The field {name} must be {kind_name}.")
    return value


def _account_type(body):
    value = _optional(body, "accountType", str, "a string")
    if value is not None and value not in ACCOUNT_TYPES:
        raise ApiError(400, f"The field accountType must be one of {', '.join(ACCOUNT_TYPES)}.")
    return value


def created(state, collection, item_id, item, view):
    """Store a new object under `item_id`, count the change and answer 201 with its view and address."""
    collection[item_id] = item
    state.changed()
    return json_response(201, view, {"Location": view["_links"]["self"]["href"]})


class Vb365Api(ApiBase):
    name = API

    def __init__(self, state, product=None):
        super().__init__(state, product)
        self.router.add("POST", "/v8/token/logout", self.logout, AUTH)
        self.router.add("POST", "/v8/token", self.token, AUTH)
        self.router.add("GET", "/v8/Accounts", self.list_accounts)
        self.router.add("POST", "/v8/Accounts", self.create_account)
        self.router.add("GET", "/v8/Accounts/{account_id}", self.get_account)
        self.router.add("PUT", "/v8/Accounts/{account_id}", self.update_account)
        self.router.add("DELETE", "/v8/Accounts/{account_id}", self.delete_account)

    def authenticate_first(self, request):
        """A server checks the bearer before it routes: 401 for any /v8/ path but the token endpoint. Every
        VB365 route is under /v8/, so the handlers (here and in the other vb365 modules) need not check again."""
        if request.path.lower().startswith("/v8/") and not TOKEN_PATH.match(request.path):
            require_session(self.state, API, request)

    def error_response(self, error):
        """RESTExceptionInfo, valid against the vendor schema as it stands: errorCode is one of its enum
        values or left out (the enum has no null). A rejected bearer is 401 with an empty body, as the
        veeam-365 SDK describes the real server."""
        if error.status == 401:
            return Response(401, b"", {**BEARER_CHALLENGE, **error.headers})
        body = {"message": error.message, "stackTrace": None}
        code = error.code if error.code in ERROR_CODES else CODE_BY_STATUS.get(error.status)
        if code:
            body["errorCode"] = code
        return json_response(error.status, body, error.headers)

    # --- authentication -------------------------------------------------------------------

    def token(self, request):
        fields = self._token_fields(request)
        grant = fields.get("grant_type") or "password"  # the spec's declared default
        if grant == "password":
            session = self._password_grant(fields)
        elif grant == "refresh_token":
            session = self._refresh_grant(fields)
        elif grant in DECLARED_GRANTS:
            raise ApiError(400, f"The grant type {grant} is not supported by the simulator.")
        else:
            raise ApiError(400, f"Unknown grant_type {grant!r}.")
        return json_response(200, {**token_fields(session), "userName": session.user})

    def logout(self, request):
        self.state.tokens.revoke(require_session(self.state, API, request))
        return empty_response(204)

    def _token_fields(self, request):
        """Form or JSON; keys match case-insensitively. disable_antiforgery_token is accepted and ignored."""
        if request.media_type() == "application/json":
            return {key.lower(): value for key, value in request.json_object().items()}
        return request.form_fields()

    def _password_grant(self, fields):
        username, password = required_text(fields, "username"), required_text(fields, "password")
        # Windows account names compare case-insensitively; passwords exactly.
        if username.lower() != self.state.admin_username.lower() or not secrets.compare_digest(
                password.encode(), self.state.admin_password.encode()):
            raise ApiError(400, "The user name or password is incorrect.")
        return self._issue()

    def _refresh_grant(self, fields):
        if self.state.tokens.take_refresh(API, required_text(fields, "refresh_token")) is None:
            raise ApiError(400, "The refresh token is not valid or has expired.")
        return self._issue()

    def _issue(self):
        settings = self.state.settings
        return self.state.tokens.issue(API, self.state.admin_username, settings.vb365_token_lifetime,
                                       settings.vb365_refresh_lifetime)

    # --- accounts -------------------------------------------------------------------------

    def list_accounts(self, request):
        selected = list(self.state.vb365.accounts.values())
        account_type = request.query_value("accountType")
        if account_type is not None:
            _account_type({"accountType": account_type})
            selected = [a for a in selected if a.account_type == account_type]
        organization = request.query_value("organizationId")
        if organization is not None:
            organization = parse_uuid(organization, "organizationId")
            selected = [a for a in selected if a.organization_id == organization]
        name = request.query_value("name")
        if name is not None:
            pattern = wildcard_regex(name, ignore_case=True)
            selected = [a for a in selected if pattern.fullmatch(a.user_name)]
        return json_response(200, [self._view(a) for a in selected])

    def create_account(self, request):
        body = self.json_body(request)
        account_type = _account_type(body)
        if account_type is None:
            raise ApiError(400, "The field accountType is required.")
        account = Account(str(uuid.uuid4()), account_type, _optional(body, "userName", str, "a string") or "",
                          required_text(body, "password"), _optional(body, "description", str, "a string") or "",
                          self._organization(body))
        self._check_rules(account)
        return created(self.state, self.state.vb365.accounts, account.id, account, self._view(account))

    def get_account(self, request, account_id):
        return json_response(200, self._view(self._find(account_id)))

    def update_account(self, request, account_id):
        """merge (default): fields left out (or null) keep their stored value, the password too.
        replace (--vb365-put replace): the body is the whole account; without password it is refused."""
        current = self._find(account_id)
        body = self.json_body(request)
        account_type = _account_type(body)
        if account_type not in (None, current.account_type):
            raise ApiError(400, "The accountType of an existing account cannot be changed.")
        fields = {
            "user_name": _optional(body, "userName", str, "a string"),
            "password": _optional(body, "password", str, "a string"),
            "description": _optional(body, "description", str, "a string"),
            "organization_id": self._organization(body),
        }
        if self.state.settings.vb365_put == "replace":
            updated = self._replaced(current, fields)
        else:
            updated = replace(current, **{key: value for key, value in fields.items() if value is not None})
        self._check_rules(updated)
        if updated != current:
            self.state.vb365.accounts[current.id] = updated
            self.state.changed()
        return empty_response(204)

    def delete_account(self, request, account_id):
        account = self._find(account_id)
        users = self.state.vb365.object_storage.repositories_using("accountId", account.id)
        if account.in_use or users:
            named = f" ({', '.join(users)})" if users else ""
            raise ApiError(409, "You cannot remove cloud credentials that are in use by an object storage "
                                f"repository{named}.", "OperationConflict")
        del self.state.vb365.accounts[account.id]
        self.state.changed()
        return empty_response(204)

    @staticmethod
    def _replaced(current, fields):
        if not fields["password"]:
            raise ApiError(400, "The field password is required: this server replaces the whole account on PUT, "
                                "so the secret must be sent with every update.", "ParameterValidationFailure")
        return replace(current, user_name=fields["user_name"] or "", password=fields["password"],
                       description=fields["description"] or "", organization_id=fields["organization_id"])

    def _organization(self, body):
        value = _optional(body, "organizationId", str, "a UUID string")
        return None if value is None else parse_uuid(value, "organizationId")

    def _find(self, account_id):
        account = self.state.vb365.accounts.get(parse_uuid(account_id, "accountId"))
        if account is None:
            raise ApiError(404, f"Cloud account {account_id} was not found.", "ResourceNotFound")
        return account

    def _check_rules(self, account):
        if not account.user_name:
            raise ApiError(400, "The field userName is required.")
        lowercase_only = account.account_type in self.state.settings.lowercase_rule
        if lowercase_only and account.user_name != account.user_name.lower():
            raise ApiError(400, f"The userName must contain only lowercase characters ({account.account_type}).")
        for other in self.state.vb365.accounts.values():
            if other.id != account.id and other.identity() == account.identity():
                raise ApiError(409, f"A {account.account_type} account named {account.user_name!r} already exists "
                                    f"(id {other.id}).", "OperationConflict")

    def _view(self, account):
        return {
            "accountType": account.account_type,
            "userName": account.user_name,
            "id": account.id,
            "description": account.description,
            "organizationId": account.organization_id,
            "_links": {"self": {"href": f"{self.base_url}/v8/Accounts/{account.id}"}},
        }

