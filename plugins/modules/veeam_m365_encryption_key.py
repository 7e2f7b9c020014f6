#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_encryption_key
short_description: Manage one object storage encryption password of Veeam Backup for Microsoft 365
version_added: 0.2.0
description:
  - Adds or removes one encryption password (C(/v8/EncryptionKeys)) that object storage backup repositories
    encrypt their data with. The key is identified by its O(description), compared exactly.
  - The API never returns a password and has no operation that changes one (no C(PUT)). So a key that exists is
    left as it is, whatever O(password) says, and the task reports no change.
  - The API lets several keys share a description, so after adding a key the module reads the keys of that
    description again. When parallel tasks each added one, the key with the lowest id stays and each task removes
    only the one it added (with a warning); the task whose key stays reports the change. This is best effort, as the
    API cannot add a key only if none exists. Where duplicates remain, the next run fails before any write and names
    exactly the ids to remove. An add whose answer is lost (HTTP 503, a dropped connection) is not repeated blindly;
    the module first reads whether the key exists.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  description:
    description:
      - The description (the password hint in the console) that identifies the key, compared exactly.
      - When two keys have this description, the task fails naming their ids and changes nothing.
    type: str
    required: true
  password:
    description:
      - The encryption password. Never logged, never shown in a diff. Required to add a key.
      - Keep it safe, as backups encrypted with it cannot be restored without it.
    type: str
  organization_id:
    description: Id (uuid) of the Microsoft 365 organization the key belongs to; sent when the key is added.
    type: str
  update_password:
    description:
      - V(on_create) is the only thing this API allows. O(password) is sent when the key is added, never after.
      - V(always) is refused before any request, because there is no way to change a stored password. To rotate,
        add a key with a new description, point repositories at it, and remove the old key.
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description:
      - V(present) adds the key when no key has this description; V(absent) removes it.
      - A key that a backup repository uses is not removed; the task fails naming those repositories.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
attributes:
  check_mode:
    support: full
    details: Sends only C(GET) requests; a key that would be added is returned with C(id=null).
  diff_mode:
    support: full
    details: Shows description and organizationId; a password that would be sent shows as C(********).
seealso:
  - module: veeam_community.backup.veeam_m365_encryption_key_info
  - module: veeam_community.backup.veeam_m365_repository
"""

EXAMPLES = r"""
- name: An encryption password for the S3 repositories
  veeam_community.backup.veeam_m365_encryption_key:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    description: m365 S3 repositories 2026
    password: "{{ vb365_encryption_password }}"

- name: Remove a key no repository uses any more
  veeam_community.backup.veeam_m365_encryption_key:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    description: m365 S3 repositories 2024
    state: absent
"""

RETURN = r"""
encryption_key:
  description: The key as the API returns it (never the password). Empty when O(state=absent).
  returned: always
  type: dict
  sample:
    id: 5b1c2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
    description: m365 S3 repositories 2026
    organizationId: null
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.encryption_key import KEY, key_spec


def main():
    module = new_module(VB365Client, key_spec())
    check_input(module, KEY.input_problem(module.params))
    run(module, lambda client: KEY.ensure(client, module.params, module.check_mode, module._diff))


if __name__ == "__main__":
    main()
