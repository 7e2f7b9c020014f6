#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_gcp_users
short_description: Manage a list of user accounts of Veeam Backup for Google Cloud in one task
version_added: 0.2.0
description:
  - Create, update or remove many user accounts of a Veeam Backup for Google Cloud (VBGC) appliance in one task
    (one process, one HTTP session, one read of the user list, at most one read of the roles).
  - Each item of O(users) takes the options of M(veeam_community.backup.veeam_gcp_user) and is handled by the same code,
    so the result for an item is what M(veeam_community.backup.veeam_gcp_user) would report for it.
  - Every item is checked before the first write, first on its own, then against the appliance (unknown roles, new users
    without a password or roles, removing the Default Administrator). One problem fails the task and nothing is changed.
  - Use M(veeam_community.backup.veeam_gcp_user) for one user; use this module (or the
    R(gcp_users role,ansible_collections.veeam_community.backup.gcp_users_role)) for a list, where a loop over
    M(veeam_community.backup.veeam_gcp_user) would start one module process per item.
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vbgc
  - veeam_community.backup.vbgc.connection_options
  - veeam_community.backup.vbgc.actiongroup
attributes:
  check_mode:
    details: Predicts the result of every item without writing. Items with O(users[].update_password=always) still log in as the user.
    support: full
  diff_mode:
    details: Shows each changed account before and after, one diff per item; passwords are masked.
    support: full
options:
  users:
    description:
      - The accounts, handled in this order. A name may appear only once.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Name of the user account, 1 to 32 characters of lowercase letters C(a-z), digits, C(_) and C(-).
        type: str
        required: true
      description:
        description:
          - Description of the account. Not managed when omitted.
        type: str
      roles:
        description:
          - Roles of the account, as role names (case does not matter) or role ids, compared as a set.
          - Not managed when omitted; required to create an account.
        type: list
        elements: str
      password:
        description:
          - Password of the account. Required to create it. Never logged.
          - Used for an existing account only with O(users[].update_password=always).
        type: str
      old_password:
        description:
          - Current password of the account, needed to change it when O(users[].password) does not already work. Never logged.
        type: str
      update_password:
        description:
          - V(on_create) sets O(users[].password) only when the account is created.
          - V(always) makes O(users[].password) the account's password (see M(veeam_community.backup.veeam_gcp_user)).
        type: str
        choices: [on_create, always]
        default: on_create
      state:
        description:
          - V(present) creates or updates the account, V(absent) removes it.
        type: str
        choices: [present, absent]
        default: present
notes:
  - A run makes one request per 100 users on the appliance to read them, one to read the roles when an item names a role
    that its account does not have yet, and one per write. With O(auth_username) it adds a login and a logout. A loop of
    M(veeam_community.backup.veeam_gcp_user) makes at least one request and starts one process per item.
  - When a write fails, the task fails naming the item; the items before it have been applied (see RV(users) of the
    failure) and the ones after it have not. Running the task again finishes the list.
seealso:
  - module: veeam_community.backup.veeam_gcp_user
  - module: veeam_community.backup.veeam_gcp_user_info
  - module: veeam_community.backup.veeam_gcp_roles_info
"""

EXAMPLES = r"""
- name: Onboard the operators in one task
  veeam_community.backup.veeam_gcp_users:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    users:
      - name: ops1
        description: Night shift operator
        roles: [Portal Operator]
        password: "{{ ops1_password }}"
      - name: restore1
        roles: [Restore Operator, Portal Operator]
        password: "{{ restore1_password }}"
      - name: olduser
        state: absent
  register: vbgc_users

- name: Show what happened to each account
  ansible.builtin.debug:
    msg: "{{ vbgc_users.users | items2dict(key_name='item', value_name='action') }}"
"""

RETURN = r"""
users:
  description:
    - One entry per item of O(users), in the same order; on a failure, the items handled before it.
  returned: always
  type: list
  elements: dict
  contains:
    item:
      description: The account's name.
      type: str
    action:
      description: What was done (in check mode, what would be done).
      type: str
      choices: [created, updated, removed, unchanged]
    changed:
      description: Whether the item changed the appliance.
      type: bool
    user:
      description: The account as M(veeam_community.backup.veeam_gcp_user) returns it; empty when removed or absent.
      type: dict
  sample:
    - item: ops1
      action: created
      changed: true
      user:
        name: ops1
        description: Night shift operator
        mfaEnabled: false
        roles:
          - id: 7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c02
            name: Portal Operator
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.user import USER, USER_SPEC

ARGUMENT_SPEC = {
    "users": {
        "type": "list", "elements": "dict", "required": True, "options": USER_SPEC,
        "required_if": [("update_password", "always", ["password"])],
        "required_by": {"old_password": "password"},
    },
}


def main():
    module = new_module(VBGCClient, ARGUMENT_SPEC)
    users = module.params["users"]
    check_input(module, USER.refusal(users))
    run(module, lambda client: USER.ensure_all(client, users, module.check_mode, module._diff))


if __name__ == "__main__":
    main()
