# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pages users read, as ansible-doc renders them (fragments merged): each module and role page names only its own
API's environment variables and modules, its defaults agree with the code, and no markup escape shows."""

from __future__ import annotations

import json
import pathlib
import re

import pytest
import yaml
from ansible.cli.doc import DocCLI
from ansible.plugins.loader import fragment_loader
from ansible.utils.plugin_docs import get_docstring

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import ConnectionOptions, connection_spec
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import VBAzureClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient

ROOT = pathlib.Path(__file__).parents[3]
COLLECTION = "veeam_community.backup"
# Module name prefix -> the API client of its product.
CLIENT_OF_PREFIX = {"veeam_m365_": VB365Client, "veeam_gcp_": VBGCClient, "veeam_azure_": VBAzureClient}
CLIENT_OF_GROUP = {ConnectionOptions(client).action_group: client for client in CLIENT_OF_PREFIX.values()}
MODULES = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("veeam_*.py"))
ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "meta" / "argument_specs.yml").exists())


def client_of_module(name):
    return next(client for prefix, client in CLIENT_OF_PREFIX.items() if name.startswith(prefix))


def prefix_of_module(name):
    return next(prefix for prefix in CLIENT_OF_PREFIX if name.startswith(prefix))


def module_doc(name):
    """DOCUMENTATION of a module with its fragments merged, as ansible-doc and the docsite get it."""
    path = ROOT / "plugins" / "modules" / ("%s.py" % name)
    return get_docstring(str(path.resolve()), fragment_loader, is_module=True, collection_name=COLLECTION)[0]


def role_page(role):
    """A role's rendered texts: its argument specs and its README."""
    spec = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())
    return spec["argument_specs"]["main"], (ROOT / "roles" / role / "README.md").read_text()


def client_of_role(role):
    """The API a role talks to: the action group its tasks set module_defaults for."""
    tasks = (ROOT / "roles" / role / "tasks" / "main.yml").read_text()
    return CLIENT_OF_GROUP[re.search(r"group/veeam_community\.backup\.(\w+):", tasks).group(1)]


def texts(node):
    """Every string in a documentation tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from texts(value)


def foreign_env_variables(text, client):
    """The environment variables of another API's connection options that text names (VEEAM_VAULT_* belong to none)."""
    others = tuple(ConnectionOptions(other).env_prefix + "_" for other in CLIENT_OF_PREFIX.values() if other is not client)
    return sorted({name for name in re.findall(r"VEEAM_[A-Z0-9_]+", text) if name.startswith(others)})


@pytest.mark.parametrize("name", MODULES)
def test_module_page_names_only_its_own_api_environment_variables(name):
    doc = module_doc(name)
    assert foreign_env_variables(json.dumps(doc), client_of_module(name)) == []


@pytest.mark.parametrize("name", MODULES)
def test_module_page_documents_the_environment_variable_of_each_connection_option(name):
    client, options = client_of_module(name), module_doc(name)["options"]
    for option, spec in connection_spec(client).items():
        description = " ".join(options[option]["description"])
        assert "E(%s)" % spec["fallback"][1][0] in description, option
        assert options[option].get("default") == spec.get("default"), option


@pytest.mark.parametrize("name", MODULES)
def test_module_page_links_only_modules_of_its_own_api(name):
    doc = module_doc(name)
    linked = set(re.findall(r"M\(%s\.(\w+)\)" % re.escape(COLLECTION), " ".join(texts(doc))))
    linked |= {entry["module"].rsplit(".", 1)[1] for entry in doc.get("seealso", []) if "module" in entry}
    assert sorted(module for module in linked if not module.startswith(prefix_of_module(name))) == []


@pytest.mark.parametrize("name", MODULES)
def test_module_page_renders_no_markup_escape(name):
    rendered = [DocCLI.tty_ify(text) for text in texts(module_doc(name))]
    assert [text for text in rendered if "\\\\" in text] == []


@pytest.mark.parametrize("role", ROLES)
def test_role_page_names_only_its_own_api_and_its_port_default(role):
    spec, readme = role_page(role)
    client = client_of_role(role)
    assert foreign_env_variables(json.dumps(spec) + readme, client) == []
    port = spec["options"].get("%s_port" % role)
    if port is not None:
        assert "else C(%d)." % client.default_port in " ".join(port["description"])
        assert "`%s_PORT`, else %d |" % (ConnectionOptions(client).env_prefix, client.default_port) in readme


def test_galaxy_description_names_every_api_and_the_repositories():
    description = yaml.safe_load((ROOT / "galaxy.yml").read_text())["description"]
    for words in ("Microsoft 365", "Google Cloud", "Microsoft Azure", "repositories"):
        assert words in description
    assert len(description) <= 255  # Galaxy's limit
