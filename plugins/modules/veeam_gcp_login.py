#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_gcp_login
short_description: Log in to Veeam Backup for Google Cloud once and return the token
version_added: 0.1.0
description:
  - Logs in to a Veeam Backup for Google Cloud (VBGC) appliance and returns the access token, so that later tasks pass it
    as O(veeam_community.backup.veeam_gcp_user#module:auth_token) and the play logs in only once.
  - Works for an automation account with multi-factor authentication through O(auth_mfa_secret).
  - With O(state=absent) it revokes the token given in O(auth_token) (C(DELETE /api/v1/token)), so a play can end its
    session instead of leaving the token valid until it expires (15 minutes on the appliance by default).
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vbgc
  - veeam_community.backup.vbgc.connection_options
  - veeam_community.backup.vbgc.actiongroup
  - veeam_community.backup.login
seealso:
  - module: veeam_community.backup.veeam_gcp_user
"""

EXAMPLES = r"""
- name: Manage users with one login
  module_defaults:
    group/veeam_community.backup.vbgc:
      server: vbgc.example.com
      ca_path: /etc/pki/vbgc-ca.pem
  block:
    - name: Log in as an automation account with MFA
      veeam_community.backup.veeam_gcp_login:
        auth_username: automation
        auth_password: "{{ vbgc_automation_password }}"
        auth_mfa_secret: "{{ vbgc_automation_mfa_secret }}"
      register: vbgc_login
      no_log: true

    - name: List the users with that token
      veeam_community.backup.veeam_gcp_user_info:
        auth_token: "{{ vbgc_login.access_token }}"
      register: vbgc_users

  always:
    - name: Revoke the token (also in check mode, where the login was real)
      veeam_community.backup.veeam_gcp_login:
        state: absent
        auth_token: "{{ vbgc_login.access_token }}"
      when: vbgc_login.access_token is defined
      check_mode: false
      no_log: true
"""

RETURN = r"""
access_token:
  description: Bearer token for O(veeam_community.backup.veeam_gcp_user#module:auth_token) in later tasks. Sensitive.
  returned: success and O(state=present)
  type: str
  sample: eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCJ9...
refresh_token:
  description: Refresh token of the session. Sensitive.
  returned: success, O(state=present) and O(return_refresh_token=true)
  type: str
  sample: eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCJ9...
expires_in:
  description: Lifetime of the access token in seconds, as the appliance reports it.
  returned: success and O(state=present)
  type: int
  sample: 900
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import login_module_main
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient


def main():
    login_module_main(VBGCClient, "veeam_gcp_login")


if __name__ == "__main__":
    main()
