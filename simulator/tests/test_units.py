"""Pure functions, without a server."""

import time

import pyotp
import pytest

from veeam_simulator.core import totp
from veeam_simulator.core.faults import parse_fault
from veeam_simulator.core.listquery import wildcard_regex
from veeam_simulator.settings import Settings
from veeam_simulator.vb365.model import parse_lowercase_rule


@pytest.mark.parametrize("offset", [0, 29, 30, 1_000_000, -86_400])
def test_totp_matches_pyotp(offset):
    secret = totp.new_secret()
    moment = time.time() + offset
    assert len(secret) == 26
    assert totp.code_at(secret, moment) == pyotp.TOTP(secret).at(moment)


def test_totp_window():
    secret = totp.new_secret()
    now = 1_700_000_015
    assert totp.verify(secret, totp.code_at(secret, now - 30), now=now)
    assert totp.verify(secret, totp.code_at(secret, now + 30), now=now)
    assert not totp.verify(secret, totp.code_at(secret, now - 60), now=now)
    assert not totp.verify(secret, "abcdef", now=now)


def test_secret_decoding_is_lenient_about_case_spaces_and_padding():
    assert totp.secret_bytes("jbsw y3dp ehpk 3pxp") == totp.secret_bytes("JBSWY3DPEHPK3PXP")
    with pytest.raises(ValueError):
        totp.secret_bytes("not base32!")


@pytest.mark.parametrize(("pattern", "text", "matches"), [
    ("a*", "abc", True), ("a*", "bac", False), ("?b?", "abc", True), ("?b?", "abcd", False),
    ("a.c", "abc", False), ("a+c", "a+c", True), ("*", "", True), ("[x]", "[x]", True),
])
def test_wildcards_are_anchored_and_literal(pattern, text, matches):
    assert (wildcard_regex(pattern, ignore_case=False).fullmatch(text) is not None) is matches


def test_lowercase_rule_forms():
    assert parse_lowercase_rule("ALL") == ["azureBlobAccount", "amazonS3Account", "amazonS3CompatibleAccount"]
    assert parse_lowercase_rule("none") == []
    assert parse_lowercase_rule("amazonS3Account, azureBlobAccount") == ["amazonS3Account", "azureBlobAccount"]
    with pytest.raises(ValueError):
        parse_lowercase_rule(["s3"])


def test_settings_merge_leaves_the_original_alone():
    original = Settings()
    merged = original.merged({"vbgc_token_lifetime": 5})
    assert (original.vbgc_token_lifetime, merged.vbgc_token_lifetime) == (900, 5)


def test_fault_defaults():
    fault = parse_fault({"path": "/v8/*", "status": 503}, 1)
    assert (fault.method, fault.count, fault.phase, fault.delay, fault.drop) == ("*", 1, "before", 0.0, False)
    assert fault.matches("GET", "/V8/Accounts")
    assert not parse_fault({"path": "/v8/*", "method": "post", "delay": 1}, 2).matches("GET", "/v8/x")


READY = {"vb365_url": "https://127.0.0.1:1", "vbgc_url": "https://127.0.0.1:2", "vbazure_url": "https://127.0.0.1:3",
         "username": "admin", "password": "pw", "ca_path": "ca.pem"}


def test_connection_env_names_the_config_file_only_when_there_is_one():
    from veeam_simulator.harness import connection_env

    env = connection_env(READY)
    assert "VEEAM_SIMULATOR_CONFIG" not in env
    assert env["VEEAM_VBGC_SERVER"] == "https://127.0.0.1:2"
    assert env["VEEAM_VBAZURE_SERVER"] == "https://127.0.0.1:3"
    assert env["VEEAM_VB365_CA_PATH"] == env["VEEAM_VBGC_CA_PATH"] == env["VEEAM_VBAZURE_CA_PATH"] == "ca.pem"
    assert connection_env(READY, "config.yml")["VEEAM_SIMULATOR_CONFIG"] == "config.yml"
    assert "VEEAM_VB365_CA_PATH" not in connection_env(dict(READY, ca_path=None))
