# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""VB365 object storage: folders, encryption keys and repositories (vb365_object_storage.py, vb365_encryption_key.py,
vb365_repository.py), called directly against the scripted server."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.encryption_key import KEY
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.encryption_key import input_problem as key_problem
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.object_storage import (
    FOLDER,
    folder_input_problem,
    location_query,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.repository import REPOSITORY
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.repository import input_problem as repo_problem
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_storage_fixtures import (
    FOLDERS,
    KEY_ID,
    OTHER_KEY_ID,
    POOL_ID,
    REPO_ID,
    BUCKET,
    BUCKETS,
    S3_ACCOUNT,
    client_for,
    key,
    page,
    repository,
    repository_params,
    script_lookups,
)

REPOS = "/v8/BackupRepositories"
SECRET = "encr&pt+pass%2F=="


def key_params(**options):
    return dict({"description": "key A", "password": None, "organization_id": None, "update_password": "on_create",
                 "state": "present"}, **options)


def writes(server):
    return [(call["method"], call["path"]) for call in server.calls() if call["method"] != "GET"]


def test_update_password_always_is_refused_and_explained():
    assert "no PUT /v8/EncryptionKeys/{id}" in key_problem(key_params(update_password="always", password="x"))


def test_a_new_key_is_predicted_in_check_mode_then_created_with_the_password_masked(server):
    server.add("GET", "/v8/EncryptionKeys", body=[], sticky=True).add("POST", "/v8/EncryptionKeys", status=201, body=key())
    checked = KEY.ensure(client_for(server), key_params(password=SECRET), check_mode=True, diff_mode=True)
    assert writes(server) == []
    created = KEY.ensure(client_for(server), key_params(password=SECRET), check_mode=False, diff_mode=True)
    assert checked["encryption_key"]["id"] is None and created["encryption_key"]["id"] == KEY_ID
    assert checked["diff"] == created["diff"] and created["diff"]["after"]["password"] == MASK
    assert server.calls("POST")[0]["json"] == {"password": SECRET, "description": "key A"}
    assert SECRET not in repr(created)


def test_a_key_create_answered_503_after_the_server_acted_is_not_sent_again(server):
    server.add("GET", "/v8/EncryptionKeys", body=[]).add("POST", "/v8/EncryptionKeys", status=503)
    server.add("GET", "/v8/EncryptionKeys", body=[key()], sticky=True)  # the key the first POST made
    server.add("POST", "/v8/EncryptionKeys", status=201, body=key(key_id=OTHER_KEY_ID))
    result = KEY.ensure(client_for(server), key_params(password=SECRET), check_mode=False, diff_mode=False)
    assert result["changed"] and result["encryption_key"]["id"] == KEY_ID
    assert len(server.calls("POST")) == 1


def test_a_key_create_refused_because_a_parallel_task_added_the_key_goes_on_with_that_key(server):
    server.add("GET", "/v8/EncryptionKeys", body=[]).add("POST", "/v8/EncryptionKeys", status=409, body={"message": "exists"})
    server.add("GET", "/v8/EncryptionKeys", body=[key()])  # the parallel task's key
    result = KEY.ensure(client_for(server), key_params(password=SECRET), check_mode=False, diff_mode=False)
    assert result == {"changed": False, "encryption_key": key()}
    assert writes(server) == [("POST", "/v8/EncryptionKeys")]


def test_after_a_race_the_key_with_the_lowest_id_stays_and_each_task_removes_only_its_own(server):
    warnings = []
    server.add("GET", "/v8/EncryptionKeys", body=[]).add("POST", "/v8/EncryptionKeys", status=201, body=key(key_id=OTHER_KEY_ID))
    server.add("GET", "/v8/EncryptionKeys", body=[key(), key(key_id=OTHER_KEY_ID)])  # a parallel task added KEY_ID
    server.add("DELETE", "/v8/EncryptionKeys/" + OTHER_KEY_ID, status=204)
    client = client_for(server)
    client.http.warn = warnings.append
    result = KEY.ensure(client, key_params(password=SECRET), check_mode=False, diff_mode=False)
    assert not result["changed"] and result["encryption_key"]["id"] == KEY_ID
    assert writes(server) == [("POST", "/v8/EncryptionKeys"), ("DELETE", "/v8/EncryptionKeys/" + OTHER_KEY_ID)]
    assert "removed the copy it had added (id %s)" % OTHER_KEY_ID in warnings[0]


def test_the_winner_of_a_race_keeps_its_key_and_removes_nothing(server):
    server.add("GET", "/v8/EncryptionKeys", body=[]).add("POST", "/v8/EncryptionKeys", status=201, body=key())
    server.add("GET", "/v8/EncryptionKeys", body=[key(key_id=OTHER_KEY_ID), key()])
    result = KEY.ensure(client_for(server), key_params(password=SECRET), check_mode=False, diff_mode=False)
    assert result["changed"] and result["encryption_key"]["id"] == KEY_ID
    assert writes(server) == [("POST", "/v8/EncryptionKeys")]


def test_an_existing_key_is_left_alone_whatever_the_password(server):
    server.add("GET", "/v8/EncryptionKeys", body=[key()])
    result = KEY.ensure(client_for(server), key_params(password="another"), check_mode=False, diff_mode=False)
    assert result == {"changed": False, "encryption_key": key()}


def test_two_keys_of_one_description_are_refused_naming_both_and_the_one_to_remove(server):
    server.add("GET", "/v8/EncryptionKeys", body=[key(key_id=OTHER_KEY_ID), key()])
    with pytest.raises(InputError) as err:
        KEY.ensure(client_for(server), key_params(state="absent"), check_mode=False, diff_mode=False)
    assert "2 encryption keys have the description 'key A' (ids: %s, %s)" % (KEY_ID, OTHER_KEY_ID) in err.value.message
    assert "Remove %s in the console (the lowest id stays" % OTHER_KEY_ID in err.value.message


def test_a_key_in_use_is_not_removed_and_the_repositories_are_named(server):
    server.add("GET", "/v8/EncryptionKeys", body=[key()]).add("GET", REPOS, body=page([repository()]))
    with pytest.raises(InputError, match="used by the backup repositories m365-s3"):
        KEY.ensure(client_for(server), key_params(state="absent"), check_mode=False, diff_mode=False)
    assert writes(server) == []


def test_an_unused_key_is_removed(server):
    server.add("GET", "/v8/EncryptionKeys", body=[key()]).add("GET", REPOS, body=page([]))
    server.add("DELETE", "/v8/EncryptionKeys/" + KEY_ID, status=204)
    assert KEY.ensure(client_for(server), key_params(state="absent"), check_mode=False, diff_mode=False)["changed"]
    assert writes(server) == [("DELETE", "/v8/EncryptionKeys/" + KEY_ID)]


def test_location_query_per_account_type():
    params = repository_params(service_point="https://s3.example", trust_server_certificate=True)
    assert location_query("amazonS3Account", params) == {"RegionType": "Global"}  # no folder operation declares RegionId
    assert location_query("azureBlobAccount", params) == {"RegionType": "Global"}
    assert location_query("amazonS3CompatibleAccount", params) == {
        "ServicePoint": "https://s3.example", "CustomRegionId": "us-east-1", "trustServerCertificate": "true"}


def test_a_missing_folder_is_created_once_and_an_existing_one_left_alone(server):
    folders = "/v8/S3Resources/buckets/m365-backups/folders"
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT], sticky=True).add("GET", BUCKETS, body=[BUCKET], sticky=True)
    server.add("GET", folders, body=[]).add("POST", folders, status=201, body={"name": "exchange", "path": "m365-backups/exchange"})
    server.add("GET", folders, body=[{"name": "exchange"}])
    params = repository_params()
    created = FOLDER.ensure(client_for(server), params, check_mode=False, diff_mode=True)
    again = FOLDER.ensure(client_for(server), params, check_mode=False, diff_mode=True)
    assert created["changed"] and created["diff"]["after"]["folders"] == ["exchange"]
    assert not again["changed"]
    post = server.calls("POST")[0]
    assert post["json"] == {"name": "exchange"}
    assert post["query"] == {"accountId": [S3_ACCOUNT["id"]], "RegionType": ["Global"]}
    assert [call["query"].get("RegionId") for call in server.calls("GET") if call["path"] == BUCKETS] == [None, None]


