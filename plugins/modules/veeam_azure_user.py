#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_azure_user
short_description: Manage a user account of Veeam Backup for Microsoft Azure
version_added: 0.2.0
description:
  - Create, update or remove one user account of a Veeam Backup for Microsoft Azure (VBAzure) appliance through its
    REST API v8.1.
  - The description and the role are compared with the account on the appliance, so a second run reports no change.
  - Passwords cannot be read back. With O(update_password=always) the module first tries O(password) with a login as the user
    and changes the password only when that login fails.
  - Identity provider users (O(type=IdentityProvider)) sign in at their identity provider; the module manages their role
    and description, and refuses a password for them.
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
    details: Predicts the result without writing. With O(update_password=always) it still logs in as the user to test O(password).
    support: full
  diff_mode:
    details: Shows the account before and after; passwords are masked.
    support: full
options:
  name:
    description:
      - Name of the user account, the account's identity for this module (the appliance addresses it by an id, which
        the module looks up). Compared without case, as VBAzure does.
    type: str
    required: true
  description:
    description:
      - Description of the account. Required by the appliance to create it. Not managed when omitted.
    type: str
  role:
    description:
      - Role of the account. Required to create it. Not managed when omitted.
      - The default administrator keeps V(PortalAdmin).
    type: str
    choices: [PortalAdmin, PortalOperator, RestoreOperator, ReadOnlyUser, IntegrationOperator, VeeamUpdater]
  type:
    description:
      - V(Internal) for an account with a password on the appliance, V(IdentityProvider) for an account of the
        appliance's identity provider. Used to create the account (default V(Internal)); cannot be changed later.
    type: str
    choices: [Internal, IdentityProvider]
  identity_provider_entity_id:
    description:
      - Identity provider entity ID of a new O(type=IdentityProvider) account. Required to create one.
    type: str
  password:
    description:
      - Password of an V(Internal) account. Required to create it. Never logged.
      - Used for an existing account only with O(update_password=always). An input error for an identity provider user.
    type: str
  update_password:
    description:
      - V(on_create) sets O(password) only when the module creates the account.
      - V(always) makes O(password) the account's password. The module logs in as the user with O(password); when that works
        (also when the appliance asks for an MFA code) nothing changes, otherwise it changes the password, which VBAzure
        allows only with the administrator's own password (O(auth_password)), so a connection with O(auth_token) only
        fails with a message.
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description:
      - V(present) creates or updates the account, V(absent) removes it.
      - The appliance's default administrator cannot be removed; the module refuses before trying.
    type: str
    choices: [present, absent]
    default: present
notes:
  - If the account is created by someone else between the lookup and the create (the appliance then refuses the
    create), the module reads it again and continues with the existing account instead of failing.
seealso:
  - module: veeam_community.backup.veeam_azure_users
  - module: veeam_community.backup.veeam_azure_user_info
  - module: veeam_community.backup.veeam_azure_user_mfa
  - module: veeam_community.backup.veeam_azure_login
"""

EXAMPLES = r"""
- name: Create an operator (the password is set only when the account is created)
  veeam_community.backup.veeam_azure_user:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
    name: ops1
    description: Night shift operator
    role: PortalOperator
    password: "{{ ops1_password }}"

- name: Give an identity provider user a read-only role
  veeam_community.backup.veeam_azure_user:
    name: auditor@example.com
    type: IdentityProvider
    identity_provider_entity_id: "{{ auditor_entity_id }}"
    description: Auditor
    role: ReadOnlyUser

- name: Remove a user
  veeam_community.backup.veeam_azure_user:
    name: ops1
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
    id: 3fa85f64-5717-4562-b3fc-2c963f66afa6
    name: ops1
    description: Night shift operator
    role: PortalOperator
    type: Internal
    mfaEnabled: false
    isDefault: false
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import VBAzureClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.user import USER, USER_SPEC


def main():
    module = new_module(VBAzureClient, USER_SPEC, required_if=[("update_password", "always", ["password"])])
    check_input(module, USER.input_problem(module.params))
    run(module, lambda client: USER.ensure(client, module.params, module.check_mode, module._diff))


if __name__ == "__main__":
    main()
