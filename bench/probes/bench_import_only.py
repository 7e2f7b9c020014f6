#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark probe, not part of the collection: everything veeam_gcp_user_info does except the HTTP request.

Imports the collection's module_utils (and with them requests), builds the module with the VBGC connection
options, and exits. The per-task cost of this probe minus that of ansible.builtin.ping is what the imports and
the argument spec add; the real module minus this probe is what the HTTP request adds.
"""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils._connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc import VBGCClient

DOCUMENTATION = r"""
module: bench_import_only
short_description: Benchmark probe, the imports and argument spec of a VBGC module without a request
description: [Benchmark probe for bench/run.py; not shipped.]
author: [Veeam community collection maintainers (@veeam-community)]
options:
  name:
    description: [Ignored.]
    type: str
"""


def main():
    module = new_module(VBGCClient, {"name": {"type": "str"}})
    module.exit_json(changed=False)


if __name__ == "__main__":
    main()
