# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one result builder of every module and of the list modules' loop: diff mode is applied here only."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.compare import make_diff


def module_result(changed, diff_mode, before=None, after=None, diffs=None, **values):
    """A module result: values and changed; with --diff, the diff of before/after (secrets masked), or diffs as given."""
    result = dict(values, changed=changed)
    if diff_mode:
        result["diff"] = make_diff(before, after) if diffs is None else diffs
    return result
