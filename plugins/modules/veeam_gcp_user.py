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
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vbgc
  - veeam_community.backup.vbgc.connection_options
  - veeam_community.backup.vbgc.actiongroup
attributes:
  check_mode:
    details: Predicts the result without writing. With O(update_password=always) it still logs in as the user to test O(password).
    support: full
  diff_mode:
    details: Shows the account before and after; passwords are masked.
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
  - module: veeam_community.backup.veeam_gcp_users
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
  returned: success
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

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.user import USER, USER_SPEC


def main():
    module = new_module(VBGCClient, USER_SPEC, required_if=[("update_password", "always", ["password"])],
                        required_by={"old_password": "password"})
    check_input(module, USER.input_problem(module.params))
    run(module, lambda client: USER.ensure(client, module.params, module.check_mode, module._diff))


if __name__ == "__main__":
    main()
