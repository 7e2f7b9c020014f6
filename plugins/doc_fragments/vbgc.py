# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Veeam Backup for Google Cloud (VBGC) REST API 1.4-rev0 modules' connection options have of their own (and
the options only it has); the options themselves are written once, in the connection fragment."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.doc_fragments.connection import ModuleDocFragment as Connection


class ModuleDocFragment:
    # Every module lists this one, then veeam_community.backup.vbgc.connection_options, then vbgc.actiongroup.
    DOCUMENTATION = r"""
options:
  port:
    default: 13140
  auth_mfa_secret:
    description:
      - Base32 TOTP seed of O(auth_username), for an automation account with multi-factor authentication.
      - Used only when the login answers that MFA is required (HTTP 202); the module then computes the current
        six-digit code (SHA1, 30 seconds) and completes the C(mfa) grant.
      - If not set, the value of the E(VEEAM_VBGC_MFA_SECRET) environment variable is used.
    type: str
  api_version:
    description:
      - REST API revision sent as the C(x-api-version) header on every request.
      - If not set, the value of the E(VEEAM_VBGC_API_VERSION) environment variable is used.
    type: str
    default: 1.4-rev0
notes:
  - Talks to the VBGC REST API (C(https://server:13140/api/v1/...)) with the C(requests) library on the host that runs the module,
    usually the controller (C(delegate_to=localhost) or C(connection=local)).
"""

    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/veeam_community.backup.vbgc) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - veeam_community.backup.vbgc
"""


ModuleDocFragment.CONNECTION_OPTIONS = Connection.for_api(
    env="VEEAM_VBGC", group="vbgc", server="the Veeam Backup for Google Cloud appliance",
    paths="C(/api/v1/...)", api="the appliance REST API", login="veeam_gcp_login",
    username="Appliance user that logs in (password grant). Managing users needs the Portal Administrator role.")
