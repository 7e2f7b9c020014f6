"""`make simulator` (tools/simulator_service.py): a background simulator whose env file works across restarts."""

import json
import os
import socket
import ssl
import stat
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

SERVICE = os.path.join(os.path.dirname(__file__), "..", "..", "tools", "simulator_service.py")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service(*args):
    return subprocess.run([sys.executable, SERVICE, *args], capture_output=True, text=True, check=False)


def sourced(env_file):
    """The variables a shell gets from `source env_file`."""
    dump = subprocess.run(["bash", "-c", f'source "{env_file}" && env -0'], env={}, capture_output=True, check=True)
    return dict(item.split("=", 1) for item in dump.stdout.decode().split("\0") if item)


def vb365_login(env):
    """A password-grant login to VB365 with the settings, the CA checked. -> HTTP status"""
    body = urllib.parse.urlencode({"grant_type": "password", "username": env["VEEAM_VB365_USERNAME"],
                                   "password": env["VEEAM_VB365_PASSWORD"]}).encode()
    context = ssl.create_default_context(cafile=env["VEEAM_VB365_CA_PATH"])
    with urllib.request.urlopen(env["VEEAM_VB365_SERVER"] + "/v8/token", body, context=context, timeout=10) as answer:  # noqa: S310
        assert "access_token" in json.load(answer)
        return answer.status


def control_list(env, kind):
    """The buckets or proxies the simulator holds (control API)."""
    context = ssl.create_default_context(cafile=env["VEEAM_VB365_CA_PATH"])
    with urllib.request.urlopen(f"{env['VEEAM_VB365_SERVER']}/_simulator/vb365/{kind}", context=context,  # noqa: S310
                                timeout=10) as answer:
        return json.load(answer)[kind]


@pytest.fixture
def simulator_dir(tmp_path):
    directory = str(tmp_path / "simulator")
    yield directory
    service("stop", directory)


def test_start_writes_settings_that_work_and_survive_a_restart(simulator_dir):
    ports = [str(free_port()), str(free_port()), str(free_port())]
    started = service("start", simulator_dir, "--vb365-port", ports[0], "--vbgc-port", ports[1],
                      "--vbazure-port", ports[2], "--tools", "/opt/demo tools/bin")
    assert started.returncode == 0, started.stderr
    env_file = os.path.join(simulator_dir, "env.sh")
    assert f"source {env_file}" in started.stdout
    assert stat.S_IMODE(os.stat(env_file).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(simulator_dir).st_mode) == 0o700
    env = sourced(env_file)
    assert env["VEEAM_VB365_SERVER"] == f"https://127.0.0.1:{ports[0]}"
    assert env["VEEAM_VBGC_SERVER"] == f"https://127.0.0.1:{ports[1]}"
    assert env["VEEAM_VBAZURE_SERVER"] == f"https://127.0.0.1:{ports[2]}"
    assert env["VEEAM_VBAZURE_CA_PATH"] == env["VEEAM_VB365_CA_PATH"]
    assert env["VEEAM_VBGC_CA_PATH"] == env["VEEAM_VB365_CA_PATH"]
    assert env["VEEAM_VBGC_PASSWORD"] == env["VEEAM_VB365_PASSWORD"]
    assert vb365_login(env) == 200
    assert env["VEEAM_VB365_PASSWORD"] not in started.stdout + started.stderr
    assert env["PATH"].endswith(":/opt/demo tools/bin")  # after the PATH the shell had: your own tools come first
    assert [bucket["name"] for bucket in control_list(env, "buckets")] == ["demo-backups"]
    assert [proxy["host_name"] for proxy in control_list(env, "proxies")] == ["vb365-proxy01.simulator.test"]
    assert "the S3 bucket demo-backups (eu-west-1) and the proxy vb365-proxy01.simulator.test" in started.stdout

    again = service("start", simulator_dir, "--vb365-port", ports[0], "--vbgc-port", ports[1],
                    "--vbazure-port", ports[2])
    assert "already running" in again.stdout

    stopped = service("stop", simulator_dir)
    assert "stopped" in stopped.stdout
    with pytest.raises(OSError):
        vb365_login(env)
    assert "not running" in service("stop", simulator_dir).stdout

    restarted = service("start", simulator_dir, "--vb365-port", ports[0], "--vbgc-port", ports[1],
                        "--vbazure-port", ports[2], "--tools", "/opt/demo tools/bin")
    assert restarted.returncode == 0, restarted.stderr
    assert sourced(env_file) == env  # same URLs, CA and password: a shell that sourced it before still works
    assert vb365_login(env) == 200
    assert len(control_list(env, "buckets")) == len(control_list(env, "proxies")) == 1  # kept, not added twice


def test_a_port_in_use_is_reported(simulator_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = service("start", simulator_dir, "--vb365-port", str(taken.getsockname()[1]),
                         "--vbgc-port", str(free_port()), "--vbazure-port", str(free_port()))
    assert result.returncode != 0
    assert "A port in use?" in result.stderr
    assert not os.path.exists(os.path.join(simulator_dir, "simulator.pid"))
