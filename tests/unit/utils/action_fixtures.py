# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the action plugin tests: import a plugin without turning the test process into the controller, and
run a plugin's module calls in-process (the modules against a scripted server, other modules from a script)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from ansible.module_utils import _internal

from ansible_collections.veeam_community.backup.tests.unit.utils.module_runner import run_module

COLLECTION = "veeam_community.backup"


def load_action_plugin(name, package="action"):
    """An action plugin (or, with package="plugin_utils", controller code the plugins share). Importing controller code
    marks the process as the controller, after which modules run in-process (the other unit tests) send their warnings
    to the display instead of their result: keep the process a module's."""
    was_controller = _internal.is_controller
    try:
        return importlib.import_module("ansible_collections.veeam_community.backup.plugins.%s.%s" % (package, name))
    finally:
        _internal.is_controller = was_controller


class InProcessModules:
    """Stands in for ActionBase._execute_module, the step that ships a module to the host: a module of this collection
    runs in-process (for real, against whatever server its arguments name), any other answers from `answers`
    (name -> callable(args, check_mode) -> result). Each call is kept in `calls` as (module name, check mode, args)."""

    def __init__(self, action, **answers):
        self.action = action
        self.answers = answers
        self.calls = []

    def __call__(self, module_name=None, module_args=None, task_vars=None, wrap_async=False, **_ignored):
        name = module_name or self.action._task.action  # what ActionBase does with module_name=None
        args = dict(self.action._task.args if module_args is None else module_args)
        check_mode = bool(self.action._task.check_mode)
        self.calls.append((name, check_mode, args))
        if name in self.answers:
            return self.answers[name](args, check_mode)
        namespace, collection, short_name = name.split(".")
        module = importlib.import_module("ansible_collections.%s.%s.plugins.modules.%s"
                                         % (namespace, collection, short_name))
        return run_module(module, args, check_mode=check_mode, no_log=bool(self.action._task.no_log))


def action_for(plugin, module, args, check_mode=False, no_log=False, **answers):
    """An instance of the plugin's ActionModule for a task that runs `module` of this collection with args; its module
    runs go to an InProcessModules, returned as the instance's `modules`."""
    task = SimpleNamespace(action="%s.%s" % (COLLECTION, module), args=dict(args), check_mode=check_mode, async_val=0,
                           no_log=no_log)
    connection = SimpleNamespace(_shell=SimpleNamespace(tmpdir=None))
    action = plugin.ActionModule(task, connection, play_context=None, loader=None, templar=None)
    action.modules = InProcessModules(action, **answers)
    action._execute_module = action.modules
    return action
