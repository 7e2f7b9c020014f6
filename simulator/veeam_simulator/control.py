"""The test-only control API under /_simulator/ (no authentication, never journaled, never faulted)."""

import json
import uuid
from dataclasses import asdict

from . import totp
from .auth import parse_bool
from .messages import ApiError, empty_response, json_response
from .model import ACCOUNT_TYPES, ROLES, Account, User
from .routing import ApiBase
from .vb365 import parse_uuid
from .vb365_storage_control import StorageControl
from .vbgc import NAME_RULE, user_view

PREFIX = "/_simulator"
SEED_ACCOUNT_KEYS = {"accountType", "userName", "password", "description", "organizationId", "in_use"}
SEED_USER_KEYS = {"name", "password", "description", "roles", "mfa_secret"}


def _list_field(body, name):
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ApiError(400, f"{name} must be a list of objects.")
    return value


def _text(spec, name, required=True):
    value = spec.get(name, None if required else "")
    if not isinstance(value, str) or (required and not value):
        raise ApiError(400, f"{name} must be a {'non-empty ' if required else ''}string.")
    return value


def _check_keys(spec, allowed):
    unknown = set(spec) - allowed
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(allowed))}.")


def _role_id(reference):
    """A role given by name (any case) or by id."""
    for role in ROLES:
        if isinstance(reference, str) and reference.lower() in (role.id, role.name.lower()):
            return role.id
    raise ApiError(400, f"unknown role {reference!r}; known: {', '.join(role.name for role in ROLES)}.")


