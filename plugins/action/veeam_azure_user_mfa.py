# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of veeam_azure_user_mfa: the steps of secret_destination=vault are the shared ones (plugin_utils)."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.plugin_utils.mfa_action import UserMfaAction


class ActionModule(UserMfaAction):
    vault_path_example = "veeam/vbazure/NAME"
