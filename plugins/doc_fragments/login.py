# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of the login modules (veeam_m365_login, veeam_gcp_login, veeam_azure_login): one implementation
(core/runner.login_module_main), so one text."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  state:
    description:
      - V(present) logs in and returns a new access token; O(auth_token) is not used, so it can stay in C(module_defaults).
      - V(absent) revokes O(auth_token). A token the server refuses already (HTTP 401, because it expired or was
        revoked) counts as revoked, and the result is C(changed=false).
    type: str
    choices: [present, absent]
    default: present
  return_refresh_token:
    description:
      - Also return the refresh token of the session (RV(refresh_token)). No module of this collection uses it, and it
        outlives the access token, so it is left out unless asked for.
    type: bool
    default: false
attributes:
  check_mode:
    details:
      - With O(state=present) it logs in as in a normal run (a login changes no managed object) and reports
        C(changed=false), so later tasks in check mode get a token.
      - With O(state=absent) it revokes nothing; one read with the token predicts whether a real run would revoke it.
    support: full
  diff_mode:
    details: Changes no managed object, so there is no diff.
    support: N/A
notes:
  - O(state=present) needs O(auth_username) and O(auth_password); O(auth_token) is not used.
  - O(state=absent) needs only O(auth_token); O(auth_username) and O(auth_password) are not used.
  - The returned tokens are secrets. With O(state=present) the task must have C(no_log=true). Without it the module
    fails before any request (in check mode too), so that a forgotten C(no_log) never shows the token. The registered
    variable still holds the token. This breaks playbooks that ran the login without C(no_log); add it to the task.
  - With C(ANSIBLE_NO_TARGET_SYSLOG) set, Ansible tells every module that its task has C(no_log), so this check cannot
    stop a task without it.
"""
