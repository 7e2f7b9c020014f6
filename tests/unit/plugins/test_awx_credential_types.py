# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The AWX credential types, rendered by AWX's rules: they fail safe and inject only what the modules read."""

from __future__ import annotations

import os
import stat

import pytest
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import ConnectionOptions
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure.client import VBAzureClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient
from ansible_collections.veeam_community.backup.tests.awx.awx_guide import blocks
from ansible_collections.veeam_community.backup.tests.awx.awx_injectors import (
    HIDDEN,
    InvalidCredentialType,
    inject,
    load_credential_types,
    validate,
)

ROOT = os.path.join(os.path.dirname(__file__), "..", "..", "..")
DATA = os.path.join(ROOT, "playbooks", "vars", "awx_credential_types.yml")
UI_PAGE = os.path.join(ROOT, "docs", "docsite", "rst", "awx_credential_types.rst")
VB365, VBGC, VAULT = "Veeam Backup for Microsoft 365", "Veeam Backup for Google Cloud", "Veeam MFA secrets in HashiCorp Vault"
VBAZURE = "Veeam Backup for Microsoft Azure"
CLIENTS = [(VB365, VB365Client, "VEEAM_VB365_"), (VBGC, VBGCClient, "VEEAM_VBGC_"), (VBAZURE, VBAzureClient, "VEEAM_VBAZURE_")]
REQUIRED_ONLY = {"server": "https://appliance.example.com", "username": "automation", "password": "Pa55-word-secret"}
CA_PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
UI_SLUGS = {VB365: "vb365", VBGC: "vbgc", VBAZURE: "vbazure", VAULT: "vault"}


def credential_types():
    return load_credential_types(DATA)


def fallback_env_names(client_class):
    return {option["fallback"][1][0] for option in ConnectionOptions(client_class).argument_spec().values() if "fallback" in option}


def test_awx_would_save_every_type():
    assert set(credential_types()) == {VB365, VBGC, VBAZURE, VAULT}
    for item in credential_types().values():
        validate(item)


def test_a_template_naming_an_undefined_field_is_refused_like_awx_does():
    broken = credential_types()[VBGC]
    broken["injectors"]["env"]["VEEAM_VBGC_TIMEOUT"] = "{{ timeout }}"
    with pytest.raises(Exception, match="timeout"):
        validate(broken)
    broken = credential_types()[VBGC]
    broken["injectors"]["env"]["ANSIBLE_CONFIG"] = "{{ server }}"
    with pytest.raises(InvalidCredentialType, match="ANSIBLE_CONFIG"):
        validate(broken)


@pytest.mark.parametrize("type_name, client_class, prefix", CLIENTS)
def test_injected_variables_are_module_fallbacks(type_name, client_class, prefix):
    injected = set(credential_types()[type_name]["injectors"]["env"])
    assert injected <= fallback_env_names(client_class)
    assert {prefix + name for name in ("SERVER", "USERNAME", "PASSWORD", "VALIDATE_CERTS", "CA_PATH")} <= injected


@pytest.mark.parametrize("type_name, client_class, prefix", CLIENTS)
def test_a_credential_with_only_its_required_fields_verifies_tls(tmp_path, type_name, client_class, prefix):
    env = inject(credential_types()[type_name], REQUIRED_ONLY, str(tmp_path)).env
    assert env[prefix + "VALIDATE_CERTS"] == "true"
    assert env[prefix + "CA_PATH"] == ""
    assert env[prefix + "SERVER"] == REQUIRED_ONLY["server"]


@pytest.mark.parametrize("type_name, client_class, prefix", CLIENTS)
@pytest.mark.parametrize("skip, expected", [(False, "true"), (True, "false")])
def test_only_an_explicit_skip_turns_verification_off(tmp_path, type_name, client_class, prefix, skip, expected):
    inputs = dict(REQUIRED_ONLY, insecure_skip_tls_verify=skip)
    assert inject(credential_types()[type_name], inputs, str(tmp_path)).env[prefix + "VALIDATE_CERTS"] == expected


