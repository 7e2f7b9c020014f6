# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() in-process the way Ansible would, and return its JSON result."""

from __future__ import annotations

import contextlib
import io
import json

from ansible.module_utils.common import warnings as ansible_warnings
from ansible.module_utils.testing import patch_module_args


def run_module(module, args, check_mode=False, diff=False, no_log=False):
    """Call module.main() with args; return the result dict (result["failed"] is True on fail_json).
    no_log is the task's no_log, as Ansible hands it to the module.

    Ansible keeps warnings in a module-global registry that exit_json does not empty (a real module
    is one process per task), so it is cleared first: each result holds only its own warnings.
    """
    ansible_warnings._global_warnings.clear()
    args = dict(args)
    args["_ansible_check_mode"] = check_mode
    args["_ansible_diff"] = diff
    args["_ansible_no_log"] = no_log
    output = io.StringIO()
    with patch_module_args(args), contextlib.redirect_stdout(output), contextlib.suppress(SystemExit):
        module.main()
    return json.loads(output.getvalue())
