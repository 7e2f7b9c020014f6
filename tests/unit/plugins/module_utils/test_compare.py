# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compare helper and the one result builder, called directly."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.compare import changed_fields, make_diff
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result


def test_changed_fields_skips_unmanaged_and_compares_unordered_keys_as_sets():
    current = {"description": "old", "roleIds": ["a", "b"], "name": "ops1"}
    desired = {"description": "new", "roleIds": ["b", "a"], "name": None}
    assert changed_fields(current, desired, unordered=("roleIds",)) == {"description": ("old", "new")}
    assert changed_fields(None, {"roleIds": ["a"]}, unordered=("roleIds",)) == {"roleIds": (None, ["a"])}
    assert changed_fields(current, {"roleIds": ["b", "a"]}) == {"roleIds": (["a", "b"], ["b", "a"])}


def test_make_diff_masks_secrets_in_any_case_and_keeps_empty_values():
    diff = make_diff({"Password": "old-secret", "name": "a"}, {"secretKey": "s", "password": "", "nested": [{"token": "t"}]})
    assert diff == {"before": {"Password": MASK, "name": "a"}, "after": {"secretKey": MASK, "password": "", "nested": [{"token": MASK}]}}
    assert make_diff(None, None) == {"before": {}, "after": {}}


def test_module_result_adds_a_masked_diff_only_in_diff_mode():
    assert module_result(True, False, {}, {"password": "pw"}, user={"name": "u"}) == {"changed": True, "user": {"name": "u"}}
    result = module_result(True, True, {}, {"password": "pw"}, user={"name": "u"})
    assert result == {"changed": True, "user": {"name": "u"}, "diff": {"before": {}, "after": {"password": MASK}}}


def test_module_result_takes_a_list_of_diffs_as_given():
    diffs = [{"before": {}, "after": {"a": 1}, "before_header": "x", "after_header": "x"}]
    assert module_result(False, True, diffs=diffs, users=[])["diff"] is diffs
    assert "diff" not in module_result(False, False, diffs=diffs, users=[])