@pytest.mark.parametrize("type_name, client_class, prefix", CLIENTS)
def test_the_ca_certificate_is_a_private_file(tmp_path, type_name, client_class, prefix):
    injection = inject(credential_types()[type_name], dict(REQUIRED_ONLY, ca_certificate=CA_PEM), str(tmp_path))
    path = injection.env[prefix + "CA_PATH"]
    assert path in injection.files and path.startswith(str(tmp_path / "env"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == CA_PEM


def test_vault_type_injects_what_community_hashi_vault_reads(tmp_path):
    vault = credential_types()[VAULT]
    inputs = {"url": "https://vault.example.com:8200", "token": "s.vault-token-secret"}
    env = inject(vault, inputs, str(tmp_path)).env
    assert env == {"VAULT_ADDR": inputs["url"], "VAULT_TOKEN": inputs["token"], "VAULT_CACERT": "", "VAULT_NAMESPACE": "",
                   "VEEAM_VAULT_ROLE_ID": "", "VEEAM_VAULT_SECRET_ID": ""}
    env = inject(vault, dict(inputs, ca_certificate=CA_PEM), str(tmp_path)).env
    assert os.path.isfile(env["VAULT_CACERT"])


def test_vault_type_takes_an_approle_and_a_namespace_instead_of_a_token(tmp_path):
    inputs = {"url": "https://vault.example.com:8200", "role_id": "role-id-1", "secret_id": "secret-id-1234",
              "vault_namespace": "team-a"}
    injection = inject(credential_types()[VAULT], inputs, str(tmp_path))
    assert injection.env == {"VAULT_ADDR": inputs["url"], "VAULT_TOKEN": "", "VAULT_CACERT": "", "VAULT_NAMESPACE": "team-a",
                             "VEEAM_VAULT_ROLE_ID": "role-id-1", "VEEAM_VAULT_SECRET_ID": "secret-id-1234"}
    assert injection.safe_env["VEEAM_VAULT_SECRET_ID"] == HIDDEN


@pytest.mark.parametrize("type_name", [VB365, VBGC, VBAZURE, VAULT])
def test_no_field_is_named_like_a_jinja_global(type_name):
    # AWX renders an empty field's name as the global of that name (namespace, range, dict, ...), not as "".
    fields = {field["id"] for field in credential_types()[type_name]["inputs"]["fields"]}
    assert not fields & set(ImmutableSandboxedEnvironment().globals)


@pytest.mark.parametrize("type_name", [VB365, VBGC, VBAZURE, VAULT])
def test_no_secret_reaches_extra_vars_or_the_stored_job_env(tmp_path, type_name):
    item = credential_types()[type_name]
    assert "extra_vars" not in item["injectors"]
    secrets = [field["id"] for field in item["inputs"]["fields"] if field.get("secret")]
    fields = {field["id"] for field in item["inputs"]["fields"]}
    inputs = {name: "value-of-%s-1234" % name for name in fields if name != "insecure_skip_tls_verify"}
    injection = inject(item, inputs, str(tmp_path))
    assert secrets and not injection.args
    for name in secrets:
        assert inputs[name] in injection.env.values()
        assert not any(inputs[name] in value for value in injection.safe_env.values())
    assert HIDDEN in injection.safe_env.values()


def test_required_fields_and_secret_marks():
    for item in credential_types().values():
        fields = {field["id"]: field for field in item["inputs"]["fields"]}
        assert all(field.get("secret") is True for name, field in fields.items() if name in ("password", "token", "mfa_secret", "secret_id"))
        assert all(fields[name]["type"] == "string" for name in item["inputs"]["required"])
        assert not any(field["type"] == "boolean" and field.get("default") is not False for field in fields.values())


@pytest.mark.parametrize("type_name", [VB365, VBGC, VBAZURE, VAULT])
def test_the_ui_page_gives_each_type_as_the_playbook_registers_it(type_name):
    """What an administrator pastes into Administration > Credential Types is what awx.awx.credential_type registers."""
    item, page = credential_types()[type_name], blocks(UI_PAGE)
    assert yaml.safe_load(page["credential-type-%s-inputs.yml" % UI_SLUGS[type_name]]) == item["inputs"]
    assert yaml.safe_load(page["credential-type-%s-injectors.yml" % UI_SLUGS[type_name]]) == item["injectors"]
    with open(UI_PAGE, encoding="utf-8") as handle:
        text = handle.read()
    assert "*Name*: ``%s``. *Description*:\n\n.. code-block:: text\n\n   %s\n" % (type_name, item["description"]) in text
    assert len(page) == 2 * len(UI_SLUGS)
