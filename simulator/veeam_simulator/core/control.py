"""The test-only control API under /_simulator/ (no authentication, never journaled, never faulted).

The routes here know no product. Each product's route families add their own (under /_simulator/<product>/)
and register a seeder for POST /_simulator/seed.
"""

import json
from dataclasses import asdict

from . import totp
from .messages import ApiError, InputError, empty_response, json_response
from .routing import ApiBase

PREFIX = "/_simulator"


def seed_list(body, name):
    value = body.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ApiError(400, f"{name} must be a list of objects.")
    return value


def seed_text(spec, name, required=True):
    value = spec.get(name, None if required else "")
    if not isinstance(value, str) or (required and not value):
        raise ApiError(400, f"{name} must be a {'non-empty ' if required else ''}string.")
    return value


def seed_mfa_secret(spec, name):
    """The seeded user `name`'s mfa_secret (None when not given), checked to be base32."""
    secret = spec.get("mfa_secret")
    if secret is not None:
        try:
            totp.secret_bytes(secret)
        except (InputError, AttributeError):
            raise ApiError(400, f"user {name!r}: mfa_secret is not base32.") from None
    return secret


def check_keys(spec, allowed):
    unknown = set(spec) - allowed
    if unknown:
        raise ApiError(400, f"unknown fields: {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(allowed))}.")


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
        self.seeders = {}

    def add_seeder(self, key, seeder):
        """POST /seed takes `key`: `seeder(state, specs)` checks the specs and returns (commit, result);
        every seeder checks its specs before any commits."""
        self.seeders[key] = seeder

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
        except InputError as exc:
            raise ApiError(400, str(exc)) from None
        return json_response(200, self.state.settings.to_dict())

    def seed(self, request):
        """Create objects directly. Seeds skip the API's rules where a product's seeder says so, so tests can
        build states the API would refuse (legacy uppercase names, duplicate accounts)."""
        body = request.json_object()
        check_keys(body, set(self.seeders))
        prepared = {key: seeder(self.state, seed_list(body, key)) for key, seeder in self.seeders.items()}
        for commit, _ in prepared.values():
            commit()
        self.state.changed()
        return json_response(200, {key: result for key, (_, result) in prepared.items()})

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
        except InputError as exc:
            raise ApiError(400, str(exc)) from None

    def clear_faults(self, request):
        self.state.faults.clear()
        return empty_response(204)

    def expire_tokens(self, request):
        api = request.json_object().get("api", "all") if request.body else "all"
        names = [product.name for product in self.state.products]
        if api not in (*names, "all"):
            raise ApiError(400, f"api must be {', '.join(names)} or all.")
        self.state.tokens.expire_access(api)
        return empty_response(204)

    def list_secrets(self, request):
        """Every secret seen or issued since start (kept across resets), for scanning test output."""
        return json_response(200, {"secrets": self.state.secrets_seen.entries()})
