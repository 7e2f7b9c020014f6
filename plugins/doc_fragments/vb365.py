# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of the Veeam Backup for Microsoft 365 (VB365) REST API v8 modules."""

from __future__ import annotations


class ModuleDocFragment:
    # The options of this API only; every module adds veeam_community.backup.connection.vb365_options
    # (TLS, timeout, plain HTTP).
    DOCUMENTATION = r"""
options:
  server:
    description:
      - Host name or IP address of the Veeam Backup for Microsoft 365 server, or C(https://host[:port]).
      - A URL must not contain a path; the modules add C(/v8/...) themselves.
      - If not set, the value of the E(VEEAM_VB365_SERVER) environment variable is used.
      - Required, from the task, from C(module_defaults) for C(group/veeam_community.backup.vb365), or from
        E(VEEAM_VB365_SERVER); the module fails before any request when none of them sets it.
      - C(http://) is refused unless O(allow_plain_http=true).
    type: str
  port:
    description:
      - Port of the REST API service. Ignored when O(server) is a URL with a port.
      - If not set, the value of the E(VEEAM_VB365_PORT) environment variable is used.
    type: int
    default: 4443
  auth_username:
    description:
      - Account that logs in to the REST API (password grant), usually a Windows account such as C(CORP\backupadmin).
      - Required with O(auth_password) unless O(auth_token) is given.
      - If not set, the value of the E(VEEAM_VB365_USERNAME) environment variable is used.
    type: str
  auth_password:
    description:
      - Password of O(auth_username). Never logged.
      - If not set, the value of the E(VEEAM_VB365_PASSWORD) environment variable is used.
    type: str
  auth_token:
    description:
      - An access token from M(veeam_community.backup.veeam_m365_login), so that a play logs in once.
      - A token passed in is never revoked by the module. When it expires and O(auth_username) and
        O(auth_password) are also given, the module logs in again once.
      - If not set, the value of the E(VEEAM_VB365_TOKEN) environment variable is used.
    type: str
notes:
  - Talks to the VB365 REST API v8 (C(https://server:4443/v8/...)) with the C(requests) library on the host that runs the module,
    usually the controller (C(delegate_to=localhost) or C(connection=local)).
"""

    ACTIONGROUP = r"""
attributes:
  action_group:
    description: Use C(group/veeam_community.backup.vb365) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - veeam_community.backup.vb365
"""
