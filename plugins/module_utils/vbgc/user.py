# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of one VBGC user: the one implementation behind veeam_gcp_user and veeam_gcp_users.

What is VBGC's own: the options, their checks (input_problem() needs no request, appliance_problem() reads the
appliance) and the writes (_create, _update). USER declares them on the engine (core/engine.py): USER.ensure() for
one user, USER.ensure_all() for a list. Problems are raised (InputError, VeeamApiError), never fail_json.
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
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import (
    check_user_name,
    is_default_admin,
    role_ids,
    role_items,
)

# The options of one user (veeam_gcp_user's own, and each item of veeam_gcp_users' users list).
USER_SPEC = {
    "name": {"type": "str", "required": True},
    "description": {"type": "str"},
    "roles": {"type": "list", "elements": "str"},
    "password": {"type": "str", "no_log": True},
    "old_password": {"type": "str", "no_log": True},
    "update_password": dict(UPDATE_PASSWORD_OPTION),
    "state": dict(STATE_OPTION),
}


def input_problem(params):
    """The first problem with one user's options that needs no request, or None."""
    roles = params["roles"]
    if roles is not None and (not roles or not all(role.strip() for role in roles)):
        return ("roles must list at least one role name or id and no empty entries; "
                "omit roles to leave the account's roles as they are.")
    return check_user_name(params["name"])


def appliance_problem(client, params, user):
    """Why params cannot be applied to user (None: it does not exist), checked before any write; else None."""
    if params["state"] == "absent":
        return default_admin_problem(params, user, is_default_admin, "Default Administrator")
    if user is None:
        missing = [option for option in ("password", "roles") if not params[option]]
        if missing:
            return "user %s does not exist; creating it needs %s." % (params["name"], " and ".join(missing))
    if params["roles"]:
        try:
            client.resolve_roles(params["roles"], known=role_items(user or {}))
        except InputError as exc:
            return exc.message
    return None


def _create(client, params, check_mode, diff_mode):
    roles = client.resolve_roles(params["roles"])
    after = {"name": params["name"], "description": params["description"] or "", "mfaEnabled": False, "roles": roles}
    if not check_mode:
        after = send_once(lambda: client.create_user(params["name"], params["password"], role_ids(roles), params["description"]),
                          lambda: client.get_user(params["name"])) or after
    return module_result(True, diff_mode, {}, dict(after, password=MASK), user=after)


def _update(client, params, check_mode, diff_mode, user):
    current_roles = role_items(user)
    wanted_roles = client.resolve_roles(params["roles"], known=current_roles) if params["roles"] else current_roles
    current_description = user.get("description") or ""
    description = current_description if params["description"] is None else params["description"]
    changes = changed_fields(
        {"description": current_description, "roleIds": role_ids(current_roles)},
        {"description": description, "roleIds": role_ids(wanted_roles)},
        unordered=("roleIds",),
    )
    new_password = params["update_password"] == ALWAYS and not client.check_password(params["name"], params["password"])
    if new_password and not params["old_password"]:
        raise InputError("password does not work for user %s, and the appliance needs the current password to "
                         "change it: give old_password." % params["name"])
    after = dict(user, description=description, roles=wanted_roles) if changes else user
    if changes and not check_mode:
        after = client.modify_user(params["name"], description, role_ids(wanted_roles)) or after
    if new_password and not check_mode:  # repeated once carried out, it would be refused: old_password is old then
        with explained((400,), "changing the password of %s was refused" % params["name"], "Check that old_password is "
                       "the current password and that password meets the appliance's password policy."):
            send_once(lambda: client.change_password(params["name"], params["password"], params["old_password"]),
                      lambda: client.check_password(params["name"], params["password"]) or None, duplicates=())
    diff_after = dict(after, password=MASK) if new_password else after
    return module_result(bool(changes) or new_password, diff_mode, user, diff_after, user=after)


USER = appliance_users(input_problem, appliance_problem, _create, _update)
