# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Aggregate callback for bench/run.py: when each task started and ended, and how its items ended.

Writes one JSON document to the file named by BENCH_TIMER_OUT at the end of the playbook:
{"tasks": [{"name", "start", "end", "ok", "changed", "skipped", "failed"}]}. Prints nothing.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: task timings for the benchmark driver
description:
  - Records the start and end time of every task and the outcome of its items.
requirements:
  - BENCH_TIMER_OUT names the JSON file to write
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self.tasks = []
        self.current = None

    def _close(self):
        if self.current is not None:
            self.current["end"] = time.time()
            self.current = None

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close()
        self.current = {"name": task.get_name(), "start": time.time(), "end": None,
                        "ok": 0, "changed": 0, "skipped": 0, "failed": 0}
        self.tasks.append(self.current)

    def _count(self, result, key):
        if self.current is not None:
            self.current[key] += 1
            if key == "ok" and result._result.get("changed"):
                self.current["changed"] += 1

    def v2_runner_item_on_ok(self, result):
        self._count(result, "ok")

    def v2_runner_item_on_skipped(self, result):
        self._count(result, "skipped")

    def v2_runner_item_on_failed(self, result):
        self._count(result, "failed")

    def v2_runner_on_ok(self, result):
        if not result._result.get("results"):
            self._count(result, "ok")
        self._close()

    def v2_runner_on_skipped(self, result):
        if not result._result.get("results"):
            self._count(result, "skipped")
        self._close()

    def v2_runner_on_failed(self, result, ignore_errors=False):
        if not result._result.get("results"):
            self._count(result, "failed")
        self._close()

    def v2_playbook_on_stats(self, stats):
        self._close()
        path = os.environ.get("BENCH_TIMER_OUT")
        if path:
            with open(path, "w", encoding="utf-8") as out:
                json.dump({"tasks": self.tasks}, out)
