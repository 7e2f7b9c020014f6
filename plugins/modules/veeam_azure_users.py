#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_azure_users
short_description: Manage a list of user accounts of Veeam Backup for Microsoft Azure in one task
version_added: 0.2.0
description:
  - Create, update or remove many user accounts of a Veeam Backup for Microsoft Azure (VBAzure) appliance in one task
    (one process, one HTTP session, one read of the user list).
  - Each item of O(users) takes the options of M(veeam_community.backup.veeam_azure_user) and is handled by the same
    code, so the result for an item is what M(veeam_community.backup.veeam_azure_user) would report for it.
  - Every item is checked before the first write, first on its own, then against the appliance. One problem fails the
    task and nothing is changed.
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vbazure
  - veeam_community.backup.vbazure.connection_options
  - veeam_community.backup.vbazure.actiongroup
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
      - The accounts, handled in this order. A name may appear only once, in any case (VBAzure user names ignore
        case, so C(DupC) and C(dupc) are one user); a list that repeats one is refused before any request.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - Name of the user account.
        type: str
        required: true
      description:
        description:
          - Description of the account. Required to create it. Not managed when omitted.
        type: str
      role:
        description:
          - Role of the account. Required to create it. Not managed when omitted.
        type: str
        choices: [PortalAdmin, PortalOperator, RestoreOperator, ReadOnlyUser, IntegrationOperator, VeeamUpdater]
      type:
        description:
          - V(Internal) or V(IdentityProvider), used to create the account (default V(Internal)).
        type: str
        choices: [Internal, IdentityProvider]
      identity_provider_entity_id:
        description:
          - Identity provider entity ID of a new O(users[].type=IdentityProvider) account.
        type: str
      password:
        description:
          - Password of an V(Internal) account. Required to create it. Never logged.
          - Used for an existing account only with O(users[].update_password=always).
        type: str
      update_password:
        description:
          - V(on_create) sets O(users[].password) only when the account is created.
          - V(always) makes O(users[].password) the account's password (see M(veeam_community.backup.veeam_azure_user)).
        type: str
        choices: [on_create, always]
        default: on_create
      state:
        description:
          - V(present) creates or updates the account, V(absent) removes it.
        type: str
        choices: [present, absent]
        default: present
seealso:
  - module: veeam_community.backup.veeam_azure_user
  - module: veeam_community.backup.veeam_azure_user_info
"""

EXAMPLES = r"""
- name: Onboard the appliance's users in one task
  veeam_community.backup.veeam_azure_users:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
    users:
      - name: ops1
        description: Night shift operator
        role: PortalOperator
        password: "{{ ops1_password }}"
      - name: olduser
        state: absent
  register: vbazure_users
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
      description: The account as M(veeam_community.backup.veeam_azure_user) returns it; empty when removed or absent.
      type: dict
  sample:
    - item: ops1
      action: created
      changed: true
      user:
        name: ops1
        description: Night shift operator
        role: PortalOperator
        type: Internal
        mfaEnabled: false
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import VBAzureClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.user import USER, USER_SPEC

ARGUMENT_SPEC = {
    "users": {
        "type": "list", "elements": "dict", "required": True, "options": USER_SPEC,
        "required_if": [("update_password", "always", ["password"])],
    },
}


def main():
    module = new_module(VBAzureClient, ARGUMENT_SPEC)
    users = module.params["users"]
    check_input(module, USER.refusal(users))
    run(module, lambda client: USER.ensure_all(client, users, module.check_mode, module._diff))


if __name__ == "__main__":
    main()
