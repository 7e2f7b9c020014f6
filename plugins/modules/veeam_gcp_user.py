#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_gcp_user
short_description: Manage a user account of Veeam Backup for Google Cloud
version_added: 0.1.0
description:
  - Create, update or remove one user account of a Veeam Backup for Google Cloud (VBGC) appliance through its REST API.
  - The description and the roles are compared with the account on the appliance, the roles as a set, so a second run reports no change.
  - Passwords cannot be read back. With O(update_password=always) the module first tries O(password) with a login as the user
    and changes the password only when that login fails.
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - veeam_community.backup.vbgc
  - veeam_community.backup.vbgc.actiongroup
attributes:
  check_mode:
    description: Predicts the result without writing. With O(update_password=always) it still logs in as the user to test O(password).
    support: full
  diff_mode:
    description: Shows the account before and after; passwords are masked.
    support: full
options:
  name:
    description:
      - Name of the user account, 1 to 32 characters of lowercase letters C(a-z), digits, C(_) and C(-).
      - The name is the account's identity on the appliance.
    type: str
    required: true
  description:
    description:
      - Description of the account. Not managed when omitted.
    type: str
  roles:
    description:
      - Roles of the account, as role names (case does not matter, for example C(Portal Operator)) or role ids.
      - Compared as a set with the account's roles. Not managed when omitted; required to create an account.
      - An unknown name fails the task with the list of valid roles (see M(veeam_community.backup.veeam_gcp_roles_info)).
    type: list
    elements: str
  password:
    description:
      - Password of the account. Required to create it. Never logged.
      - Used for an existing account only with O(update_password=always).
    type: str
  old_password:
    description:
      - Current password of the account, needed by the appliance to change it (O(update_password=always)).
      - Only used when O(password) does not already work. Never logged.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the module creates the account.
      - V(always) makes O(password) the account's password. The module logs in as the user with O(password); when that works
        (also when the appliance asks for an MFA code) nothing changes, otherwise it changes the password with O(old_password).
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description:
      - V(present) creates or updates the account, V(absent) removes it.
      - The appliance's Default Administrator cannot be removed; the module refuses before trying.
    type: str
    choices: [present, absent]
    default: present
notes:
  - If the account is created by someone else between the lookup and the create (the appliance then refuses the
    create), the module reads it again and continues with the existing account instead of failing.
  - A no-op run makes one request with O(auth_token), three with O(auth_username) and O(auth_password) (login, read, logout).
    The roles list is read only when a role given by name is not already on the account.
  - Messages from the appliance in the C(issues) of an answer are shown as warnings.
seealso:
  - module: veeam_community.backup.veeam_gcp_user_info
  - module: veeam_community.backup.veeam_gcp_roles_info
  - module: veeam_community.backup.veeam_gcp_user_mfa
  - module: veeam_community.backup.veeam_gcp_login
"""

EXAMPLES = r"""
- name: Create an operator (the password is set only when the account is created)
  veeam_community.backup.veeam_gcp_user:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: ops1
    description: Night shift operator
    roles:
      - Portal Operator
    password: "{{ ops1_password }}"

- name: Manage several accounts with one login
  module_defaults:
    group/veeam_community.backup.vbgc:
      server: vbgc.example.com
      ca_path: /etc/pki/vbgc-ca.pem
  block:
    - name: Log in once
      veeam_community.backup.veeam_gcp_login:
        auth_username: admin
        auth_password: "{{ vbgc_admin_password }}"
      register: vbgc_login
      no_log: true

    - name: Give restore1 two roles and rotate its password to the one from the vault
      veeam_community.backup.veeam_gcp_user:
        auth_token: "{{ vbgc_login.access_token }}"
        name: restore1
        roles:
          - Restore Operator
          - Portal Operator
        password: "{{ restore1_password }}"
        old_password: "{{ restore1_previous_password }}"
        update_password: always

    - name: Remove a former employee
      veeam_community.backup.veeam_gcp_user:
        auth_token: "{{ vbgc_login.access_token }}"
        name: olduser
        state: absent
"""

RETURN = r"""
user:
  description:
    - The account as the appliance returns it after the change (in check mode, as it would be). Empty when O(state=absent).
    - Never contains a password.
  returned: always
  type: dict
  sample:
    name: ops1
    description: Night shift operator
    mfaEnabled: false
    type: Regular
    roles:
      - id: 7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c02
        name: Portal Operator
