# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of veeam_azure_user_mfa: the same Vault destination as veeam_gcp_user_mfa (one implementation)."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.action.veeam_gcp_user_mfa import ActionModule as MfaActionModule


class ActionModule(MfaActionModule):
    """Runs veeam_azure_user_mfa; the steps (issue, write to Vault, accept) are the shared ones."""
