#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_azure_user_info
short_description: List user accounts of Veeam Backup for Microsoft Azure
version_added: 0.2.0
description:
  - Returns one user account, or every user account of a Veeam Backup for Microsoft Azure (VBAzure) appliance.
  - Follows every page of the user collection.
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.attributes.info_module
  - veeam_community.backup.vbazure
  - veeam_community.backup.vbazure.connection_options
  - veeam_community.backup.vbazure.actiongroup
options:
  name:
    description:
      - Name of one user account. Without it, all accounts are returned.
      - An account that does not exist gives an empty list.
    type: str
seealso:
  - module: veeam_community.backup.veeam_azure_user
"""

EXAMPLES = r"""
- name: List every user account
  veeam_community.backup.veeam_azure_user_info:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
  register: vbazure_users

- name: Show the accounts that have no MFA
  ansible.builtin.debug:
    msg: "{{ vbazure_users.users | rejectattr('mfaEnabled') | map(attribute='name') | list }}"

- name: Read one account
  veeam_community.backup.veeam_azure_user_info:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
    name: ops1
  register: vbazure_ops1
"""

RETURN = r"""
users:
  description: The user accounts as the appliance returns them, without passwords.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3fa85f64-5717-4562-b3fc-2c963f66afa6
      name: admin
      description: Default Administrator
      role: PortalAdmin
      type: Internal
      mfaEnabled: false
      isDefault: true
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import VBAzureClient


def gather(name, client):
    if name is None:
        return {"changed": False, "users": client.list_users()}
    user = client.get_user(name)
    return {"changed": False, "users": [user] if user is not None else []}


def main():
    module = new_module(VBAzureClient, {"name": {"type": "str"}})
    run(module, lambda client: gather(module.params["name"], client))


if __name__ == "__main__":
    main()
