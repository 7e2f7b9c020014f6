# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list modules' loop and item checks (_batch.py), called directly."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.batch import ItemFailed, apply_checked, apply_items, item_problems, refuse
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, VeeamApiError


def apply_by_table(table):
    """An apply function that answers from table: name -> result, or an exception to raise."""
    def apply(item, current):
        outcome = table[item["name"]]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome
    return apply


def test_each_item_gets_its_action_and_the_diff_of_changed_items_carries_its_label():
    pairs = [("a", {"name": "a", "state": "present"}, None), ("b", {"name": "b", "state": "present"}, {"name": "b"}),
             ("c", {"name": "c", "state": "absent"}, {"name": "c"}), ("d", {"name": "d", "state": "absent"}, None)]
    diff = {"before": {}, "after": {"name": "a"}}
    table = {"a": {"changed": True, "user": {"name": "a"}, "diff": diff}, "b": {"changed": True, "user": {"name": "b"}},
             "c": {"changed": True, "user": {}}, "d": {"changed": False, "user": {}}}
    result = apply_items(pairs, apply_by_table(table), "users", "user", diff_mode=True)
    assert [(item["item"], item["action"]) for item in result["users"]] == [
        ("a", "created"), ("b", "updated"), ("c", "removed"), ("d", "unchanged")]
    assert result["changed"] is True
    assert result["diff"] == [dict(diff, before_header="a", after_header="a")]


def test_without_diff_mode_there_is_no_diff_and_nothing_changed_means_changed_false():
    pairs = [("a", {"name": "a", "state": "present"}, {"name": "a"})]
    result = apply_items(pairs, apply_by_table({"a": {"changed": False, "user": {"name": "a"}}}), "users", "user", False)
    assert result == {"changed": False, "users": [{"item": "a", "action": "unchanged", "changed": False, "user": {"name": "a"}}]}


def test_a_failed_item_is_named_and_keeps_the_items_done_before_it():
    pairs = [(name, {"name": name, "state": "present"}, None) for name in ("a", "b", "c")]
    table = {"a": {"changed": True, "user": {}}, "b": VeeamApiError("refused", status=500, method="POST", path="/u"),
             "c": {"changed": True, "user": {}}}
    with pytest.raises(ItemFailed) as failure:
        apply_items(pairs, apply_by_table(table), "users", "user", False)
    assert str(failure.value) == "b: POST /u: HTTP 500 refused (1 items before it were handled)"
    result = failure.value.as_result()
    assert result["changed"] is True and [item["item"] for item in result["users"]] == ["a"]
    assert result["status"] == 500


def test_item_problems_lists_each_items_own_problems_and_repeats():
    items = [{"name": "a"}, {"name": "B"}, {"name": "a"}]
    problems = item_problems(items, lambda item: item["name"], lambda item: "upper" if item["name"].isupper() else None,
                             lambda item: item["name"], "user")
    assert problems == ["B: upper", "a: listed more than once; give each user once."]


def test_refuse_raises_one_input_error_only_when_there_are_problems():
    refuse([], "users do not fit")
    with pytest.raises(InputError, match=r"^users do not fit, nothing was changed\. a: x b: y$"):
        refuse(["a: x", "b: y"], "users do not fit")


def test_apply_checked_refuses_every_problem_before_applying_any_item():
    applied = []

    def check(item):
        if item["name"].startswith("bad"):
            raise InputError("no such role")

    def apply(item, current):
        applied.append(item["name"])
        return {"changed": True, "encryption_key": {}}

    items = [{"name": name, "state": "present"} for name in ("a", "bad1", "b", "bad2")]
    with pytest.raises(InputError, match=r"^encryption keys do not fit the appliance, nothing was changed\. "
                                         r"bad1: no such role bad2: no such role$"):
        apply_checked(items, lambda item: item["name"], check, apply, "encryption_keys", "encryption_key", False,
                      "the appliance")
    assert applied == []
    result = apply_checked(items[:1], lambda item: item["name"], check, apply, "encryption_keys", "encryption_key", False)
    assert applied == ["a"] and result["encryption_keys"][0]["action"] == "created"
