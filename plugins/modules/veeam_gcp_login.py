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
  - The token is not revoked when the module exits; it expires by itself (15 minutes on the appliance by default).
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vbgc
  - veeam_community.backup.vbgc.actiongroup
attributes:
  check_mode:
    details: Logs in as in a normal run (a login changes no object), so later tasks in check mode get a token.
    support: full
  diff_mode:
    details: Changes nothing, so there is no diff.
    support: N/A
notes:
  - Needs O(auth_username) and O(auth_password); O(auth_token) is not used.
  - Run the task with C(no_log=true), because its result holds the tokens.
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
"""

RETURN = r"""
access_token:
  description: Bearer token for O(veeam_community.backup.veeam_gcp_user#module:auth_token) in later tasks. Sensitive.
  returned: success
  type: str
  sample: eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCJ9...
refresh_token:
  description: Refresh token of the session. Sensitive.
  returned: success
  type: str
  sample: eyJhbGciOiJSUzUxMiIsInR5cCI6IkpXVCJ9...
expires_in:
  description: Lifetime of the access token in seconds, as the appliance reports it.
  returned: success
  type: int
  sample: 900
"""

from ansible_collections.veeam_community.backup.plugins.module_utils._module import new_module, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc import VBGCClient


def login(client):
    token = client.login()
    return {"changed": False, "access_token": token["access_token"], "refresh_token": token.get("refresh_token"),
            "expires_in": token.get("expires_in")}


def main():
    module = new_module(VBGCClient, {}, needs_auth=False, required_together=[("auth_username", "auth_password")])
    if not module.params["auth_username"]:
        module.fail_json(msg="veeam_gcp_login logs in with auth_username and auth_password: give both.")
    run(module, VBGCClient, login, keep_token=True)


if __name__ == "__main__":
    main()
