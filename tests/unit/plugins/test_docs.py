# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pages users read, as ansible-doc renders them (fragments merged): each module and role page names only its own
API's environment variables and modules, its defaults agree with the code, and no markup escape shows."""

from __future__ import annotations

import ast
import json
import pathlib
import re

import pytest
import yaml
from ansible.cli.doc import DocCLI
from ansible.plugins.loader import fragment_loader
from ansible.utils.plugin_docs import get_docstring

from ansible_collections.veeam_community.backup.plugins.doc_fragments.connection import ModuleDocFragment as Connection
from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import ConnectionOptions
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import VBAzureClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient

ROOT = pathlib.Path(__file__).parents[3]
COLLECTION = "veeam_community.backup"
# Module name prefix -> the API client of its product.
CLIENT_OF_PREFIX = {"veeam_m365_": VB365Client, "veeam_gcp_": VBGCClient, "veeam_azure_": VBAzureClient}
CLIENT_OF_GROUP = {ConnectionOptions(client).action_group: client for client in CLIENT_OF_PREFIX.values()}
# Twin modules of the two appliances: the second's docs are the first's with the product words replaced.
TWINS = [("veeam_gcp_%s" % twin, "veeam_azure_%s" % twin) for twin in ("user", "users", "user_info", "user_mfa", "login")]
# The parts of a twin's DOCUMENTATION (and "examples") that state its own appliance's facts: the user options differ
# (VBAzure has one role and identity provider users), the login's description names its token path and lifetime.
OWN_PARTS = {"veeam_gcp_user": {"options", "description", "notes", "seealso", "examples"},
             "veeam_gcp_users": {"options", "description", "notes", "seealso", "examples"},
             "veeam_gcp_login": {"description"}}
AZURE_WORDS = [("gcp", "azure"), ("vbgc", "vbazure"), ("VBGC", "VBAzure"), ("Google Cloud", "Microsoft Azure")]
MODULES = sorted(path.stem for path in (ROOT / "plugins" / "modules").glob("veeam_*.py"))
ROLES = sorted(path.name for path in (ROOT / "roles").iterdir() if (path / "meta" / "argument_specs.yml").exists())


def client_of_module(name):
    return next(client for prefix, client in CLIENT_OF_PREFIX.items() if name.startswith(prefix))


def prefix_of_module(name):
    return next(prefix for prefix in CLIENT_OF_PREFIX if name.startswith(prefix))


def module_docs(name):
    """DOCUMENTATION (fragments merged), EXAMPLES and RETURN of a module, as ansible-doc and the docsite get them."""
    path = ROOT / "plugins" / "modules" / ("%s.py" % name)
    doc, examples, returns, _metadata = get_docstring(str(path.resolve()), fragment_loader, is_module=True,
                                                      collection_name=COLLECTION)
    return doc, examples, returns


def module_doc(name):
    return module_docs(name)[0]


def module_source(name):
    """The doc strings of a module as its file holds them (fragments not merged)."""
    tree = ast.parse((ROOT / "plugins" / "modules" / ("%s.py" % name)).read_text())
    return {node.targets[0].id: node.value.value for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)}


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
    for option, spec in ConnectionOptions(client).argument_spec().items():
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


@pytest.mark.parametrize("name", MODULES)
def test_module_takes_the_connection_options_from_its_own_api_fragments(name):
    fragments = yaml.safe_load(module_source(name)["DOCUMENTATION"])["extends_documentation_fragment"]
    api = "%s.%s" % (COLLECTION, ConnectionOptions(client_of_module(name)).action_group)
    assert [fragment for fragment in fragments if fragment == api or fragment.startswith(api + ".")] == [
        api, api + ".connection_options", api + ".actiongroup"]


@pytest.mark.parametrize("api", sorted(CLIENT_OF_GROUP))
def test_api_fragment_holds_only_what_differs_from_the_connection_options(api):
    shared = yaml.safe_load(Connection.TEMPLATE)["options"]
    own = yaml.safe_load(fragment_loader.get("%s.%s" % (COLLECTION, api)).DOCUMENTATION)["options"]
    assert {option: sorted(own[option]) for option in own if option in shared} == {"port": ["default"]}
    assert own["port"]["default"] == CLIENT_OF_GROUP[api].default_port


def without_samples(node):
    """RETURN without its samples, which are each appliance's own data."""
    if isinstance(node, dict):
        return {key: without_samples(value) for key, value in node.items() if key != "sample"}
    return node


def in_azure_words(node):
    text = json.dumps(node)
    for gcp, azure in AZURE_WORDS:
        text = text.replace(gcp, azure)
    return json.loads(text)


@pytest.mark.parametrize("gcp, azure", TWINS)
def test_twin_modules_return_the_same_after_the_product_words(gcp, azure):
    assert in_azure_words(without_samples(module_docs(gcp)[2])) == without_samples(module_docs(azure)[2])


@pytest.mark.parametrize("gcp, azure", [twin for twin in TWINS if "examples" not in OWN_PARTS.get(twin[0], ())])
def test_twin_modules_have_the_same_examples_after_the_product_words(gcp, azure):
    assert in_azure_words(module_docs(gcp)[1]) == module_docs(azure)[1]


@pytest.mark.parametrize("gcp, azure", TWINS)
def test_twin_modules_say_the_same_after_the_product_words(gcp, azure):
    """Their own DOCUMENTATION (fragments not merged), apart from when each came and its appliance's own facts."""
    def shared(name, words):
        doc = words(yaml.safe_load(module_source(name)["DOCUMENTATION"]))
        return {key: value for key, value in doc.items() if key not in OWN_PARTS.get(gcp, set()) | {"version_added"}}
    assert shared(gcp, in_azure_words) == shared(azure, lambda doc: doc)


def test_vb365_login_returns_what_the_appliance_logins_return():
    """Its descriptions name the VB365 token endpoints, so only the shape is shared."""
    def shape(name):
        return {key: dict(value, description=None, sample=None) for key, value in module_docs(name)[2].items()}
    assert shape("veeam_m365_login") == shape("veeam_gcp_login")


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
