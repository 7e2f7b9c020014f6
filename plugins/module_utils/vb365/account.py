# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of one VB365 cloud account: the one implementation behind veeam_m365_account and veeam_m365_accounts.

ACCOUNT declares the account on the engine (core/engine.py): ACCOUNT.ensure() for one, ACCOUNT.ensure_all() for a
list; the accounts are found through the run's Lookups (vb365/lookups.py). Options that cannot be applied raise
InputError, failed calls VeeamApiError, never fail_json, so that the list module can name the item that failed.
"""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.compare import (
    ALWAYS,
    STATE_OPTION,
    UPDATE_PASSWORD_OPTION,
    changed_fields,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.core.engine import Resource, send_once
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import (
    ACCOUNT_TYPES,
    comparable,
    filter_options,
    lowercase_problem,
    matches,
    normalize_uuid,
    public_view,
    uuid_option_problem,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.lookups import Lookups, identity, pick_account


def account_spec():
    """The options of one account (veeam_m365_account's own, and each item of veeam_m365_accounts' accounts list)."""
    spec = filter_options()
    spec["user_name"]["aliases"] = ["access_key", "account_name"]
    spec.update(
        password={"type": "str", "no_log": True, "aliases": ["secret_key", "shared_key"]},
        description={"type": "str"},
        update_password=dict(UPDATE_PASSWORD_OPTION),
        state=dict(STATE_OPTION),
    )
    return spec


def input_problem(params):
    """Everything about one account's options that can be checked before the first request."""
    if not params["id"] and not (params["account_type"] and params["user_name"]):
        return "give id, or account_type and user_name, to say which account is meant."
    if params["update_password"] == ALWAYS and params["state"] == "present" and not params["password"]:
        return "update_password=always sends password on every run, but password is not set."
    return uuid_option_problem(params) or lowercase_problem(ACCOUNT_TYPES.get(params["account_type"]), params["user_name"])


def describe(params):
    """How messages and results name the account of params."""
    if params["id"]:
        return "id %s" % params["id"]
    return " ".join(value for value in (params["account_type"], params["user_name"]) if value) or "an account"


def look_alikes(params, accounts):
    """Accounts of the same type and organization whose user name differs from params' only in case."""
    if params["id"] or not params["user_name"]:
        return []
    wanted = dict(identity(params), userName=params["user_name"].lower())
    return [account for account in accounts if account.get("userName") != params["user_name"]
            and matches(dict(account, userName=str(account.get("userName", "")).lower()), wanted)]


def find_by_identity(client, params):
    return client.find_accounts(ACCOUNT_TYPES.get(params["account_type"]), params["user_name"], params["organization_id"])


def server_problem(params, current):
    """Why params cannot be applied when current is the account on the server (None: there is none), else None."""
    if params["state"] == "absent" or current is not None:
        return None
    if params["id"]:
        return ("no account has id %s. Ids are assigned by the server: omit id (give account_type and user_name) "
                "to create an account." % params["id"])
    if not params["password"]:
        return ("password is required to create the %s account '%s': the API stores the secret with the account. "
                "It is optional only for existing accounts." % (params["account_type"], params["user_name"]))
    return None


def account_key(params):
    """What makes two items of a list the same account."""
    return ("id", params["id"].lower()) if params["id"] else tuple(sorted(identity(params).items(), key=str))


def _read(ctx, params):
    return pick_account(params, ctx.candidates(params))


def _single(found):
    return found[0] if len(found) == 1 else None


def _warn_look_alikes(client, params, accounts):
    """accounts: what was read already (at least the candidates of read_candidates())."""
    for other in look_alikes(params, accounts):
        client.http.warn(
            "creating %s account '%s' beside account %s, '%s', whose user name differs only in case. If that is the same "
            "key (a typo in the case), address it with id=%s or fix user_name, and remove the one not wanted."
            % (params["account_type"], params["user_name"], other.get("id"), other.get("userName"), other.get("id")))


def _explained(error, params, verb):
    """A refusal the server words generically, said in terms of the task's options."""
    if error.status == 400 and "lowercase" in error.message.lower():
        return error.reworded(
            "the server refused user_name '%s': it applies the rule 'userName must contain only lowercase characters' "
            "(which the VB365 documentation states for every account type) to %s accounts too. Nothing was %s. Check "
            "that user_name is the key exactly as your storage provider issued it; if it is, this server cannot store it: "
            "use a key without uppercase letters." % (params["user_name"] or "", params["account_type"] or "these", verb),
            server_words_as_details=True)
    return error


def _desired_fields(params):
    """The readable fields the task sets; None means "leave as it is"."""
    return {
        "accountType": ACCOUNT_TYPES.get(params["account_type"]),
        "userName": params["user_name"],
        "description": params["description"],
        "organizationId": normalize_uuid(params["organization_id"]),
    }


def _create(ctx, params, check_mode, diff_mode):
    client = ctx.client
    _warn_look_alikes(client, params, ctx.candidates(params))
    body = dict(_desired_fields(params), description=params["description"] or "")
    account = dict(body, id=None)  # what check mode predicts
    if not check_mode:
        try:
            account = public_view(send_once(lambda: client.create_account(dict(body, password=params["password"])),
                                            lambda: _single(find_by_identity(client, params))))
        except VeeamApiError as exc:
            raise _explained(exc, params, "created") from None
    return module_result(True, diff_mode, {}, dict(body, password=MASK), account=account)


def _update(ctx, params, check_mode, diff_mode, current):
    before = comparable(current)
    changes = changed_fields(before, _desired_fields(params))
    if "accountType" in changes:
        raise InputError("account_type=%s does not fit account %s, a %s account: the type of existing cloud credentials "
                         "cannot be changed. Remove it and create a new one." % (params["account_type"], current.get("id"),
                                                                                 before["accountType"]))
    rotate = params["update_password"] == ALWAYS
    if not changes and not rotate:
        return module_result(False, diff_mode, before, before, account=public_view(current))
    after = dict(before, **{key: want for key, (_have, want) in changes.items()})
    problem = lowercase_problem(after["accountType"], after["userName"])
    if problem:
        raise InputError(problem)
    # A server may replace the whole account on PUT, so the secret goes along whenever the task has it.
    body = dict(after, password=params["password"]) if params["password"] else after
    account = dict(public_view(current), **after)
    if not check_mode:
        account = public_view(_put(ctx.client, current["id"], body, params) or account)
    return module_result(True, diff_mode, before, dict(after, password=MASK) if rotate else after, account=account)


def _put(client, account_id, body, params):
    try:
        return client.update_account(account_id, body)
    except VeeamApiError as exc:
        if "password" in body or exc.status != 400 or "password" not in exc.message.lower():
            raise _explained(exc, params, "changed") from None
        raise exc.reworded(
            "this server needs password to change account %s: it replaces the whole account on update, so it refuses "
            "an update without the secret. Nothing was changed. Give password (the account's current secret: with "
            "update_password=on_create it is sent only along with another change, so it is not rotated)." % account_id,
            server_words_as_details=True) from None


ACCOUNT = Resource(
    "account", "accounts", key=account_key, label=describe, input_problem=input_problem, context=Lookups,
    read=_read, listing=lambda ctx: ctx.accounts(), problem=lambda _ctx, params, current: server_problem(params, current),
    create=_create, update=_update, delete=lambda ctx, _params, current: ctx.client.delete_account(current["id"]),
    view=comparable,
)
