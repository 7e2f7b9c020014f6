#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_login
short_description: Log in to Veeam Backup for Microsoft 365 once and get an access token for later tasks
version_added: 0.1.0
description:
  - Logs in to the Veeam Backup for Microsoft 365 REST API v8 with O(auth_username) and O(auth_password)
    (password grant) and returns the access token, so the following tasks can pass it as O(auth_token) instead
    of logging in and out each.
  - The token stays valid until it expires (after 60 minutes by default, see RV(expires_in)) or until a task with
    O(state=absent) revokes it (C(POST /v8/token/logout)); end a play with that task.
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
  - veeam_community.backup.login
seealso:
  - module: veeam_community.backup.veeam_m365_account
  - module: veeam_community.backup.veeam_m365_account_info
"""

EXAMPLES = r"""
- name: Manage VB365 cloud accounts with one login
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/veeam_community.backup.vb365:
      server: vb365.example.com
      ca_path: /etc/pki/vb365-ca.pem
      auth_token: "{{ vb365_login.access_token | default(omit) }}"
  tasks:
    - name: Log in
      veeam_community.backup.veeam_m365_login:
        auth_username: CORP\backupadmin
        auth_password: "{{ vb365_admin_password }}"
      register: vb365_login
      no_log: true

    - name: Every following task uses the token
      veeam_community.backup.veeam_m365_account:
        account_type: azure_blob
        user_name: contosobackup
        password: "{{ azure_shared_key }}"

    - name: Log out (revoke the token)
      veeam_community.backup.veeam_m365_login:
        state: absent
      no_log: true
"""

RETURN = r"""
access_token:
  description: Bearer token to pass as O(auth_token) to the other modules of the C(vb365) group. Secret.
  returned: success and O(state=present)
  type: str
  sample: eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...
refresh_token:
  description: Token to get a new access token from C(POST /v8/token) with C(grant_type=refresh_token). Secret.
  returned: success, O(state=present) and O(return_refresh_token=true)
  type: str
  sample: 8xLOxBtZp8...
expires_in:
  description: Seconds the access token stays valid, as the server reported it.
  returned: success and O(state=present)
  type: int
  sample: 3600
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import login_module_main
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client


def main():
    login_module_main(VB365Client, "veeam_m365_login")


if __name__ == "__main__":
    main()
