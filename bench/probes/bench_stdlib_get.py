#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark probe, not part of the collection: veeam_gcp_user_info's one request with the standard library.

Reads one VBGC user with http.client and ssl (certificate checked against ca_path) instead of requests, with
the same connection options and environment fallbacks. Its per-task cost is what a module costs when its HTTP
layer does not import requests (see docs/docsite/rst/performance.rst, what limits the numbers).
"""

from __future__ import annotations

import http.client
import json
import ssl
from urllib.parse import quote, urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback

DOCUMENTATION = r"""
module: bench_stdlib_get
short_description: Benchmark probe, one VBGC user read with http.client
description: [Benchmark probe for bench/run.py; not shipped.]
author: [Veeam community collection maintainers (@veeam-community)]
options:
  name:
    description: [The user to read.]
    type: str
    required: true
"""


def env(name):
    return (env_fallback, ["VEEAM_VBGC_" + name])


def main():
    module = AnsibleModule(argument_spec={
        "name": {"type": "str", "required": True},
        "server": {"type": "str", "required": True, "fallback": env("SERVER")},
        "port": {"type": "int", "default": 13140, "fallback": env("PORT")},
        "auth_token": {"type": "str", "no_log": True, "required": True, "fallback": env("TOKEN")},
        "validate_certs": {"type": "bool", "default": True, "fallback": env("VALIDATE_CERTS")},
        "ca_path": {"type": "path", "fallback": env("CA_PATH")},
        "timeout": {"type": "int", "default": 30, "fallback": env("TIMEOUT")},
        "api_version": {"type": "str", "default": "1.4-rev0", "fallback": env("API_VERSION")},
    }, supports_check_mode=True)
    params = module.params
    parts = urlsplit(params["server"] if "://" in params["server"] else "https://" + params["server"])
    context = ssl.create_default_context(cafile=params["ca_path"])
    if not params["validate_certs"]:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    connection = http.client.HTTPSConnection(parts.hostname, parts.port or params["port"], timeout=params["timeout"], context=context)
    connection.request("GET", "/api/v1/users/" + quote(params["name"], safe=""), headers={
        "Authorization": "Bearer " + params["auth_token"], "x-api-version": params["api_version"], "Accept": "application/json"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    if response.status != 200:
        module.fail_json(msg="HTTP %d" % response.status)
    module.exit_json(changed=False, users=[json.loads(body)])


if __name__ == "__main__":
    main()
