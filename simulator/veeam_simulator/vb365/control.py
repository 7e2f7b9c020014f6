"""Control API routes for the VB365 cloud accounts: seed them, mark them in use, read their secret."""

import uuid

from ..core.auth import parse_bool
from ..core.control import PREFIX, check_keys, seed_text
from ..core.messages import ApiError, json_response
from .api import parse_uuid
from .model import ACCOUNT_TYPES, Account

SEED_KEYS = {"accountType", "userName", "password", "description", "organizationId", "in_use"}


def add_account_control(api, control):
    """Register the account routes and the `vb365_accounts` seeder on the ControlApi `control`."""
    state = control.state
    control.router.add("PUT", f"{PREFIX}/vb365/accounts/{{account_id}}/in_use",
                       lambda request, account_id: set_in_use(state, request, account_id))
    control.router.add("GET", f"{PREFIX}/vb365/accounts/{{account_id}}/secret",
                       lambda request, account_id: json_response(200, {"password": _account(state, account_id).password}))
    control.add_seeder("vb365_accounts", seed_accounts)


def seed_accounts(state, specs):
    """Seeds skip the lowercase and duplicate rules on purpose, for states the API would refuse."""
    accounts = [_seed_account(spec) for spec in specs]
    return (lambda: state.vb365.accounts.update((account.id, account) for account in accounts),
            [account.id for account in accounts])


def set_in_use(state, request, account_id):
    account = _account(state, account_id)
    account.in_use = parse_bool(request.json_object().get("in_use"), "in_use")
    state.changed()
    return json_response(200, {"id": account.id, "in_use": account.in_use})


def _account(state, account_id):
    account = state.vb365.accounts.get(parse_uuid(account_id, "account id"))
    if account is None:
        raise ApiError(404, f"no account {account_id}.")
    return account


def _seed_account(spec):
    check_keys(spec, SEED_KEYS)
    account_type = spec.get("accountType")
    if account_type not in ACCOUNT_TYPES:
        raise ApiError(400, f"accountType must be one of {', '.join(ACCOUNT_TYPES)}.")
    organization = spec.get("organizationId")
    return Account(str(uuid.uuid4()), account_type, seed_text(spec, "userName"),
                   seed_text(spec, "password"), seed_text(spec, "description", required=False),
                   None if organization is None else parse_uuid(organization, "organizationId"),
                   parse_bool(spec.get("in_use", False), "in_use"))
