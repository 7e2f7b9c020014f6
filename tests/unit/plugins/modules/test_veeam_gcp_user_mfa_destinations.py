# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_gcp_user_mfa's secret destinations (directory, result) against a local server scripted as the appliance."""

from __future__ import annotations

import json
import os
import stat

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core import mfa_secrets as _mfa_secrets
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    MFA_SECRET,
    api_calls,
    warning_texts,
)
from ansible_collections.veeam_community.backup.tests.unit.utils.mfa_fixtures import (
    ENROLMENT,
    OPS1,
    PNG_SIGNATURE,
    SECRETS_RETURNED,
    run,
    script_enrolment,
    script_user,
    writes,
)


def test_directory_gets_the_secret_before_the_enrolment_is_accepted(server, tmp_path):
    directory = tmp_path / "vbgc"
    script_user(server, enabled=False)
    server.add("POST", OPS1 + "/mfaEnable", body={"response": ENROLMENT, "issues": []})
    server.add("POST", OPS1 + "/mfaAccepted", status=503, body={"title": "Service Unavailable"})
    result = run(server, secret_destination="directory", secret_directory=str(directory), timeout=1)
    assert result["failed"]
    assert api_calls(server)[-1] == ("POST", OPS1 + "/mfaAccepted")
    assert sorted(os.listdir(directory)) == ["ops1.png", "ops1.secret.txt"]


def test_directory_destination_writes_private_files_and_returns_no_secret(server, tmp_path):
    directory = tmp_path / "secrets" / "vbgc"
    script_user(server, enabled=False)
    script_enrolment(server)
    result = run(server, secret_destination="directory", secret_directory=str(directory))
    assert result["changed"] and result["mfa_enabled"]
    assert not set(SECRETS_RETURNED) & set(result)
    assert MFA_SECRET not in json.dumps(result)
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for name in ("ops1.png", "ops1.secret.txt"):
        assert stat.S_IMODE((directory / name).stat().st_mode) == 0o600
    text = (directory / "ops1.secret.txt").read_text()
    assert "secret_key: %s\n" % MFA_SECRET in text
    assert "otpauth_uri: %s\n" % ENROLMENT["qrString"] in text
    assert '  - "11111111"\n  - "22222222"\n' in text
    assert (directory / "ops1.png").read_bytes().startswith(PNG_SIGNATURE)


def test_a_failed_directory_write_leaves_mfa_off_and_names_the_destination(server, tmp_path, monkeypatch):
    directory = tmp_path / "vbgc"
    script_user(server, enabled=False)
    script_enrolment(server, accept=False)

    def full_disk(path, uri):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(_mfa_secrets, "write_qr_code", full_disk)
    result = run(server, secret_destination="directory", secret_directory=str(directory))
    assert result["failed"]
    assert result["msg"] == ("MFA secret issued, but writing it to secret_destination=directory (secret_directory=%s) "
                             "failed: No space left on device. The enrolment was not accepted, so MFA of ops1 is as it "
                             "was; fix that and run the task again." % directory)
    assert api_calls(server) == [("GET", OPS1), ("POST", OPS1 + "/mfaEnable")]
    assert os.listdir(directory) == []


def test_a_readable_directory_is_refused_before_any_request(server, tmp_path):
    directory = tmp_path / "shared"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    result = run(server, secret_destination="directory", secret_directory=str(directory))
    assert "can be read by other users (mode 0755)" in result["msg"]
    assert server.calls() == []


@pytest.mark.parametrize("options, words", [
    ({"secret_destination": "directory"}, "secret_destination=directory needs secret_directory"),
    ({"secret_directory": "/srv/mfa"}, "secret_directory only applies to secret_destination=directory"),
    ({"vault_path": "veeam/vbgc/ops1"}, "vault_path only apply to secret_destination=vault"),
    ({"secret_destination": "directory", "secret_directory": "/srv/mfa", "qr_code_path": "/srv/mfa/q.png"},
     "qr_code_path only applies to secret_destination=result"),
    ({"secret_destination": "vault", "vault_path": "veeam/vbgc/ops1"}, "written by this module's action plugin"),
    ({"state": "disabled", "secret_directory": "/srv/mfa"}, "secret_directory only apply to state=enabled"),
])
def test_destination_options_are_checked_before_any_request(server, options, words):
    result = run(server, **options)
    assert words in result["msg"]
    assert server.calls() == []


def test_rerun_with_mfa_on_writes_nothing_to_the_directory(server, tmp_path):
    script_user(server, enabled=True)
    result = run(server, secret_destination="directory", secret_directory=str(tmp_path / "new"))
    assert not result["changed"]
    assert not (tmp_path / "new").exists()


def test_check_mode_writes_no_directory(server, tmp_path):
    script_user(server, enabled=False)
    result = run(server, check_mode=True, secret_destination="directory", secret_directory=str(tmp_path / "new"))
    assert result["changed"] and result["mfa_enabled"]
    assert not (tmp_path / "new").exists()
    assert writes(server) == []


def test_pending_enrolment_into_a_directory_returns_only_the_enrolment_token(server, tmp_path):
    script_user(server, enabled=False)
    script_enrolment(server, accept=False)
    result = run(server, verify=False, secret_destination="directory", secret_directory=str(tmp_path / "d"))
    assert result["changed"] and not result["mfa_enabled"]
    assert result["enrollment_token"] == "enrolment-token"
    assert not {"secret_key", "qr_string", "scratch_codes"} & set(result)


def test_a_code_for_a_user_whose_mfa_is_on_is_not_dropped_silently(server):
    script_user(server, enabled=True)
    result = run(server, code="654321", enrollment_token="person-token")
    assert not result["changed"]
    assert any("MFA of ops1 is already enabled, so the code was not used" in text for text in warning_texts(result))
