# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookup context of VB365 object storage (vb365/lookups.py) and the single-object paths that use it."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.batch import check_items
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.lookups import Lookups
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.repository import REPOSITORY
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import OTHER_ID, account
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_storage_fixtures import (
    FOLDERS,
    S3_ACCOUNT,
    client_for,
    page,
    repository_params,
    script_lookups,
)

S3_OPTION = {"id": None, "account_type": "amazon_s3", "user_name": "AKIASTORAGE0001", "organization_id": None}


def test_a_single_object_task_reads_only_the_accounts_its_option_names(server):
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT], sticky=True)
    assert Lookups(client_for(server)).account(S3_OPTION) == S3_ACCOUNT
    assert server.calls()[0]["query"] == {"name": ["AKIASTORAGE0001"], "accountType": ["amazonS3Account"]}


def test_a_list_task_reads_the_account_list_once_for_every_option(server):
    other = account(user_name="AKIASTORAGE0002", account_type="amazonS3Account", account_id=OTHER_ID)
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT, other])
    lookups = Lookups(client_for(server), all_accounts=True)
    found = [lookups.account(dict(S3_OPTION, user_name=name)) for name in ("AKIASTORAGE0001", "AKIASTORAGE0002")]
    assert found == [S3_ACCOUNT, other]
    with pytest.raises(InputError, match="no amazon_s3 cloud account has user_name 'AKIANONE'"):
        lookups.account(dict(S3_OPTION, user_name="AKIANONE"))
    with pytest.raises(InputError, match="no cloud account has id " + OTHER_ID.replace("1c", "2c")):
        lookups.account(dict(S3_OPTION, id=OTHER_ID.replace("1c", "2c")))
    assert len(server.calls()) == 1 and server.calls()[0]["query"] == {}


def test_each_list_is_read_once_and_a_folder_added_joins_its_bucket(server):
    script_lookups(server)
    lookups = Lookups(client_for(server))
    assert [lookups.keys(), lookups.proxies(), lookups.pools()] == [lookups.keys(), lookups.proxies(), lookups.pools()]
    query = {"RegionType": "Global", "RegionId": "eu-west-1"}
    lookups.add_folder(S3_ACCOUNT, query, "m365-backups", "sharepoint")
    assert lookups.folders(dict(S3_ACCOUNT, id=OTHER_ID), query, "m365-backups") == ["exchange", "sharepoint"]
    assert sorted(call["path"] for call in server.calls()) == sorted(
        ["/v8/EncryptionKeys", "/v8/Proxies", "/v8/ProxyPools", FOLDERS])


def test_check_items_names_every_refused_item_and_keeps_the_others():
    def check(item):
        if item < 0:
            raise InputError("negative")
        return item * 2

    pairs, problems = check_items([1, -2, 3, -4], str, check)
    assert pairs == [("1", 1, 2), ("3", 3, 6)]
    assert problems == ["-2: negative", "-4: negative"]


def test_the_single_module_refuses_a_new_repository_whose_folder_is_missing_before_any_write(server):
    script_lookups(server).add("GET", "/v8/BackupRepositories", body=page([]))
    with pytest.raises(InputError, match="folder 'missing' does not exist in bucket 'm365-backups'"):
        REPOSITORY.ensure(client_for(server), repository_params(folder="missing"), check_mode=False, diff_mode=False)
    assert [call["method"] for call in server.calls()] == ["GET"] * 6  # the bucket list (region_id) is one of them
