#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_gcp_roles_info
short_description: List the user roles of Veeam Backup for Google Cloud
version_added: 0.1.0
description:
  - Returns the user roles of a Veeam Backup for Google Cloud (VBGC) appliance, for example to look up role ids.
  - The built-in roles are C(Portal Administrator), C(Portal Operator) and C(Restore Operator).
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
      - Role names (case does not matter) or ids to return. Without it, all roles are returned.
      - A name that matches no role is left out with a warning that lists the valid roles.
    type: list
    elements: str
seealso:
  - module: veeam_community.backup.veeam_gcp_user
"""

EXAMPLES = r"""
- name: Look up the id of the Restore Operator role
  veeam_community.backup.veeam_gcp_roles_info:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name:
      - restore operator
  register: vbgc_roles

- name: Show the id
  ansible.builtin.debug:
    msg: "{{ vbgc_roles.roles[0].id }}"
"""

RETURN = r"""
roles:
  description: The roles as the appliance returns them, in its order.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c03
      name: Restore Operator
      description: Performs restores and views session statistics only.
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient, describe_roles, match_roles


def gather(module, client):
    roles = client.roles()
    if module.params["name"] is None:
        return {"changed": False, "roles": roles}
    matched, unmatched = match_roles(module.params["name"], roles)
    if unmatched:
        module.warn("no role matches %s. Valid roles: %s." % (", ".join(repr(name) for name in unmatched), describe_roles(roles)))
    return {"changed": False, "roles": [role for role in roles if role in matched]}


def main():
    module = new_module(VBGCClient, {"name": {"type": "list", "elements": "str"}})
    run(module, lambda client: gather(module, client))


if __name__ == "__main__":
    main()
