"""The command line: ready line, TLS options, --state persistence, options, signals, and the harness."""

import json
import os
import signal
import stat
import subprocess
import sys

import pytest
import requests
import trustme
from conftest import http_session, running_simulator, start_simulator, stop_simulator
from test_vb365_accounts import create


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "veeam_simulator", *args], capture_output=True, text=True,
                          timeout=30, check=False, env=env)


def test_ready_line_and_generated_password(sim):
    assert set(sim.ready) == {"vb365_url", "vbgc_url", "vbazure_url", "ca_path", "username", "password"}
    assert sim.ready["vb365_url"].startswith("https://127.0.0.1:")
    assert sim.ready["vbgc_url"].startswith("https://127.0.0.1:")
    assert len({sim.ready["vb365_url"], sim.ready["vbgc_url"], sim.ready["vbazure_url"]}) == 3
    assert os.path.isfile(sim.ready["ca_path"])
    assert sim.username == "admin"
    assert len(sim.password) >= 16
    assert not sim.password.isalnum()


def test_the_ca_is_needed_to_connect(sim):
    bare = requests.Session()
    bare.trust_env = False
    with pytest.raises(requests.exceptions.SSLError):
        bare.get(sim.ready["vb365_url"] + "/_simulator/health", verify=True)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_certificate_names(sim, host):
    url = sim.ready["vbgc_url"].replace("127.0.0.1", host) + "/_simulator/health"
    assert sim.http.get(url).status_code == 200


def test_no_tls():
    with running_simulator("--no-tls", "--password", "plain-pass") as plain:
        assert plain.ready["ca_path"] is None
        assert plain.ready["vb365_url"].startswith("http://")
        assert plain.ready["vbgc_url"].startswith("http://")
        assert plain.vbgc_login() and plain.vb365_login()


def test_cert_and_key(tmp_path):
    authority = trustme.CA()
    leaf = authority.issue_cert("127.0.0.1", "localhost")
    cert, key = tmp_path / "server.pem", tmp_path / "server.key"
    leaf.cert_chain_pems[0].write_to_path(str(cert))
    leaf.private_key_pem.write_to_path(str(key))
    with running_simulator("--cert", str(cert), "--key", str(key)) as given:
        assert given.ready["ca_path"] == str(cert)
        session = http_session(None)
        authority_file = tmp_path / "ca.pem"
        authority.cert_pem.write_to_path(str(authority_file))
        response = session.get(given.ready["vb365_url"] + "/_simulator/health", verify=str(authority_file))
        assert response.status_code == 200


def test_state_persists_across_restarts(tmp_path):
    state_file = str(tmp_path / "state.db")
    with running_simulator("--state", state_file) as first:
        password = first.password
        token = first.vb365_login()
        account = create(first, token, password="kept-secret").json()
        first.vb365("PUT", f"/v8/Accounts/{account['id']}", token, json={"description": "after put"})
        first.seed(vbgc_users=[{"name": "ops1", "password": "pw-ops1", "roles": ["Portal Operator"]}])
        admin_token = first.vbgc_login()
        first.vbgc("POST", "/api/v1/users/ops1/mfaEnable", admin_token, json={"recreate": False})
        first.control("PUT", f"/vb365/accounts/{account['id']}/in_use", json={"in_use": True})
    assert stat.S_IMODE(os.stat(state_file).st_mode) == 0o600
    with running_simulator("--state", state_file) as second:
        assert second.password == password  # remembered without --password
        token = second.vb365_login()
        assert second.vb365("GET", f"/v8/Accounts/{account['id']}", token).json()["description"] == "after put"
        assert second.control("GET", f"/vb365/accounts/{account['id']}/secret").json()["password"] == "kept-secret"
        assert second.vb365("DELETE", f"/v8/Accounts/{account['id']}", token).status_code == 409
        assert second.control("GET", "/vbgc/users/ops1").json()["pending_mfa"] is not None
        assert second.vbgc_login("ops1", "pw-ops1")
    with running_simulator("--state", state_file, "--password", "new-admin-pass", "--username", "root") as third:
        assert third.vbgc_login("root", "new-admin-pass")
        users = third.vbgc("GET", "/api/v1/users", third.vbgc_login("root", "new-admin-pass")).json()["data"]
        assert [(user["name"], user["type"]) for user in users] == [("root", "DefaultAdmin"), ("ops1", "Regular")]
        assert third.control("POST", "/reset").status_code == 204
    with running_simulator("--state", state_file, "--password", "new-admin-pass", "--username", "root") as fourth:
        assert fourth.vb365("GET", "/v8/Accounts", fourth.vb365_login()).json() == []


