"""GET /_simulator/secrets (every secret seen or issued, kept across resets) and the harness's --scan-output."""

import os
import stat
import subprocess
import sys

import pyotp
import pytest
from test_vb365_accounts import create
from test_vbgc_mfa import MFA, enable
from test_vbgc_users import create_user


def secrets_seen(sim):
    response = sim.control("GET", "/secrets")
    assert response.status_code == 200
    return {entry["value"]: entry["kind"] for entry in response.json()["secrets"]}


def test_secrets_of_every_kind_are_recorded_and_outlive_a_reset(sim, vb365_token, vbgc_token):
    vb365_pair = sim.vb365("POST", "/v8/token", data={"grant_type": "password", "username": sim.username,
                                                      "password": sim.password}).json()
    create(sim, vb365_token, password="AzureKey-0001==")
    sim.seed(vbgc_users=[{"name": "seeded", "password": "Seeded#Pass1", "roles": ["Portal Operator"],
                          "mfa_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEH"}])
    assert create_user(sim, vbgc_token).status_code == 200  # ops1 with password Secret#123
    changed = sim.vbgc("POST", f"{MFA}/changePassword", vbgc_token, json={"password": "Second#Pass2",
                                                                         "oldPassword": "Secret#123"})
    assert changed.status_code == 201
    enrolment = enable(sim, vbgc_token)
    challenge = sim.vbgc_password_grant("seeded", "Seeded#Pass1").json()
    refused = sim.vbgc_password_grant("nobody", "Wrong#Guess9")  # refused requests count too
    assert refused.status_code == 401
    assert sim.control("POST", "/reset").status_code == 204
    seen = secrets_seen(sim)
    expected = {
        sim.password: "password", vb365_token: "access_token", vbgc_token: "access_token",
        vb365_pair["access_token"]: "access_token", vb365_pair["refresh_token"]: "refresh_token",
        "AzureKey-0001==": "password", "Seeded#Pass1": "password", "JBSWY3DPEHPK3PXPJBSWY3DPEH": "mfa_secret",
        "Secret#123": "password", "Second#Pass2": "password", enrolment["secretKey"]: "secretKey",
        enrolment["token"]: "token", challenge["mfa_token"]: "mfa_token", "Wrong#Guess9": "password",
        **dict.fromkeys(enrolment["scratchCodes"], "scratchCodes"),
    }
    assert {value: seen.get(value) for value in expected} == expected


def test_secrets_read_back_through_the_control_api_are_recorded(sim, vbgc_token):
    assert create_user(sim, vbgc_token).status_code == 200
    enrolment = enable(sim, vbgc_token)
    assert sim.vbgc("POST", f"{MFA}/mfaAccepted", vbgc_token, json={
        "code": pyotp.TOTP(enrolment["secretKey"]).now(), "token": enrolment["token"]}).status_code == 201
    sim.control("POST", "/vbgc/users/ops1/check_password", json={"password": "Probe#Pass3"})
    seen = secrets_seen(sim)
    assert seen["Probe#Pass3"] == "password"
    assert enrolment["secretKey"] in seen


def test_the_secrets_list_is_not_journaled(sim):
    secrets_seen(sim)
    assert sim.journal() == []


def test_faults_may_be_added_as_a_list_all_or_nothing(sim, vb365_token):
    response = sim.control("POST", "/faults", json=[{"path": "/v8/Accounts", "status": 429, "retry_after": 1},
                                                    {"path": "/v8/Accounts", "status": 503}])
    assert response.status_code == 201
    assert [fault["status"] for fault in response.json()["faults"]] == [429, 503]
    assert [sim.vb365("GET", "/v8/Accounts", vb365_token).status_code for _ in range(3)] == [429, 503, 200]
    bad = sim.control("POST", "/faults", json=[{"path": "/v8/Accounts", "status": 503}, {"path": "/x"}])
    assert bad.status_code == 400
    assert sim.control("GET", "/faults").json()["faults"] == []


def test_journal_answers_its_last_sequence_number(sim, vb365_token):
    sim.vb365("GET", "/v8/Accounts", vb365_token)
    body = sim.control("GET", "/journal").json()
    assert body["last_seq"] == body["entries"][-1]["seq"]
    assert sim.control("GET", f"/journal?since={body['last_seq']}").json() == {"entries": [],
                                                                               "last_seq": body["last_seq"]}


# --- the harness's --scan-output -------------------------------------------------------------------------

