#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_encryption_keys
short_description: Manage a list of object storage encryption passwords of Veeam Backup for Microsoft 365 in one task
version_added: 0.2.0
description:
  - Adds or removes many encryption passwords (C(/v8/EncryptionKeys)) in one task (one process, one HTTP session,
    one read of the key list). Each key is identified by its description, compared exactly.
  - Each item of O(encryption_keys) takes the options of M(veeam_community.backup.veeam_m365_encryption_key) and is
    handled by the same code, so the result for an item is what that module would report for it.
  - Every item is checked before the first write, first on its own, then against the server (a new key without a
    password, a description that two keys share, a key to remove that a repository uses). One problem fails the task
    and nothing is changed.
  - The API never returns a password and has no operation that changes one, so a key that exists is left as it is.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  encryption_keys:
    description:
      - The keys, handled in this order. A description may appear only once.
    type: list
    elements: dict
    required: true
    suboptions:
      description:
        description:
          - The description (the password hint in the console) that identifies the key, compared exactly.
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
          - V(on_create) is the only thing this API allows. O(encryption_keys[].password) is sent when the key is
            added, never after.
          - V(always) is refused before any request, because there is no way to change a stored password.
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
notes:
  - A run reads the key list once (one request), and the repository list once only when a key to remove exists (to
    name the repositories that use it). Then one request per write. With O(auth_username) it adds a login and a logout.
  - When a write fails, the task fails naming the item; the items before it have been applied (see RV(encryption_keys)
    of the failure) and the ones after it have not. Running the task again finishes the list.
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
    details: One diff per changed key (description, organizationId); a password that would be sent shows as C(********).
seealso:
  - module: veeam_community.backup.veeam_m365_encryption_key
  - module: veeam_community.backup.veeam_m365_encryption_key_info
  - module: veeam_community.backup.veeam_m365_repositories
"""

EXAMPLES = r"""
- name: The encryption passwords of the object storage repositories
  veeam_community.backup.veeam_m365_encryption_keys:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    encryption_keys:
      - description: m365 S3 repositories 2026
        password: "{{ vb365_encryption_password }}"
      - description: m365 S3 repositories 2024
        state: absent
"""

RETURN = r"""
encryption_keys:
  description:
    - One entry per item of O(encryption_keys), in the same order; on a failure, the items handled before it.
  returned: always
  type: list
  elements: dict
  contains:
    item:
      description: The description of the key.
      type: str
    action:
      description: What was done (in check mode, what would be done).
      type: str
      choices: [created, removed, unchanged]
    changed:
      description: Whether the item changed the server.
      type: bool
    encryption_key:
      description: The key as the API returns it (never the password); empty when removed or absent.
      type: dict
  sample:
    - item: m365 S3 repositories 2026
      action: created
      changed: true
      encryption_key:
        id: 5b1c2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
        description: m365 S3 repositories 2026
        organizationId: null
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.encryption_key import KEY, key_spec


def main():
    # The list itself is no secret (a key's description names it): its items' password is no_log.
    module = new_module(VB365Client, {"encryption_keys": {"type": "list", "elements": "dict", "required": True,
                                                          "no_log": False, "options": key_spec()}})
    check_input(module, KEY.refusal(module.params["encryption_keys"]))
    run(module, lambda client: KEY.ensure_all(client, module.params["encryption_keys"], module.check_mode,
                                              module._diff))


if __name__ == "__main__":
    main()
