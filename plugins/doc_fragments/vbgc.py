# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the Veeam Backup for Google Cloud (VBGC) REST API 1.4-rev0 modules."""

from __future__ import annotations


class ModuleDocFragment:
    # The options of this API only; every module adds veeam_community.backup.connection.vbgc_options
    # (TLS, timeout, plain HTTP).
    DOCUMENTATION = r"""
options:
  server:
    description:
      - Host name or IP address of the Veeam Backup for Google Cloud appliance, or C(https://host[:port]).
      - A URL must not contain a path; the modules add C(/api/v1/...) themselves.
      - If not set, the value of the E(VEEAM_VBGC_SERVER) environment variable is used.
      - Required, from the task, from C(module_defaults) for C(group/veeam_community.backup.vbgc), or from
        E(VEEAM_VBGC_SERVER); the module fails before any request when none of them sets it.
      - C(http://) is refused unless O(allow_plain_http=true).
    type: str
  port:
    description:
      - Port of the appliance REST API. Ignored when O(server) is a URL with a port.
      - If not set, the value of the E(VEEAM_VBGC_PORT) environment variable is used.
    type: int
    default: 13140
  auth_username:
    description:
      - Appliance user that logs in (password grant). Managing users needs the Portal Administrator role.
      - Required with O(auth_password) unless O(auth_token) is given.
      - If not set, the value of the E(VEEAM_VBGC_USERNAME) environment variable is used.
    type: str
  auth_password:
    description:
      - Password of O(auth_username). Never logged.
      - If not set, the value of the E(VEEAM_VBGC_PASSWORD) environment variable is used.
    type: str
  auth_mfa_secret:
    description:
      - Base32 TOTP seed of O(auth_username), for an automation account with multi-factor authentication.
      - Used only when the login answers that MFA is required (HTTP 202); the module then computes the current
        six-digit code (SHA1, 30 seconds) and completes the C(mfa) grant.
      - If not set, the value of the E(VEEAM_VBGC_MFA_SECRET) environment variable is used.
    type: str
  auth_token:
    description:
      - An access token from M(veeam_community.backup.veeam_gcp_login), so that a play logs in once.
      - A token passed in is never revoked by the module. When it expires and O(auth_username) and
        O(auth_password) are also given, the module logs in again once.
      - If not set, the value of the E(VEEAM_VBGC_TOKEN) environment variable is used.
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
