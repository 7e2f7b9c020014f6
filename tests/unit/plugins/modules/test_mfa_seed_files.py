# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The seed files of secret_destination=directory: a failure never removes the secret in use, a user name never
leaves the directory, and each file says which appliance it belongs to."""

from __future__ import annotations

import os
import stat

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core import mfa_secrets as _mfa_secrets
from ansible_collections.veeam_community.backup.plugins.modules import veeam_azure_user_mfa
from ansible_collections.veeam_community.backup.tests.unit.utils.mfa_fixtures import (
    ENROLMENT,
    OPS1,
    run,
    script_enrolment,
    script_user,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.vbazure_fixtures import (
    OPS1 as AZURE_OPS1,
    USERS as AZURE_USERS,
    page,
    run_vbazure_module,
    user_body,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import MFA_SECRET, api_calls

OLD_TEXT = b"secret_key: OLDACTIVESECRET\n"
OLD_PNG = b"\x89PNG old"


@pytest.fixture
def directory(tmp_path):
    """secret_directory holding the files of the secret in use (MFA of ops1 is on)."""
    path = tmp_path / "mfa"
    path.mkdir(mode=0o700)
    (path / "ops1.secret.txt").write_bytes(OLD_TEXT)
    (path / "ops1.png").write_bytes(OLD_PNG)
    return path


def recreate(server, directory, accept=True):
    script_user(server, enabled=True)
    script_enrolment(server, accept=accept)
    return run(server, recreate=True, secret_destination="directory", secret_directory=str(directory))


def test_a_failed_write_during_recreate_keeps_the_files_of_the_secret_in_use(server, directory, monkeypatch):
    def qr_path_is_a_directory(path, uri):
        raise IsADirectoryError(21, "Is a directory")
    monkeypatch.setattr(_mfa_secrets, "write_qr_code", qr_path_is_a_directory)
    result = recreate(server, directory, accept=False)
    assert result["failed"] and "Is a directory" in result["msg"]
    assert api_calls(server) == [("GET", OPS1), ("POST", OPS1 + "/mfaEnable")], "not accepted"
    assert (directory / "ops1.secret.txt").read_bytes() == OLD_TEXT
    assert (directory / "ops1.png").read_bytes() == OLD_PNG
    assert sorted(os.listdir(directory)) == ["ops1.png", "ops1.secret.txt"]


def test_recreate_swaps_the_new_files_in_once_accepted(server, directory):
    result = recreate(server, directory)
    assert result["changed"] and result["mfa_enabled"]
    assert "secret_key: %s\n" % MFA_SECRET in (directory / "ops1.secret.txt").read_text()
    assert (directory / "ops1.png").read_bytes() != OLD_PNG
    assert sorted(os.listdir(directory)) == ["ops1.png", "ops1.secret.txt"]
    for name in ("ops1.png", "ops1.secret.txt"):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600


def test_a_failed_acceptance_during_recreate_keeps_both_secrets_and_says_where(server, directory):
    script_user(server, enabled=True)
    server.add("POST", OPS1 + "/mfaEnable", body={"response": ENROLMENT, "issues": []})
    server.add("POST", OPS1 + "/mfaAccepted", status=400, body={"title": "Bad Request", "details": "Code refused."})
    result = run(server, recreate=True, secret_destination="directory", secret_directory=str(directory))
    assert result["failed"]
    assert (directory / "ops1.secret.txt").read_bytes() == OLD_TEXT
    text, png = staged(directory)
    assert "secret_key: %s\n" % MFA_SECRET in text.read_text()
    assert stat.S_IMODE(png.stat().st_mode) == 0o600
    assert ("The new secret was issued and is in {t} and {p}, but its confirmation failed, so the files of the previous "
            "secret, {d}/ops1.secret.txt and {d}/ops1.png, were kept. The secret in use is the previous one, unless the "
            "appliance did accept the new one. Run the task again with recreate=true: once a new secret is accepted, "
            "its files replace these, and the staged files of failed runs are removed.".format(d=directory, t=text, p=png)
            ) in result["msg"]
    assert "is not returned" not in result["msg"]


def test_a_second_failed_recreate_keeps_the_files_staged_by_the_first(server, directory, monkeypatch):
    (directory / "ops1.secret.txt.new-20261201T000000-1").write_bytes(b"secret_key: MAYBEINUSE\n")

    def full_disk(path, uri):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(_mfa_secrets, "write_qr_code", full_disk)
    assert recreate(server, directory, accept=False)["failed"]
    assert (directory / "ops1.secret.txt.new-20261201T000000-1").read_bytes() == b"secret_key: MAYBEINUSE\n"
    assert (directory / "ops1.secret.txt").read_bytes() == OLD_TEXT


def test_an_accepted_recreate_removes_the_files_staged_by_failed_runs(server, directory):
    (directory / "ops1.secret.txt.new-20261201T000000-1").write_bytes(b"secret_key: NOLONGERINUSE\n")
    others = ["ops1.secret.txt.new-20261201T000000-1.secret.txt", "ops1x.secret.txt.new-20261201T000000-1"]
    for name in others:  # another user's files (ops1.secret.txt.new-20261201T000000-1 is a valid VBAzure name)
        (directory / name).write_bytes(b"another user's")
    assert recreate(server, directory)["mfa_enabled"]
    assert sorted(os.listdir(directory)) == ["ops1.png", "ops1.secret.txt"] + others


def staged(directory):
    """The staged files of ops1 (text, png)."""
    text, = directory.glob("ops1.secret.txt.new-*")
    png, = directory.glob("ops1.png.new-*")
    return text, png


def test_a_failed_first_acceptance_says_what_is_on_disk_and_what_to_do(server, tmp_path):
    directory = tmp_path / "mfa"
    script_user(server, enabled=False)
    server.add("POST", OPS1 + "/mfaEnable", body={"response": ENROLMENT, "issues": []})
    server.add("POST", OPS1 + "/mfaAccepted", status=400, body={"title": "Bad Request", "details": "Code refused."})
    result = run(server, secret_destination="directory", secret_directory=str(directory))
    assert result["failed"]
    assert ("The new secret was issued and is in {d}/ops1.secret.txt and {d}/ops1.png, but its confirmation failed. If "
            "MFA of ops1 is enabled now, the appliance did accept it and these files hold the secret in use: keep them. "
            "Otherwise the enrolment is pending: run the task again, which issues a new secret and replaces the "
            "files.".format(d=directory)) in result["msg"]
    assert sorted(os.listdir(directory)) == ["ops1.png", "ops1.secret.txt"]


def run_azure(server, name, directory):
    return run_vbazure_module(veeam_azure_user_mfa, server, name=name, secret_destination="directory",
                              secret_directory=str(directory))


@pytest.mark.parametrize("name", ["../escaped", "sub/x", "..", ".", "line\nsecret_key: INJECTED", "x" * 250])
def test_a_name_that_is_no_plain_file_name_is_refused_before_any_request(server, tmp_path, name):
    directory = tmp_path / "mfa"
    result = run_azure(server, name, directory)
    assert result["failed"]
    assert result["msg"].startswith("name=%r cannot name the files <name>.secret.txt and <name>.png in "
                                    "secret_directory: " % name)
    assert "Use secret_destination=vault (vault_path names the secret) or result for this user." in result["msg"]
    assert server.calls() == []
    assert os.listdir(tmp_path) == []


def test_an_azure_seed_file_names_the_azure_appliance(server, tmp_path):
    enrolment = {"qrString": "otpauth://totp/ops1?secret=" + MFA_SECRET, "secretKey": MFA_SECRET, "scratchCodes": [],
                 "token": "enrolment-token"}
    server.add("GET", AZURE_USERS, body=page(user_body()))
    server.add("POST", AZURE_OPS1 + "/enableMfa", body=enrolment).add("POST", AZURE_OPS1 + "/acceptMfa", status=204)
    result = run_azure(server, "ops1", tmp_path / "mfa")
    assert result["changed"]
    header = (tmp_path / "mfa" / "ops1.secret.txt").read_text().splitlines()[0]
    assert header.startswith("# MFA secret of the Veeam Backup for Microsoft Azure user ops1, issued ")
