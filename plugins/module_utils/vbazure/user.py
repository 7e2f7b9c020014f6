# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of one VBAzure user: the one implementation behind veeam_azure_user and veeam_azure_users.

Same shape as vbgc/user.py: input_problem() needs no request, appliance_problem() checks against the server,
_create and _update write (nothing in check mode); USER declares them on the engine (core/engine.py).
"""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.compare import (
    ALWAYS,
    STATE_OPTION,
    UPDATE_PASSWORD_OPTION,
    changed_fields,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, explained
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.core.engine import appliance_users, default_admin_problem, send_once
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import (
    ADMIN_ROLE,
    IDENTITY_PROVIDER,
    INTERNAL,
    ROLES,
    USER_TYPES,
    check_user_name,
    is_default_admin,
)

# The options of one user (veeam_azure_user's own, and each item of veeam_azure_users' users list).
USER_SPEC = {
    "name": {"type": "str", "required": True},
    "description": {"type": "str"},
    "role": {"type": "str", "choices": list(ROLES)},
    "type": {"type": "str", "choices": list(USER_TYPES)},
    "identity_provider_entity_id": {"type": "str"},
    "password": {"type": "str", "no_log": True},
    "update_password": dict(UPDATE_PASSWORD_OPTION),
    "state": dict(STATE_OPTION),
}


def input_problem(params):
    """The first problem with one user's options that needs no request, or None."""
    if params["type"] == IDENTITY_PROVIDER and params["password"]:
        return ("user %s: type=IdentityProvider users sign in at their identity provider and have no password here: "
                "remove password (manage only role and description)." % params["name"])
    if params["identity_provider_entity_id"] and params["type"] != IDENTITY_PROVIDER:
        return "identity_provider_entity_id is only for type=IdentityProvider: set type or remove it."
    return check_user_name(params["name"])


def appliance_problem(client, params, user):
    """Why params cannot be applied to user (None: it does not exist), checked before any write; else None."""
    if params["state"] == "absent":
        return default_admin_problem(params, user, is_default_admin, "default administrator")
    if user is None:
        return _create_problem(params)
    return _update_problem(params, user)


def _update_problem(params, user):
    name = params["name"]
    if params["type"] and params["type"] != user.get("type"):
        return ("user %s is of type %s, which cannot be changed to %s: remove the user and create it again, or omit "
                "type." % (name, user.get("type"), params["type"]))
    if params["password"] and user.get("type") == IDENTITY_PROVIDER:
        return ("user %s is an IdentityProvider user, which has no password here: remove password (manage only role "
                "and description)." % name)
    if is_default_admin(user) and params["role"] not in (None, ADMIN_ROLE):
        return "user %s is the default administrator, which keeps the role %s: omit role." % (name, ADMIN_ROLE)
    return None


def _create_problem(params):
    needs = ["description", "role"]
    needs.append("identity_provider_entity_id" if params["type"] == IDENTITY_PROVIDER else "password")
    missing = [option for option in needs if not params[option]]
    if missing:
        return "user %s does not exist; creating it needs %s." % (params["name"], " and ".join(missing))
    return None


def _create(client, params, check_mode, diff_mode):
    user_type = params["type"] or INTERNAL
    after = {"name": params["name"], "description": params["description"], "role": params["role"], "type": user_type,
             "mfaEnabled": False, "isDefault": False}
    if not check_mode:
        after = send_once(lambda: client.create_user(params["name"], params["role"], params["description"],
                                                     params["password"], user_type, params["identity_provider_entity_id"]),
                          lambda: client.get_user(params["name"])) or after
    diff_after = dict(after, password=MASK) if user_type == INTERNAL else after
    return module_result(True, diff_mode, {}, diff_after, user=after)


def _update(client, params, check_mode, diff_mode, user):
    wanted = {"description": params["description"], "role": params["role"]}
    changes = changed_fields(user, wanted)
    new_password = (params["update_password"] == ALWAYS and user.get("type") != IDENTITY_PROVIDER
                    and not client.check_password(params["name"], params["password"]))
    if new_password and not client.password:  # before any write: a refused password must not leave half a change
        raise InputError("password does not work for user %s, and VBAzure changes it only with the administrator's "
                         "own password: %s" % (params["name"], client.advice["token_only"]))
    after = dict(user, **{key: want for key, (_have, want) in changes.items()})
    if changes and not check_mode:
        after = client.modify_user(params["name"], after.get("description") or "", after.get("role")) or after
    if new_password and not check_mode:
        with explained((400,), "changing the password of %s was refused" % params["name"], "Check that password meets "
                       "the appliance's password policy and that %s" % client.advice["own_password"]):
            client.change_password(params["name"], params["password"])
    diff_after = dict(after, password=MASK) if new_password else after
    return module_result(bool(changes) or new_password, diff_mode, user, diff_after, user=after)


USER = appliance_users(input_problem, appliance_problem, _create, _update)
