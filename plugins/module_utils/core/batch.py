# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The list half of the desired-state engine (core/engine.py runs it for every list module): every item checked before
the first write, then applied in order, one result per item; a failure names the item and keeps the items done before
it."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, VeeamError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result


class ItemFailed(VeeamError):
    """A list module's failed item: which one in the message, and the items done before it in the result."""

    def __init__(self, error, label, list_key, done):
        super().__init__("%s: %s (%d items before it were handled)" % (label, error, len(done)))
        self.error = error
        self.result = {list_key: done, "changed": any(item["changed"] for item in done)}

    def as_result(self):
        return dict(self.error.as_result(), **self.result)


def item_problems(items, label, problem, key, noun):
    """Every problem that needs no request, as 'label: problem' lines: problem(item) of each item, then repeats of key(item)."""
    problems = ["%s: %s" % (label(item), found) for item in items for found in [problem(item)] if found]
    seen = set()
    for item in items:
        if key(item) in seen:
            problems.append("%s: listed more than once; give each %s once." % (label(item), noun))
        seen.add(key(item))
    return problems


def input_refusal(items, list_key, label, problem, key, noun):
    """The message that refuses the option list_key before any request (None: every item can be used)."""
    problems = item_problems(items, label, problem, key, noun)
    return "%s is not valid, nothing was changed. %s" % (list_key, " ".join(problems)) if problems else None


def check_items(items, label, check):
    """A list module's check of every item against the server, before any write: check(item) returns what the item
    is about on the server (None: nothing) or raises InputError. Returns [(label, item, current)] and the problems."""
    pairs, problems = [], []
    for item in items:
        try:
            pairs.append((label(item), item, check(item)))
        except InputError as exc:
            problems.append("%s: %s" % (label(item), exc.message))
    return pairs, problems


def refuse(problems, what):
    """Raise one InputError for the problems found against the server before any write."""
    if problems:
        raise InputError("%s, nothing was changed. %s" % (what, " ".join(problems)))


def apply_checked(items, label, check, apply, list_key, value_key, diff_mode, where="the server"):
    """A list module's run: check(item) of every item against the server (check_items), one refusal naming every
    problem before any write, then apply(item, current) of each item in order (apply_items)."""
    pairs, problems = check_items(items, label, check)
    refuse(problems, "%s do not fit %s" % (list_key.replace("_", " "), where))
    return apply_items(pairs, apply, list_key, value_key, diff_mode)


def apply_items(pairs, apply, list_key, value_key, diff_mode):
    """The loop: apply(item, current) -> result for each checked (label, item, current) in order.

    Returns the module result: per item {item, action, changed, value_key}, and with --diff one diff per changed item.
    """
    results, diffs = [], []
    for label, item, current in pairs:
        try:
            result = apply(item, current)
        except VeeamError as exc:
            raise ItemFailed(exc, label, list_key, results) from None
        results.append({"item": label, "action": _action(item.get("state"), current, result["changed"]),
                        "changed": result["changed"], value_key: result[value_key]})
        if result["changed"] and "diff" in result:
            diffs.append(dict(result["diff"], before_header=label, after_header=label))
    return module_result(any(result["changed"] for result in results), diff_mode, diffs=diffs, **{list_key: results})


def _action(state, current, changed):
    if not changed:
        return "unchanged"
    if state == "absent":
        return "removed"
    return "updated" if current is not None else "created"
