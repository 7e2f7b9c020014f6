# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes shared by the modules, on top of ansible.builtin.action_common_attributes (which describes them)."""

from __future__ import annotations


class ModuleDocFragment:
    # Every module: it talks HTTPS to the API, so it runs wherever Python and requests do.
    DOCUMENTATION = r"""
attributes:
  platform:
    platforms: all
"""

    # The modules that only read (the _info modules).
    INFO_MODULE = r"""
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs the same in check mode.
  diff_mode:
    support: N/A
    details: The module changes nothing, so there is no diff.
"""
