# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Veeam Backup for Microsoft Azure (VBAzure) REST API v8.1 modules' connection options have of their own (and
the options only it has); the options themselves are written once, in the connection fragment."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.doc_fragments.connection import ModuleDocFragment as Connection


class ModuleDocFragment:
    # Every module lists this one, then veeam_community.backup.vbazure.connection_options, then vbazure.actiongroup.
    DOCUMENTATION = r"""
options:
  port:
    default: 443
  auth_mfa_secret:
    description:
      - Base32 TOTP seed of O(auth_username), for an automation account with multi-factor authentication.
      - Used only when the login answers with an C(mfa_token) instead of an access token; the module then computes the
        current six-digit code (SHA1, 30 seconds) and completes the C(Mfa) grant.
      - If not set, the value of the E(VEEAM_VBAZURE_MFA_SECRET) environment variable is used.
    type: str
notes:
  - Talks to the VBAzure REST API (C(https://server/api/v8.1/...)) with the C(requests) library on the host that runs the module,
    usually the controller (C(delegate_to=localhost) or C(connection=local)).
"""

    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/veeam_community.backup.vbazure) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - veeam_community.backup.vbazure
"""


ModuleDocFragment.CONNECTION_OPTIONS = Connection.for_api(
    env="VEEAM_VBAZURE", group="vbazure", server="the Veeam Backup for Microsoft Azure appliance",
    paths="C(/api/v8.1/...) and C(/api/oauth2/token)", api="the appliance REST API", login="veeam_azure_login",
    username="Appliance user that logs in (password grant). Managing users needs the C(PortalAdmin) role.")
