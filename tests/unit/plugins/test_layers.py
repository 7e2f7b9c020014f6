# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The layers of docs/docsite/rst/dev_guide.rst, enforced: a file that imports across them fails this test."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).parents[3]
PACKAGE = "ansible_collections.veeam_community.backup.plugins.module_utils"

# Each module_utils file belongs to one layer (the table of the developer guide).
LAYERS = {
    "base": {"_mask", "_errors", "_totp"},
    "http": {"_http"},
    "results": {"_compare", "_result", "_batch", "_resource"},
    "client": {"_api_client", "vb365", "vbgc", "vbazure"},
    "resource": {"vb365_account", "vb365_object_storage", "vb365_encryption_key", "vb365_repository", "vb365_lookups",
                 "vbgc_user", "vbazure_user", "mfa_enrolment", "_mfa_secrets"},
    "glue": {"_connection", "_runner"},
}
# The layers each kind of file may import from.
MAY_IMPORT = {
    "base": {"base"},
    "http": {"base"},
    "results": {"base", "results"},
    "client": {"base", "http", "client"},
    "resource": {"base", "results", "client", "resource"},
    "glue": {"base", "http", "glue"},
    "module": {"base", "results", "client", "resource", "glue"},
    "action": {"base", "client", "resource"},
}
# Top-level packages only some layers may import: Ansible is for glue, modules and action plugins; requests for _http.
RESTRICTED = {
    "ansible": {"glue", "module", "action"},
    "requests": {"http"},
    "urllib3": {"http"},
}
LAYER_OF = {name: layer for layer, names in LAYERS.items() for name in names}


def kind_of(path):
    """The layer of a plugin file, from its place: modules/ and action/ by directory, module_utils/ by the table."""
    if path.parent.name == "modules":
        return "module"
    if path.parent.name == "action":
        return "action"
    return LAYER_OF.get(path.stem)


def imported_names(source):
    """Every module name that source imports (absolute names; relative imports are named as such)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            yield base
            yield from ("%s.%s" % (base, alias.name) for alias in node.names)


def violations(path, source):
    """The imports of source (the file at path) that the layer rules forbid, as messages."""
    kind = kind_of(path)
    if kind is None:
        return ["%s is in no layer: add it to LAYERS here and to the table of dev_guide.rst" % path.name]
    found = []
    for name in imported_names(source):
        if name.startswith("."):
            found.append("%s: relative import %s (import module_utils by their full name)" % (path.name, name))
        elif name.startswith(PACKAGE + "."):
            target = name[len(PACKAGE) + 1:].split(".")[0]
            layer = LAYER_OF.get(target)
            if layer is not None and layer not in MAY_IMPORT[kind]:
                found.append("%s (%s) imports %s (%s)" % (path.name, kind, target, layer))
        else:
            allowed = RESTRICTED.get(name.split(".")[0])
            if allowed is not None and kind not in allowed:
                found.append("%s (%s) imports %s" % (path.name, kind, name))
    return sorted(set(found))


def plugin_files():
    return sorted(path for folder in ("module_utils", "modules", "action") for path in (ROOT / "plugins" / folder).glob("*.py")
                  if path.name != "__init__.py")


@pytest.mark.parametrize("path", plugin_files(), ids=lambda path: "%s/%s" % (path.parent.name, path.name))
def test_every_plugin_file_keeps_to_its_layer(path):
    assert violations(path, path.read_text(encoding="utf-8")) == []


def test_every_module_utils_file_is_in_the_table():
    on_disk = {path.stem for path in (ROOT / "plugins" / "module_utils").glob("*.py") if path.name != "__init__.py"}
    assert on_disk == set(LAYER_OF)


def test_the_developer_guide_lists_every_module_utils_file():
    guide = (ROOT / "docs" / "docsite" / "rst" / "dev_guide.rst").read_text(encoding="utf-8")
    assert [name for name in sorted(LAYER_OF) if "%s.py" % name not in guide] == []


MODULE_UTILS = ROOT / "plugins" / "module_utils"


@pytest.mark.parametrize("path, source, expected", [
    (MODULE_UTILS / "vbgc.py", "from %s._runner import run\n" % PACKAGE, "vbgc.py (client) imports _runner (glue)"),
    (MODULE_UTILS / "vb365.py", "from ansible.module_utils.basic import missing_required_lib\n",
     "vb365.py (client) imports ansible.module_utils.basic"),
    (MODULE_UTILS / "_http.py", "import ansible.module_utils.basic\n", "_http.py (http) imports ansible.module_utils.basic"),
    (MODULE_UTILS / "_http.py", "from %s import _connection\n" % PACKAGE, "_http.py (http) imports _connection (glue)"),
    (ROOT / "plugins" / "modules" / "veeam_new.py", "import requests\n", "veeam_new.py (module) imports requests"),
    (ROOT / "plugins" / "modules" / "veeam_new.py", "from %s._http import HttpClient\n" % PACKAGE,
     "veeam_new.py (module) imports _http (http)"),
    (MODULE_UTILS / "vbgc_user.py", "from ..module_utils import vbgc\n", "vbgc_user.py: relative import ..module_utils"),
    (MODULE_UTILS / "newapi.py", "", "newapi.py is in no layer"),
])
def test_a_wrong_import_is_caught(path, source, expected):
    assert any(message.startswith(expected) for message in violations(path, source)), violations(path, source)


def test_allowed_imports_pass():
    source = "from %s._api_client import ApiClient\nfrom %s._http import quote_segment\nimport pyotp\n" % (PACKAGE, PACKAGE)
    assert violations(MODULE_UTILS / "vbgc.py", source) == []