"""

from ansible_collections.veeam_community.backup.plugins.module_utils._compare import changed_fields
from ansible_collections.veeam_community.backup.plugins.module_utils._http import MASK, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils._module import new_module, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc import (
    VBGCClient,
    check_user_name,
    is_default_admin,
    result_with_diff,
    role_ids,
    role_items,
)

ARGUMENT_SPEC = {
    "name": {"type": "str", "required": True},
    "description": {"type": "str"},
    "roles": {"type": "list", "elements": "str"},
    "password": {"type": "str", "no_log": True},
    "old_password": {"type": "str", "no_log": True},
    "update_password": {"type": "str", "default": "on_create", "choices": ["on_create", "always"], "no_log": False},
    "state": {"type": "str", "default": "present", "choices": ["present", "absent"]},
}


def validate(params):
    """The first problem with the options that needs no request, or None."""
    roles = params["roles"]
    if roles is not None and (not roles or not all(role.strip() for role in roles)):
        return ("roles must list at least one role name or id and no empty entries; "
                "omit roles to leave the account's roles as they are.")
    return check_user_name(params["name"])


def ensure(module, client):
    params = module.params
    user = client.get_user(params["name"])
    if params["state"] == "absent":
        return remove(module, client, user)
    if user is None:
        try:
            return create(module, client)
        except VeeamApiError as exc:
            user = created_meanwhile(client, params["name"], exc)
            if user is None:
                raise
    return update(module, client, user)


def created_meanwhile(client, name, error):
    """After a refused create: the user that exists now (made by a parallel task, or by our own create whose
    answer was lost before a retry), or None. The status of a duplicate is undocumented (409 or 400)."""
    return client.get_user(name) if error.status in (400, 409) else None


def create(module, client):
    params = module.params
    missing = [option for option in ("password", "roles") if not params[option]]
    if missing:
        module.fail_json(msg="user %s does not exist; creating it needs %s." % (params["name"], " and ".join(missing)))
    roles = client.resolve_roles(params["roles"])
    after = {"name": params["name"], "description": params["description"] or "", "mfaEnabled": False, "roles": roles}
    if not module.check_mode:
        after = client.create_user(params["name"], params["password"], [role["id"] for role in roles],
                                   params["description"]) or after
    return result_with_diff(module._diff, True, {}, dict(after, password=MASK), user=after)


def update(module, client, user):
    params = module.params
    current_roles = role_items(user)
    wanted_roles = client.resolve_roles(params["roles"], known=current_roles) if params["roles"] else current_roles
    current_description = user.get("description") or ""
    description = current_description if params["description"] is None else params["description"]
    changes = changed_fields(
        {"description": current_description, "roleIds": role_ids(current_roles)},
        {"description": description, "roleIds": role_ids(wanted_roles)},
        unordered=("roleIds",),
    )
    always = params["update_password"] == "always"  # noqa: S105 - an option value, not a password
    new_password = always and not client.check_password(params["name"], params["password"])
    if new_password and not params["old_password"]:
        module.fail_json(msg="password does not work for user %s, and the appliance needs the current password to change it: "
                             "give old_password." % params["name"])
    after = dict(user, description=description, roles=wanted_roles) if changes else user
    if changes and not module.check_mode:
        after = client.modify_user(params["name"], description, [role["id"] for role in wanted_roles]) or after
    if new_password and not module.check_mode:
        client.change_password(params["name"], params["password"], params["old_password"])
    diff_after = dict(after, password=MASK) if new_password else after
    return result_with_diff(module._diff, bool(changes) or new_password, user, diff_after, user=after)


def remove(module, client, user):
    if user is None:
        return result_with_diff(module._diff, False, {}, {}, user={})
    if is_default_admin(user):
        module.fail_json(msg="user %s is the Default Administrator of the appliance, which cannot be removed; "
                             "remove another account or keep state=present for this one." % module.params["name"])
    if not module.check_mode:
        client.delete_user(module.params["name"])
    return result_with_diff(module._diff, True, user, {}, user={})


def main():
    module = new_module(VBGCClient, ARGUMENT_SPEC, required_if=[("update_password", "always", ["password"])],
                        required_by={"old_password": "password"})
    error = validate(module.params)
    if error:
        module.fail_json(msg=error)
    run(module, VBGCClient, lambda client: ensure(module, client))


if __name__ == "__main__":
    main()