def test_bad_state_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "broken.db"
    broken.write_text("not sqlite at all, definitely not")
    result = run_cli("--vb365-port", "0", "--vbgc-port", "0", "--state", str(broken))
    assert result.returncode == 2
    assert "cannot load state" in result.stderr


def test_options_set_the_initial_settings():
    args = ("--vb365-token-lifetime", "60", "--vbgc-token-lifetime", "30", "--lowercase-rule", "none",
            "--password-min-length", "12", "--username", "boss", "--password", "boss-password")
    with running_simulator(*args) as configured:
        assert configured.username == "boss"
        config = configured.control("GET", "/config").json()
        assert (config["vb365_token_lifetime"], config["vbgc_token_lifetime"]) == (60, 30)
        assert (config["lowercase_rule"], config["password_min_length"]) == ([], 12)
        configured.control("PUT", "/config", json={"password_min_length": 1})
        configured.control("POST", "/reset")
        assert configured.control("GET", "/config").json()["password_min_length"] == 12


@pytest.mark.parametrize("args", [("--cert", "x.pem"), ("--username", "Bad Name"), ("--lowercase-rule", "azure"),
                                  ("--no-tls", "--cert", "a", "--key", "b"), ("--vb365-token-lifetime", "-1")])
def test_bad_options_exit_2(args):
    assert run_cli(*args).returncode == 2


def test_port_in_use_is_a_clear_error_and_leaves_no_ca_behind(sim, tmp_path):
    port = sim.ready["vb365_url"].rsplit(":", 1)[1]
    result = run_cli("--vb365-port", port, "--vbgc-port", "0", env={**os.environ, "TMPDIR": str(tmp_path)})
    assert result.returncode == 1
    assert "in use" in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signals_stop_cleanly(signum):
    process, ready = start_simulator()
    process.send_signal(signum)
    assert process.wait(10) == 0
    assert not os.path.exists(ready["ca_path"])  # the generated CA is removed
    stop_simulator(process)


@pytest.mark.parametrize(("args", "logged"), [((), False), (("--verbose",), True)])
def test_quiet_by_default_and_verbose_on_request(args, logged):
    process, ready = start_simulator(*args)
    http_session(ready["ca_path"]).get(ready["vb365_url"] + "/v8/Accounts")
    process.terminate()
    _, stderr = process.communicate(timeout=10)
    assert ("GET /v8/Accounts" in stderr) is logged
    assert bool(stderr) is logged


HARNESS_CHILD = """
import json, os, sys, requests
env = {k: v for k, v in os.environ.items() if k.startswith("VEEAM_")}
print(json.dumps(env))
session = requests.Session(); session.trust_env = False
r = session.get(env["VEEAM_VBGC_SERVER"] + "/_simulator/health", verify=env["VEEAM_VBGC_CA_PATH"])
sys.exit(0 if r.ok else 9) if len(sys.argv) < 2 else sys.exit(int(sys.argv[1]))
"""


def run_harness(*args, env=None):
    """The harness with this environment, less a Vault server's variables unless env gives them."""
    clean = {key: value for key, value in os.environ.items() if key not in ("VAULT_ADDR", "VAULT_TOKEN")}
    return subprocess.run([sys.executable, "-m", "veeam_simulator.harness", *args], capture_output=True, text=True,
                          timeout=60, check=False, env={**clean, **(env or {})})


def test_harness_hands_a_vault_server_to_the_targets_through_the_config(tmp_path):
    config = tmp_path / "integration_config.yml"
    vault = {"VAULT_ADDR": "http://127.0.0.1:8200", "VAULT_TOKEN": "0123456789abcdef"}
    assert run_harness("--config-out", str(config), "--", "true", env=vault).returncode == 0
    lines = dict(line.split(": ", 1) for line in config.read_text().splitlines())
    assert (json.loads(lines["vault_addr"]), json.loads(lines["vault_token"])) == ("http://127.0.0.1:8200", "0123456789abcdef")