class ControlApi(ApiBase):
    name = "control"

    def __init__(self, state):
        super().__init__(state)
        add = self.router.add
        add("GET", f"{PREFIX}/health", self.health)
        add("POST", f"{PREFIX}/reset", self.reset)
        add("GET", f"{PREFIX}/config", self.get_config)
        add("PUT", f"{PREFIX}/config", self.put_config)
        add("POST", f"{PREFIX}/seed", self.seed)
        add("GET", f"{PREFIX}/journal", self.get_journal)
        add("DELETE", f"{PREFIX}/journal", self.clear_journal)
        add("GET", f"{PREFIX}/conformance", self.get_conformance)
        add("GET", f"{PREFIX}/faults", self.list_faults)
        add("POST", f"{PREFIX}/faults", self.add_fault)
        add("DELETE", f"{PREFIX}/faults", self.clear_faults)
        add("POST", f"{PREFIX}/tokens/expire", self.expire_tokens)
        add("GET", f"{PREFIX}/secrets", self.list_secrets)
        add("PUT", f"{PREFIX}/vb365/accounts/{{account_id}}/in_use", self.set_in_use)
        add("GET", f"{PREFIX}/vb365/accounts/{{account_id}}/secret", self.account_secret)
        add("GET", f"{PREFIX}/vbgc/users/{{name}}", self.user_internals)
        add("POST", f"{PREFIX}/vbgc/users/{{name}}/check_password", self.check_password)
        StorageControl(self)

    def error_response(self, error):
        return json_response(error.status, {"error": error.message}, error.headers)

    def check_conformance(self, request):
        """The control API is the simulator's own: no vendor document to check it against."""

    def health(self, request):
        return json_response(200, {"status": "ok"})

    def reset(self, request):
        self.state.reset()
        return empty_response(204)

    def get_config(self, request):
        return json_response(200, self.state.settings.to_dict())

    def put_config(self, request):
        try:
            self.state.settings = self.state.settings.merged(request.json_object())
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        return json_response(200, self.state.settings.to_dict())

    def seed(self, request):
        """Create objects directly. Seeds skip the lowercase, password and account-duplicate rules on purpose,
        so tests can build states the API would refuse (legacy uppercase names, duplicate accounts)."""
        body = request.json_object()
        _check_keys(body, {"vb365_accounts", "vbgc_users"})
        accounts = [self._seed_account(spec) for spec in _list_field(body, "vb365_accounts")]
        users = [self._seed_user(spec) for spec in _list_field(body, "vbgc_users")]
        names = [user.name for user in users]
        clashes = sorted({name for name in names if name in self.state.users or names.count(name) > 1})
        if clashes:
            raise ApiError(409, f"users already exist or repeat: {', '.join(clashes)}.")
        self.state.accounts.update((account.id, account) for account in accounts)
        self.state.users.update((user.name, user) for user in users)
        self.state.changed()
        return json_response(200, {"vb365_accounts": [a.id for a in accounts], "vbgc_users": names})

    def get_journal(self, request):
        since = request.query_value("since") or "0"
        if not since.isdigit():
            raise ApiError(400, "since must be a sequence number.")
        return json_response(200, {"entries": self.state.journal.since(int(since)), "last_seq": self.state.journal.last_seq})

    def get_conformance(self, request):
        """The requests that broke their API's document since the start (a reset does not forget them)."""
        journal = self.state.journal
        return json_response(200, {"nonconformant_total": journal.nonconformant_total,
                                   "nonconformant": list(journal.nonconformant)})

    def clear_journal(self, request):
        self.state.journal.clear()
        return empty_response(204)

    def list_faults(self, request):
        return json_response(200, {"faults": self.state.faults.describe()})

    def add_fault(self, request):
        """One fault (a JSON object), or several in order (a JSON array; all or nothing)."""
        try:
            body = json.loads(request.body.decode("utf-8"))
        except ValueError as exc:
            raise ApiError(400, f"The request body is not valid JSON: {exc}") from None
        try:
            if not isinstance(body, list):
                return json_response(201, asdict(self.state.faults.add(body)))
            return json_response(201, {"faults": [asdict(fault) for fault in self.state.faults.add_all(body)]})
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None

    def clear_faults(self, request):
        self.state.faults.clear()
        return empty_response(204)

    def expire_tokens(self, request):
        api = request.json_object().get("api", "all") if request.body else "all"
        if api not in ("vb365", "vbgc", "vbazure", "all"):
            raise ApiError(400, "api must be vb365, vbgc, vbazure or all.")
        self.state.tokens.expire_access(api)
        return empty_response(204)

    def list_secrets(self, request):
        """Every secret seen or issued since start (kept across resets), for scanning test output."""
        return json_response(200, {"secrets": self.state.secrets_seen.entries()})

    def set_in_use(self, request, account_id):
        account = self._account(account_id)
        account.in_use = parse_bool(request.json_object().get("in_use"), "in_use")
        self.state.changed()
        return json_response(200, {"id": account.id, "in_use": account.in_use})

    def account_secret(self, request, account_id):
        return json_response(200, {"password": self._account(account_id).password})

    def user_internals(self, request, name):
        user = self._user(name)
        pending = asdict(user.pending_mfa) if user.pending_mfa else None
        return json_response(200, {**user_view(user), "default_admin": user.default_admin,
                                   "mfa_secret": user.mfa_secret, "scratch_codes": user.scratch_codes,
                                   "pending_mfa": pending})

    def check_password(self, request, name):
        password = request.json_object().get("password")
        return json_response(200, {"valid": password == self._user(name).password})

    def _account(self, account_id):
        account = self.state.accounts.get(parse_uuid(account_id, "account id"))
        if account is None:
            raise ApiError(404, f"no account {account_id}.")
        return account

    def _user(self, name):
        if name not in self.state.users:
            raise ApiError(404, f"no user {name!r}.")
        return self.state.users[name]

    def _seed_account(self, spec):
        _check_keys(spec, SEED_ACCOUNT_KEYS)
        account_type = spec.get("accountType")
        if account_type not in ACCOUNT_TYPES:
            raise ApiError(400, f"accountType must be one of {', '.join(ACCOUNT_TYPES)}.")
        organization = spec.get("organizationId")
        return Account(str(uuid.uuid4()), account_type, _text(spec, "userName"),
                       _text(spec, "password"), _text(spec, "description", required=False),
                       None if organization is None else parse_uuid(organization, "organizationId"),
                       parse_bool(spec.get("in_use", False), "in_use"))

    def _seed_user(self, spec):
        _check_keys(spec, SEED_USER_KEYS)
        name = _text(spec, "name")
        if not NAME_RULE.fullmatch(name):
            raise ApiError(400, f"user name {name!r} breaks the rule ^[a-z0-9_-]{{1,32}}$.")
        roles = spec.get("roles")
        if not isinstance(roles, list) or not roles:
            raise ApiError(400, f"user {name!r}: roles must be a non-empty list of role names or ids.")
        secret = spec.get("mfa_secret")
        if secret is not None:
            try:
                totp.secret_bytes(secret)
            except (ValueError, AttributeError):
                raise ApiError(400, f"user {name!r}: mfa_secret is not base32.") from None
        return User(name, _text(spec, "password"), list(dict.fromkeys(_role_id(role) for role in roles)),
                    _text(spec, "description", required=False), mfa_secret=secret)