@pytest.mark.parametrize("listed, words", [
    ([dict(BUCKET, regionId="us-east-1")], "bucket 'm365-backups' is in region 'us-east-1' (the bucket list of cloud "
                                           "account 'AKIASTORAGE0001' says so), not in region_id 'eu-west-1'"),
    ([], "bucket 'm365-backups' was not found with the amazonS3Account cloud account 'AKIASTORAGE0001' (id %s) at "
         "RegionType=Global, RegionId=eu-west-1" % S3_ACCOUNT["id"]),
])
def test_a_bucket_outside_region_id_is_refused_before_any_write(server, listed, words):
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT], sticky=True).add("GET", BUCKETS, body=listed)
    with pytest.raises(InputError) as refused:
        FOLDER.ensure(client_for(server), repository_params(), check_mode=False, diff_mode=False)
    assert words in str(refused.value)
    assert [call["path"] for call in server.calls()] == ["/v8/Accounts", BUCKETS]


def test_a_bucket_the_server_does_not_find_is_named_with_its_region_and_credential(server):
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT], sticky=True)
    server.add("GET", "/v8/S3Resources/buckets/gone/folders", status=404,
               body={"message": "The bucket 'gone' was not found.", "errorCode": "ResourceNotFound"})
    with pytest.raises(InputError, match="bucket 'gone' was not found with the amazonS3Account cloud account "
                                         "'AKIASTORAGE0001' .* at RegionType=Global. Check the bucket name"):
        FOLDER.ensure(client_for(server), repository_params(bucket="gone", region_id=None), check_mode=False,
                      diff_mode=False)


