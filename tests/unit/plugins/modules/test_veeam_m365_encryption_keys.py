# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_m365_encryption_keys against a real local HTTP server scripted as the VB365 server."""

from __future__ import annotations

import json

from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.modules import veeam_m365_encryption_keys
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import requests_made, run_vb365_module, writes
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_storage_fixtures import (
    KEY_ID,
    OTHER_KEY_ID,
    key,
    page,
    repository,
)

KEYS = "/v8/EncryptionKeys"
REPOS = "/v8/BackupRepositories"
SECRET = "encr&pt+pass%2F=="


def run(server, items, **options):
    return run_vb365_module(veeam_m365_encryption_keys, server, encryption_keys=items, **options)


def test_input_problems_of_every_item_are_listed_before_any_request(server):
    result = run(server, [{"description": "a", "password": SECRET, "update_password": "always"},
                          {"description": "b"}, {"description": "b", "state": "absent"}])
    assert result["failed"] and result["msg"].startswith("encryption_keys is not valid, nothing was changed.")
    assert "a: update_password=always cannot be done" in result["msg"]
    assert "b: listed more than once" in result["msg"]
    assert server.calls() == []


def test_one_key_read_then_one_write_per_change_and_the_repositories_only_for_a_removal(server):
    server.add("GET", KEYS, body=[key("old key", OTHER_KEY_ID), key("kept")])
    server.add("GET", REPOS, body=page([repository(encryptionKeyId=KEY_ID)]))
    server.add("POST", KEYS, status=201, body=key("new key", "7d3e4c5f-6071-4c8d-8e9f-1a2b3c4d5e6f"))
    server.add("GET", KEYS, body=[key("new key", "7d3e4c5f-6071-4c8d-8e9f-1a2b3c4d5e6f")])  # no twin added meanwhile
    server.add("DELETE", KEYS + "/" + OTHER_KEY_ID, status=204)
    items = [{"description": "new key", "password": SECRET}, {"description": "kept", "password": "other"},
             {"description": "old key", "state": "absent"}, {"description": "gone", "state": "absent"}]
    result = run(server, items, credentials=True)
    assert [(item["item"], item["action"]) for item in result["encryption_keys"]] == [
        ("new key", "created"), ("kept", "unchanged"), ("old key", "removed"), ("gone", "unchanged")]
    assert requests_made(server) == [("POST", "/v8/token"), ("GET", KEYS), ("GET", REPOS), ("POST", KEYS), ("GET", KEYS),
                                     ("DELETE", KEYS + "/" + OTHER_KEY_ID), ("POST", "/v8/token/logout")]
    assert server.calls("GET", KEYS)[1]["query"] == {"description": ["new key"]}
    assert server.calls("POST", KEYS)[0]["json"] == {"password": SECRET, "description": "new key"}
    assert server.calls("GET", KEYS)[0]["query"] == {}
    assert result["diff"][0]["after"]["password"] == MASK
    assert SECRET not in json.dumps(result)


def test_absent_keys_that_do_not_exist_need_no_repository_read(server):
    server.add("GET", KEYS, body=[])
    result = run(server, [{"description": "gone", "state": "absent"}])
    assert not result["changed"] and requests_made(server) == [("GET", KEYS)]


def test_problems_against_the_server_are_all_named_and_nothing_is_written(server):
    server.add("GET", KEYS, body=[key(), key("twin"), key("twin", OTHER_KEY_ID)])
    server.add("GET", REPOS, body=page([repository()]))
    items = [{"description": "new"}, {"description": "key A", "state": "absent"}, {"description": "twin"}]
    result = run(server, items)
    assert result["msg"].startswith("encryption keys do not fit the server, nothing was changed.")
    assert "new: password is required to create the encryption key 'new'" in result["msg"]
    assert "key A: encryption key 'key A' (id %s) is used by the backup repositories m365-s3" % KEY_ID in result["msg"]
    assert "twin: 2 encryption keys have the description 'twin'" in result["msg"]
    assert writes(server) == []


def test_check_mode_predicts_every_item_and_writes_nothing(server):
    server.add("GET", KEYS, body=[key()]).add("GET", REPOS, body=page([]))
    result = run(server, [{"description": "new", "password": SECRET}, {"description": "key A", "state": "absent"}],
                 check_mode=True)
    assert [item["action"] for item in result["encryption_keys"]] == ["created", "removed"]
    assert result["encryption_keys"][0]["encryption_key"]["id"] is None
    assert writes(server) == []
