#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_gcp_user_info
short_description: List user accounts of Veeam Backup for Google Cloud
version_added: 0.1.0
description:
  - Returns one user account, or every user account of a Veeam Backup for Google Cloud (VBGC) appliance.
  - Follows every page of the user collection.
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.attributes.info_module
  - veeam_community.backup.vbgc
  - veeam_community.backup.vbgc.connection_options
  - veeam_community.backup.vbgc.actiongroup
options:
  name:
    description:
      - Name of one user account. Without it, all accounts are returned.
      - An account that does not exist gives an empty list.
    type: str
seealso:
  - module: veeam_community.backup.veeam_gcp_user
"""

EXAMPLES = r"""
- name: List every user account
  veeam_community.backup.veeam_gcp_user_info:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
  register: vbgc_users

- name: Show the accounts that have no MFA
  ansible.builtin.debug:
    msg: "{{ vbgc_users.users | rejectattr('mfaEnabled') | map(attribute='name') | list }}"

- name: Read one account
  veeam_community.backup.veeam_gcp_user_info:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: ops1
  register: vbgc_ops1
"""

RETURN = r"""
users:
  description: The user accounts as the appliance returns them, without passwords.
  returned: always
  type: list
  elements: dict
  sample:
    - name: admin
      description: Default Administrator
      mfaEnabled: false
      type: DefaultAdmin
      roles:
        - id: 7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c01
          name: Portal Administrator
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient


def gather(name, client):
    if name is None:
        return {"changed": False, "users": client.list_users()}
    user = client.get_user(name)
    return {"changed": False, "users": [user] if user is not None else []}


def main():
    module = new_module(VBGCClient, {"name": {"type": "str"}})
    run(module, lambda client: gather(module.params["name"], client))


if __name__ == "__main__":
    main()
