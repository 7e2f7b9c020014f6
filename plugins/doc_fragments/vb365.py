# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the Veeam Backup for Microsoft 365 (VB365) REST API v8 modules' connection options have of their own; the
options themselves are written once, in the connection fragment."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.doc_fragments.connection import ModuleDocFragment as Connection


class ModuleDocFragment:
    # Every module lists this one, then veeam_community.backup.vb365.connection_options, then vb365.actiongroup.
    DOCUMENTATION = r"""
options:
  port:
    default: 4443
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


ModuleDocFragment.CONNECTION_OPTIONS = Connection.for_api(
    env="VEEAM_VB365", group="vb365", server="the Veeam Backup for Microsoft 365 server", paths="C(/v8/...)",
    api="the REST API service", login="veeam_m365_login",
    username=r"Account that logs in to the REST API (password grant), usually a Windows account such as C(CORP\backupadmin).")
