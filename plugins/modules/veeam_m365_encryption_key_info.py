#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_encryption_key_info
short_description: List the object storage encryption passwords of Veeam Backup for Microsoft 365
version_added: 0.2.0
description:
  - Lists the encryption keys (C(/v8/EncryptionKeys)) with the names of the backup repositories that use each.
    The API never returns a password.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  description:
    description: Only the keys with exactly this description.
    type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.attributes.info_module
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
seealso:
  - module: veeam_community.backup.veeam_m365_encryption_key
"""

EXAMPLES = r"""
- name: All encryption keys and who uses them
  veeam_community.backup.veeam_m365_encryption_key_info:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
  register: vb365_keys
"""

RETURN = r"""
encryption_keys:
  description: The keys as the API returns them, each with C(used_by), the names of the repositories using it.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 5b1c2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
      description: m365 S3 repositories 2026
      organizationId: null
      used_by: [m365-s3]
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.encryption_key import read_keys


def main():
    module = new_module(VB365Client, {"description": {"type": "str"}})
    run(module, lambda client: read_keys(client, module.params))


if __name__ == "__main__":
    main()