LOGIN_AND_PRINT = """
import json, os, sys
import requests
session = requests.Session(); session.trust_env = False
answer = session.post(os.environ["VEEAM_VB365_SERVER"] + "/v8/token", verify=os.environ["VEEAM_VB365_CA_PATH"],
                      data={"grant_type": "password", "username": os.environ["VEEAM_VB365_USERNAME"],
                            "password": os.environ["VEEAM_VB365_PASSWORD"]}).json()
leak = sys.argv[1]
print("line one")
if leak == "token":
    print("the token is", answer["access_token"])
elif leak == "encoded":
    print("form body: password=" + requests.utils.quote(os.environ["VEEAM_VB365_PASSWORD"], safe=""), file=sys.stderr)
elif leak == "json":
    print(json.dumps({"password": os.environ["VEEAM_VB365_PASSWORD"]}))
print("done", file=sys.stderr)
sys.exit(int(sys.argv[2]))
"""


def run_scanned(tmp_path, leak, code=0):
    log = tmp_path / "output.log"
    result = subprocess.run([sys.executable, "-m", "veeam_simulator.harness", "--password", 'p&ss"w+rd',
                             "--scan-output", str(log), "--", sys.executable, "-c", LOGIN_AND_PRINT, leak, str(code)],
                            capture_output=True, text=True, timeout=60, check=False)
    return result, log


def test_scan_passes_clean_output_through_and_keeps_a_private_log(tmp_path):
    result, log = run_scanned(tmp_path, "none")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "line one\n"
    assert "done\n" in result.stderr
    assert "none of the" in result.stderr
    assert sorted(log.read_text().splitlines()) == ["done", "line one"]  # the two streams interleave freely
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


@pytest.mark.parametrize(("leak", "kind", "length"), [("token", "access_token", 43), ("encoded", "password", 9),
                                                      ("json", "password", 9)])
def test_scan_reports_a_leak_by_kind_length_and_line_never_the_value(tmp_path, leak, kind, length):
    result, log = run_scanned(tmp_path, leak)
    assert result.returncode == 3
    assert f"a secret ({kind}, {length} characters) appears 1 time(s) in the output" in result.stderr
    assert f"of {log}" in result.stderr
    assert "1 secret(s) leaked" in result.stderr
    report = [line for line in result.stderr.splitlines() if line.startswith("harness:")]
    for value in ('p&ss"w+rd', "p%26ss%22w%2Brd", 'p&ss\\"w+rd'):
        assert value not in "\n".join(report)
    assert "********" in report[0]


def test_scan_keeps_the_exit_code_of_a_failed_command(tmp_path):
    result, _ = run_scanned(tmp_path, "token", code=5)
    assert result.returncode == 5
    assert "1 secret(s) leaked" in result.stderr


@pytest.mark.parametrize("written", [
    'Sh&red+Key%2F==/ü \'q" \\x',  # as is
    'Sh&red+Key%2F==/ü \'q\\" \\\\x',  # in JSON, as Ansible prints results
    'Sh&red+Key%2F==/\\u00fc \'q\\" \\\\x',  # in ASCII-only JSON
    'Sh&red+Key%2F==/ü \\\'q" \\\\x',  # in a Python string, as Ansible prints loop items
    "Sh%26red%2BKey%252F%3D%3D%2F%C3%BC+%27q%22+%5Cx",  # in a form body
])
def test_a_secret_is_found_however_it_is_escaped(written):
    from veeam_simulator.harness import scan_for_secrets

    secret = 'Sh&red+Key%2F==/ü \'q" \\x'
    assert scan_for_secrets("before\n  " + written + "\n", [{"kind": "password", "value": secret}]) == [
        ("password", len(secret), 1, 2, "  ********")]


def test_digits_only_secrets_match_only_as_whole_numbers():
    from veeam_simulator.harness import scan_for_secrets

    secrets = [{"kind": "scratchCodes", "value": "12345678"}, {"kind": "password", "value": "short"}]
    assert scan_for_secrets("tmp-9912345678001 short", secrets) == []
    assert scan_for_secrets("a\ncode 12345678.", secrets) == [("scratchCodes", 8, 1, 2, "code ********.")]


def test_scan_also_looks_for_the_vault_token_it_was_given(tmp_path):
    """A Vault token in the harness's environment (tools/openbao_dev.py) counts as a secret: its leak fails the run."""
    token = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978"
    log = tmp_path / "output.log"
    command = [sys.executable, "-m", "veeam_simulator.harness", "--scan-output", str(log), "--", sys.executable, "-c",
               "import os; print('token:', os.environ['VAULT_TOKEN'])"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, "VAULT_TOKEN": token})
    assert result.returncode == 3
    assert "a secret (VAULT_TOKEN, 48 characters) appears 1 time(s)" in result.stderr
    assert token not in result.stderr