@pytest.mark.parametrize("options, words", [
    ({"proxy_pool": "pool-a"}, "give proxy or proxy_pool, not both"),
    ({"retention_period": "3"}, "does not fit retention_period_type=yearly"),
    ({"retention_period_type": "daily", "retention_period": "-1"}, "must be a positive number of days"),
    ({"size_limit_gb": -5}, "size_limit_gb=-5 must be 0"),
])
def test_repository_input_problems_need_no_request(options, words):
    assert words in repo_problem(repository_params(**options))


def test_a_matching_repository_is_unchanged(server):
    script_lookups(server).add("GET", REPOS, body=page([repository()]))
    result = REPOSITORY.ensure(client_for(server), repository_params(), check_mode=False, diff_mode=True)
    assert result["changed"] is False and result["diff"]["before"] == result["diff"]["after"]
    assert writes(server) == []


def test_fields_fixed_at_creation_are_refused_before_any_write(server):
    script_lookups(server).add("GET", REPOS, body=page([repository()]))
    with pytest.raises(InputError, match="folder, immutability_days cannot be changed after the repository is created"):
        REPOSITORY.ensure(client_for(server), repository_params(folder="other", immutability_days=0), check_mode=False,
                          diff_mode=False)
    assert writes(server) == []


def test_an_update_moves_to_the_pool_and_keeps_the_schedule(server):
    script_lookups(server).add("GET", REPOS, body=page([repository()])).add("PUT", REPOS + "/" + REPO_ID, status=204)
    params = repository_params(proxy=None, proxy_pool="POOL-A", encryption_key="key B", size_limit_gb=0)
    result = REPOSITORY.ensure(client_for(server), params, check_mode=False, diff_mode=True)
    body = server.calls("PUT")[0]["json"]
    assert result["changed"]
    assert body["proxyPoolId"] == POOL_ID and "proxyId" not in body
    assert body["encryptionKeyId"] == OTHER_KEY_ID and body["dailyTime"] == "18:00:00"
    assert body["objectStorage"]["sizeLimitEnabled"] is False and "sizeLimitGB" not in body["objectStorage"]
    assert body["objectStorage"]["amazonBucketS3Aws"]["name"] == "m365-backups"


def test_a_new_repository_in_check_mode_writes_nothing_and_names_are_checked(server):
    script_lookups(server).add("GET", REPOS, body=page([]), sticky=True)
    result = REPOSITORY.ensure(client_for(server), repository_params(), check_mode=True, diff_mode=False)
    assert result["changed"] and result["repository"]["id"] is None
    assert result["repository"]["objectStorage"]["s3Folder"] == "exchange"
    with pytest.raises(InputError, match="proxy='nosuch': no backup proxy has this name"):
        REPOSITORY.ensure(client_for(server), repository_params(proxy="nosuch"), check_mode=True, diff_mode=False)
    assert writes(server) == []


def test_a_folder_create_answered_503_after_the_server_acted_is_not_sent_again_and_is_a_change(server):
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT], sticky=True).add("GET", BUCKETS, body=[BUCKET], sticky=True)
    server.add("GET", FOLDERS, body=[]).add("POST", FOLDERS, status=503)
    server.add("GET", FOLDERS, body=[{"name": "teams"}])
    server.add("POST", FOLDERS, status=409, body={"message": "The folder already exists."})
    params = repository_params(folder="teams")
    result = FOLDER.ensure(client_for(server), params, check_mode=False, diff_mode=False)
    assert result["changed"] and result["folder"] == {"name": "teams"}
    assert len(server.calls("POST", FOLDERS)) == 1


@pytest.mark.parametrize("value", [".", "..", "", "a\\b"])
def test_a_bucket_that_would_change_the_request_path_is_refused_before_any_request(value):
    assert "bucket='%s' must be one name: not empty, '.' or '..'" % value in folder_input_problem(repository_params(bucket=value))
