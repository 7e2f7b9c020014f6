# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The layers of docs/docsite/rst/dev_guide.rst, enforced: a file that imports across them fails this test."""

from __future__ import annotations

import ast
import re
import pathlib

import pytest

ROOT = pathlib.Path(__file__).parents[3]
PACKAGE = "ansible_collections.veeam_community.backup.plugins.module_utils"
MODULE_UTILS = ROOT / "plugins" / "module_utils"

# module_utils/core/ knows no Veeam product; module_utils/<product>/ holds one API's client and resources.
CORE = "core"
PRODUCTS = {"vb365", "vbgc", "vbazure"}
# Each file of core/ belongs to one layer (the table of the developer guide).
CORE_LAYERS = {
    "base": {"errors", "mask", "totp"},
    "http": {"http_client"},
    "state": {"compare", "result", "batch", "engine"},
    "client": {"api_client"},
    "resource": {"mfa_enrolment", "mfa_secrets"},
    "glue": {"connection", "runner"},
}
# In a product folder, client.py is the client layer and every other file the resource layer.
PRODUCT_CLIENT = "client"
# The layers each kind of file may import from.
MAY_IMPORT = {
    "base": {"base"},
    "http": {"base"},
    "state": {"base", "state"},
    "client": {"base", "http", "client"},
    "resource": {"base", "state", "client", "resource"},
    "glue": {"base", "http", "glue"},
    "module": {"base", "state", "client", "resource", "glue"},
    "action": {"base", "client", "resource"},
}
# Top-level packages only some layers may import: Ansible is for glue, modules and action plugins; requests for http.
RESTRICTED = {
    "ansible": {"glue", "module", "action"},
    "requests": {"http"},
    "urllib3": {"http"},
}
CORE_LAYER_OF = {name: layer for layer, names in CORE_LAYERS.items() for name in names}


def layer_of(folder, stem):
    """The layer of module_utils/<folder>/<stem>.py, or None when the table has no place for it."""
    if folder == CORE:
        return CORE_LAYER_OF.get(stem)
    if folder in PRODUCTS:
        return "client" if stem == PRODUCT_CLIENT else "resource"
    return None


def kind_of(path):
    """The layer of a plugin file (modules/, action/ and plugin_utils/ by directory) and its product folder."""
    if path.parent.name == "modules":
        return "module", None
    if path.parent.name in ("action", "plugin_utils"):
        return "action", None
    return layer_of(path.parent.name, path.stem), path.parent.name


