# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired-versus-current comparison and diffs, the same way for every resource."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import redact

ALWAYS = "always"  # update_password=always
UPDATE_PASSWORD_OPTION = {"type": "str", "choices": ["on_create", ALWAYS], "default": "on_create", "no_log": False}
STATE_OPTION = {"type": "str", "choices": ["present", "absent"], "default": "present"}
# A refused create may mean the object exists already (engine.send_once() reads it again): the status of a
# duplicate is undocumented (a simulator answers 409, a real server may answer 400).
DUPLICATE_STATUSES = (400, 409)


def changed_fields(current, desired, unordered=()):
    """Return {key: (current value, desired value)} for every desired key that differs.

    A desired value of None means "not managed" and is skipped. Keys named in unordered hold
    lists compared as sets (e.g. role ids).
    """
    current = current or {}
    changes = {}
    for key, want in desired.items():
        if want is None:
            continue
        have = current.get(key)
        same = set(have or []) == set(want) if key in unordered else have == want
        if not same:
            changes[key] = (have, want)
    return changes


def make_diff(before, after):
    """The diff Ansible shows with --diff: before/after with every secret masked."""
    return {"before": redact(before or {}), "after": redact(after or {})}