def test_harness_env_and_config(tmp_path):
    config, env_file = tmp_path / "integration_config.yml", tmp_path / "env.sh"
    result = run_harness("--config-out", str(config), "--env-out", str(env_file), "--password", "p&ss w+rd",
                         "--", sys.executable, "-c", HARNESS_CHILD)
    assert result.returncode == 0, result.stderr
    env = json.loads(result.stdout)
    assert set(env) == {"VEEAM_VB365_SERVER", "VEEAM_VBGC_SERVER", "VEEAM_VB365_CA_PATH", "VEEAM_VBGC_CA_PATH",
                        "VEEAM_VB365_USERNAME", "VEEAM_VB365_PASSWORD", "VEEAM_VBGC_USERNAME", "VEEAM_VBGC_PASSWORD",
                        "VEEAM_VBAZURE_SERVER", "VEEAM_VBAZURE_CA_PATH", "VEEAM_VBAZURE_USERNAME",
                        "VEEAM_VBAZURE_PASSWORD", "VEEAM_SIMULATOR_CONFIG"}
    assert env["VEEAM_VBGC_PASSWORD"] == "p&ss w+rd"
    assert env["VEEAM_SIMULATOR_CONFIG"] == str(config)
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    lines = dict(line.split(": ", 1) for line in config.read_text().splitlines())
    assert {key: json.loads(value) for key, value in lines.items()} == {
        "vb365_server": env["VEEAM_VB365_SERVER"], "vbgc_server": env["VEEAM_VBGC_SERVER"],
        "vbazure_server": env["VEEAM_VBAZURE_SERVER"], "ca_path": env["VEEAM_VB365_CA_PATH"], "sim_username": "admin", "sim_password": "p&ss w+rd",
        "sim_control_url": env["VEEAM_VB365_SERVER"] + "/_simulator"}
    sourced = subprocess.run(["bash", "-c", f". {env_file} && printf %s \"$VEEAM_VB365_PASSWORD\""],
                             capture_output=True, text=True, check=False)
    assert sourced.stdout == "p&ss w+rd"


def test_harness_exit_code_and_temporary_config():
    result = run_harness("--no-tls", "--", sys.executable, "-c",
                         "import os, sys; print(os.environ['VEEAM_SIMULATOR_CONFIG']); "
                         "print('VEEAM_VB365_CA_PATH' in os.environ); sys.exit(7)")
    assert result.returncode == 7
    config_path, has_ca = result.stdout.split()
    assert has_ca == "False"
    assert not os.path.exists(config_path)


def test_harness_reports_a_simulator_that_dies():
    result = run_harness("--bogus-option", "--", "true")
    assert result.returncode == 2
    assert "exited with code 2 before it was ready" in result.stderr
    assert "--bogus-option" in result.stderr


def test_harness_reports_a_killed_command_like_a_shell():
    assert run_harness("--", "sh", "-c", "kill -TERM $$").returncode == 128 + signal.SIGTERM


def test_harness_usage_errors():
    assert run_harness("true").returncode == 2
    assert run_harness("--").returncode == 2
    assert run_harness("--", "/nonexistent/command").returncode == 127


UNDECLARED = ("import os, urllib.parse, urllib.request, urllib.error\n"
              "form = {'grant_type': 'password', 'username': os.environ['VEEAM_VB365_USERNAME'], "
              "'password': os.environ['VEEAM_VB365_PASSWORD']}\n"
              "url = os.environ['VEEAM_VB365_SERVER'] + '/v8/token?Extra=1'\n"
              "try: urllib.request.urlopen(url, urllib.parse.urlencode(form).encode())\n"
              "except urllib.error.HTTPError as error: print(error.code)")


def test_harness_fails_a_passing_command_that_sent_a_nonconformant_request():
    result = run_harness("--no-tls", "--", sys.executable, "-c", UNDECLARED)
    assert result.stdout.strip() == "400"
    assert result.returncode == 4
    assert "non-conformant request #1 vb365 POST /v8/token: query parameter Extra: not declared" in result.stderr
    assert "1 request(s) did not conform" in result.stderr


def test_harness_with_lenient_requests_drops_the_undeclared_parameter():
    result = run_harness("--no-tls", "--lenient-requests", "--", sys.executable, "-c", UNDECLARED)
    assert (result.returncode, result.stdout, "did not conform" in result.stderr) == (0, "", False)