def imported_names(source):
    """Every module name that source imports (absolute names; relative imports are named as such)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield base
            yield from ("%s.%s" % (base, alias.name) for alias in node.names)


def module_utils_problem(name, kind, folder, label):
    """What is wrong with importing module_utils file <name> (dotted, below PACKAGE) from a file of this kind."""
    parts = name[len(PACKAGE) + 1:].split(".")
    if len(parts) < 2:
        return None
    target, layer = "/".join(parts[:2]), layer_of(parts[0], parts[1])
    if layer is not None and layer not in MAY_IMPORT[kind]:
        return "%s (%s) imports %s (%s)" % (label, kind, target, layer)
    if parts[0] in PRODUCTS and folder is not None and folder != parts[0]:
        return "%s (%s) imports %s: core/ knows no product, and a product knows no other" % (label, kind, target)
    return None


def violations(path, source):
    """The imports of source (the file at path) that the layer rules forbid, as messages."""
    kind, folder = kind_of(path)
    label = "%s/%s" % (path.parent.name, path.name)
    if kind is None:
        return ["%s is in no layer: add it to the tables here and to the table of dev_guide.rst" % label]
    found = []
    for name in imported_names(source):
        if name.startswith("."):
            found.append("%s: relative import %s (import module_utils by their full name)" % (label, name))
        elif name.startswith(PACKAGE + "."):
            problem = module_utils_problem(name, kind, folder, label)
            if problem:
                found.append(problem)
        else:
            allowed = RESTRICTED.get(name.split(".")[0])
            if allowed is not None and kind not in allowed:
                found.append("%s (%s) imports %s" % (label, kind, name))
    return sorted(set(found))


def plugin_files():
    folders = [ROOT / "plugins" / name for name in ("modules", "action", "plugin_utils")]
    folders += [path for path in MODULE_UTILS.iterdir() if path.is_dir() and not path.name.startswith("__")]
    return sorted(path for folder in folders for path in folder.glob("*.py") if path.name != "__init__.py")


@pytest.mark.parametrize("path", plugin_files(), ids=lambda path: "%s/%s" % (path.parent.name, path.name))
def test_every_plugin_file_keeps_to_its_layer(path):
    assert violations(path, path.read_text(encoding="utf-8")) == []


def test_module_utils_has_only_the_core_and_product_folders():
    top = {path.name for path in MODULE_UTILS.iterdir() if path.name not in ("__init__.py", "__pycache__")}
    assert top == {CORE} | PRODUCTS


def test_every_core_file_is_in_the_table():
    on_disk = {path.stem for path in (MODULE_UTILS / CORE).glob("*.py") if path.name != "__init__.py"}
    assert on_disk == set(CORE_LAYER_OF)


def test_the_developer_guide_lists_every_module_utils_file():
    guide = (ROOT / "docs" / "docsite" / "rst" / "dev_guide.rst").read_text(encoding="utf-8")
    files = [path for path in plugin_files() if path.parent.parent == MODULE_UTILS]
    assert [folder for folder in sorted({path.parent.name for path in files}) if "%s/" % folder not in guide] == []
    assert ["%s/%s" % (path.parent.name, path.name) for path in files if path.name not in guide] == []


@pytest.mark.parametrize("path, source, expected", [
    (MODULE_UTILS / "vbgc" / "client.py", "from %s.core.runner import run\n" % PACKAGE,
     "vbgc/client.py (client) imports core/runner (glue)"),
    (MODULE_UTILS / "vb365" / "client.py", "from ansible.module_utils.basic import missing_required_lib\n",
     "vb365/client.py (client) imports ansible.module_utils.basic"),
    (MODULE_UTILS / "core" / "http_client.py", "import ansible.module_utils.basic\n",
     "core/http_client.py (http) imports ansible.module_utils.basic"),
    (MODULE_UTILS / "core" / "http_client.py", "from %s.core import connection\n" % PACKAGE,
     "core/http_client.py (http) imports core/connection (glue)"),
    (MODULE_UTILS / "core" / "engine.py", "from %s.vb365.client import VB365Client\n" % PACKAGE,
     "core/engine.py (state) imports vb365/client (client)"),
    (MODULE_UTILS / "core" / "mfa_enrolment.py", "from %s.vbgc.client import VBGCClient\n" % PACKAGE,
     "core/mfa_enrolment.py (resource) imports vbgc/client: core/ knows no product"),
    (MODULE_UTILS / "vbazure" / "user.py", "from %s.vbgc.user import USER\n" % PACKAGE,
     "vbazure/user.py (resource) imports vbgc/user: core/ knows no product, and a product knows no other"),
    (ROOT / "plugins" / "modules" / "veeam_new.py", "import requests\n", "modules/veeam_new.py (module) imports requests"),
    (ROOT / "plugins" / "modules" / "veeam_new.py", "from %s.core.http_client import HttpClient\n" % PACKAGE,
     "modules/veeam_new.py (module) imports core/http_client (http)"),
    (MODULE_UTILS / "vbgc" / "user.py", "from ..client import VBGCClient\n", "vbgc/user.py: relative import ..client"),
    (MODULE_UTILS / "core" / "newthing.py", "", "core/newthing.py is in no layer"),
    (MODULE_UTILS / "newapi" / "client.py", "", "newapi/client.py is in no layer"),
])
def test_a_wrong_import_is_caught(path, source, expected):
    assert any(message.startswith(expected) for message in violations(path, source)), violations(path, source)


def test_allowed_imports_pass():
    source = ("from %s.core.api_client import ApiClient\nfrom %s.core.http_client import quote_segment\nimport pyotp\n"
              % (PACKAGE, PACKAGE))
    assert violations(MODULE_UTILS / "vbgc" / "client.py", source) == []


# What names a product in core/: a product's name or abbreviation, or a module or group of one.
PRODUCT_WORDS = re.compile(r"\b(VB365|VBGC|VBAzure|M365|Microsoft 365|Google Cloud|Microsoft Azure|veeam_(?:m365|gcp|azure)_\w+)\b",
                           re.IGNORECASE)


def product_words(source):
    """The words of source (a core/ file) that name a Veeam product, with their line numbers."""
    return ["%d: %s" % (number, match.group(0)) for number, line in enumerate(source.splitlines(), 1)
            for match in PRODUCT_WORDS.finditer(line)]


@pytest.mark.parametrize("path", sorted((MODULE_UTILS / CORE).glob("*.py")), ids=lambda path: path.name)
def test_core_names_no_product(path):
    assert product_words(path.read_text(encoding="utf-8")) == []


def test_a_product_named_in_core_is_caught():
    assert product_words('"""Login of VBGC."""\nMODULE = "veeam_gcp_user"\n') == ["1: VBGC", "2: veeam_gcp_user"]
