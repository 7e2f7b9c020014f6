#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_repository_info
short_description: List the backup repositories of Veeam Backup for Microsoft 365
version_added: 0.2.0
description:
  - Lists the backup repositories (C(/v8/BackupRepositories)), page by page, or the one of a given name.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  name:
    description: Only the repository of this name (case-insensitive, as names are unique on the server).
    type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.attributes.info_module
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
seealso:
  - module: veeam_community.backup.veeam_m365_repository
"""

EXAMPLES = r"""
- name: All repositories
  veeam_community.backup.veeam_m365_repository_info:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
  register: vb365_repositories
"""

RETURN = r"""
repositories:
  description: The repositories as the API returns them.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f
      name: m365-s3
      retentionType: SnapshotBased
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.repository import read_repositories


def main():
    module = new_module(VB365Client, {"name": {"type": "str"}})
    run(module, lambda client: read_repositories(client, module.params))


if __name__ == "__main__":
    main()
