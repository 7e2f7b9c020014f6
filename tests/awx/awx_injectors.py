# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check and render custom AWX credential types by AWX's own rules, so a test can run a job as AWX would.

The rules are those of AWX (github.com/ansible/awx, read at commit e21dd0a, October 2024), re-implemented here:
- awx/main/fields.py, CredentialTypeInjectorField: the injector schema (file labels `template` or
  `template.NAME`, env and extra_vars names), env names starting with ANSIBLE_ or in ENV_BLOCKLIST
  (awx/main/constants.py) refused, and every template rendered once with StrictUndefined against the
  defined fields and `tower.filename`, so a template naming an undefined field is refused at save time;
- awx/main/models/credential.py, CredentialType.inject_credential: the Jinja namespace holds the stored
  inputs (strings only when not empty), every boolean field the credential does not store is False,
  templates render in jinja2.sandbox.ImmutableSandboxedEnvironment; each `file` injector is written to
  a new file under PRIVATE_DATA_DIR/env with mode 0600 and its path is `tower.filename` (single file)
  or `tower.filename.NAME`; env injectors go into the job's environment, and a second rendering with
  every secret input replaced by '**********' is what AWX stores and shows as the job's environment;
  extra_vars injectors are written (mode 0400) to a file passed as `-e @FILE`.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile

import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment

HIDDEN = "**********"
ENV_BLOCKLIST = frozenset((
    "VIRTUAL_ENV", "PATH", "PYTHONPATH", "JOB_ID", "INVENTORY_ID", "INVENTORY_SOURCE_ID", "INVENTORY_UPDATE_ID",
    "AD_HOC_COMMAND_ID", "REST_API_URL", "REST_API_TOKEN", "MAX_EVENT_RES", "CALLBACK_QUEUE", "CALLBACK_CONNECTION",
    "CACHE", "JOB_CALLBACK_DEBUG", "INVENTORY_HOSTVARS", "AWX_HOST", "PROJECT_REVISION", "SUPERVISOR_CONFIG_PATH",
))
FILE_LABEL = re.compile(r"^template(\.[a-zA-Z_]+[a-zA-Z0-9_]*)?$")
ENV_NAME = re.compile(r"^[a-zA-Z_]+[a-zA-Z0-9_]*$")


class InvalidCredentialType(ValueError):
    pass


class _UnsafeLoader(yaml.SafeLoader):
    """Reads Ansible's !unsafe tag as the plain string Ansible hands to awx.awx.credential_type."""


_UnsafeLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load_credential_types(path):
    """{name: credential type} from playbooks/vars/awx_credential_types.yml."""
    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=_UnsafeLoader)  # noqa: S506 - SafeLoader plus one string tag
    return {item["name"]: item for item in data["veeam_credential_types"]}


class _Namespace:
    pass


def validate(credential_type):
    """Raise InvalidCredentialType where AWX would refuse to save the credential type."""
    fields = credential_type["inputs"]["fields"]
    names = [field["id"] for field in fields]
    missing = set(credential_type["inputs"].get("required", [])) - set(names)
    if missing:
        raise InvalidCredentialType("required names undefined fields: %s" % sorted(missing))
    injectors = credential_type.get("injectors", {})
    unknown = set(injectors) - {"file", "env", "extra_vars"}
    if unknown:
        raise InvalidCredentialType("unknown injector kinds: %s" % sorted(unknown))
    labels = list(injectors.get("file", {}))
    for label in labels:
        if not FILE_LABEL.match(label):
            raise InvalidCredentialType("file injector %s: name it template or template.NAME" % label)
    if "template" in labels and len(labels) > 1:
        raise InvalidCredentialType("use the multi-file syntax (template.NAME) for several files")
    for name in injectors.get("env", {}):
        if not ENV_NAME.match(name) or name.startswith("ANSIBLE_") or name in ENV_BLOCKLIST:
            raise InvalidCredentialType("AWX does not allow %s as an injected environment variable" % name)
    namespace = dict.fromkeys(names, "EXAMPLE")
    namespace["tower"] = _Namespace()
    namespace["tower"].filename = "EXAMPLE_FILENAME" if labels == ["template"] else _Namespace()
    for label in labels:
        if "." in label:
            setattr(namespace["tower"].filename, label.split(".", 1)[1], "EXAMPLE_FILENAME")
    environment = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    for template in _templates(injectors):
        environment.from_string(template).render(namespace)


def _templates(injectors):
    yield from injectors.get("file", {}).values()
    yield from injectors.get("env", {}).values()
    stack = [injectors.get("extra_vars", {})]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        else:
            yield node


def namespaces(credential_type, inputs):
    """(namespace, safe namespace) for the inputs a credential stores, as AWX builds them."""
    fields = {field["id"]: field for field in credential_type["inputs"]["fields"]}
    missing = [name for name in credential_type["inputs"].get("required", []) if inputs.get(name) in (None, "")]
    if missing:
        raise InvalidCredentialType("AWX refuses a credential without its required fields %s" % missing)
    namespace, safe = {}, {}
    for name, value in inputs.items():
        if name not in fields:
            raise InvalidCredentialType("%s is not a field of %s" % (name, credential_type["name"]))
        if isinstance(value, bool):
            namespace[name] = safe[name] = value
        elif value:
            namespace[name] = value
            safe[name] = HIDDEN if fields[name].get("secret") else value
    for name, field in fields.items():
        if field["type"] == "boolean" and name not in inputs:
            namespace[name] = safe[name] = False
    return namespace, safe


class Injection:
    """What one credential adds to a job: env, the env AWX stores (secrets hidden), extra args, files written."""

    def __init__(self):
        self.env, self.safe_env, self.args, self.files = {}, {}, [], []


def inject(credential_type, inputs, private_data_dir):
    """Render credential_type's injectors for a credential storing `inputs` into an Injection."""
    namespace, safe = namespaces(credential_type, inputs)
    tower = _Namespace()
    namespace["tower"] = safe["tower"] = tower
    environment = ImmutableSandboxedEnvironment()
    injectors = credential_type.get("injectors", {})
    injection = Injection()
    env_dir = os.path.join(private_data_dir, "env")
    os.makedirs(env_dir, exist_ok=True)
    for label, template in injectors.get("file", {}).items():
        path = _write(env_dir, environment.from_string(template).render(**namespace), stat.S_IRUSR | stat.S_IWUSR)
        injection.files.append(path)
        if "." not in label:
            tower.filename = path
        else:
            if not hasattr(tower, "filename"):
                tower.filename = _Namespace()
            setattr(tower.filename, label.split(".", 1)[1], path)
    for name, template in injectors.get("env", {}).items():
        injection.env[name] = environment.from_string(template).render(**namespace)
        injection.safe_env[name] = environment.from_string(template).render(**safe)
    extra_vars = _render_tree(environment, injectors.get("extra_vars", {}), namespace)
    if extra_vars:
        path = _write(env_dir, yaml.safe_dump(extra_vars), stat.S_IRUSR)
        injection.files.append(path)
        injection.args.extend(["-e", "@" + path])
    return injection


def _render_tree(environment, node, namespace):
    if isinstance(node, dict):
        return {_render_tree(environment, k, namespace): _render_tree(environment, v, namespace) for k, v in node.items()}
    if isinstance(node, list):
        return [_render_tree(environment, item, namespace) for item in node]
    return environment.from_string(node).render(**namespace)


def _write(directory, text, mode):
    fd, path = tempfile.mkstemp(dir=directory)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, mode)
    return path
