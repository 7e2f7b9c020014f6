# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential types inject exactly the environment variables the modules fall back to."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.veeam_community.backup.plugins.module_utils.vb365 import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc import VBGCClient

DATA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "playbooks", "vars", "awx_credential_types.yml")


class _UnsafeLoader(yaml.SafeLoader):
    """Reads the !unsafe tag the way Ansible would hand the string to AWX."""


_UnsafeLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def credential_types():
    with open(DATA, encoding="utf-8") as handle:
        return {item["name"]: item for item in yaml.load(handle, Loader=_UnsafeLoader)["veeam_credential_types"]}  # noqa: S506


def fallback_env_names(client_class):
    return {option["fallback"][1][0] for option in client_class.connection_spec().values() if "fallback" in option}


@pytest.mark.parametrize("type_name, client_class", [
    ("Veeam Backup for Microsoft 365", VB365Client),
    ("Veeam Backup for Google Cloud", VBGCClient),
])
def test_injected_variables_are_module_fallbacks(type_name, client_class):
    injected = set(credential_types()[type_name]["injectors"]["env"])
    assert injected <= fallback_env_names(client_class)
    prefix = "VEEAM_VB365_" if client_class is VB365Client else "VEEAM_VBGC_"
    assert {prefix + "SERVER", prefix + "USERNAME", prefix + "PASSWORD", prefix + "CA_PATH"} <= injected


def test_every_injector_field_is_an_input_and_secrets_are_marked():
    for item in credential_types().values():
        fields = {field["id"]: field for field in item["inputs"]["fields"]}
        for template in item["injectors"]["env"].values():
            names = [name for name in fields if "{{ %s" % name in template or "if %s" % name in template]
            assert names, template
        assert fields["password"].get("secret") is True
        assert set(item["inputs"]["required"]) <= set(fields)
