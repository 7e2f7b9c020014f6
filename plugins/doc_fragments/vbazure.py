# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the Veeam Backup for Microsoft Azure (VBAzure) REST API v8.1 modules."""

from __future__ import annotations


class ModuleDocFragment:
    # The options of this API only; every module adds veeam_community.backup.connection.vbazure_options
    # (TLS, timeout, plain HTTP).
    DOCUMENTATION = r"""
options:
  server:
    description:
      - Host name or IP address of the Veeam Backup for Microsoft Azure appliance, or C(https://host[:port]).
      - A URL must not contain a path; the modules add C(/api/v8.1/...) and C(/api/oauth2/token) themselves.
      - If not set, the value of the E(VEEAM_VBAZURE_SERVER) environment variable is used.
      - Required, from the task, from C(module_defaults) for C(group/veeam_community.backup.vbazure), or from
        E(VEEAM_VBAZURE_SERVER); the module fails before any request when none of them sets it.
      - C(http://) is refused unless O(allow_plain_http=true).
    type: str
  port:
    description:
      - Port of the appliance REST API. Ignored when O(server) is a URL with a port.
      - If not set, the value of the E(VEEAM_VBAZURE_PORT) environment variable is used.
    type: int
    default: 443
  auth_username:
    description:
      - Appliance user that logs in (password grant). Managing users needs the C(PortalAdmin) role.
      - Required with O(auth_password) unless O(auth_token) is given.
      - If not set, the value of the E(VEEAM_VBAZURE_USERNAME) environment variable is used.
    type: str
  auth_password:
    description:
      - Password of O(auth_username). Never logged.
      - If not set, the value of the E(VEEAM_VBAZURE_PASSWORD) environment variable is used.
    type: str
  auth_mfa_secret:
    description:
      - Base32 TOTP seed of O(auth_username), for an automation account with multi-factor authentication.
      - Used only when the login answers with an C(mfa_token) instead of an access token; the module then computes the
        current six-digit code (SHA1, 30 seconds) and completes the C(Mfa) grant.
      - If not set, the value of the E(VEEAM_VBAZURE_MFA_SECRET) environment variable is used.
    type: str
  auth_token:
    description:
      - An access token from M(veeam_community.backup.veeam_azure_login), so that a play logs in once.
      - A token passed in is never revoked by the module. When it expires and O(auth_username) and
        O(auth_password) are also given, the module logs in again once.
      - If not set, the value of the E(VEEAM_VBAZURE_TOKEN) environment variable is used.
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
