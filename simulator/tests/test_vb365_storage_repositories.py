"""VB365 /v8/BackupRepositories for object storage: create, read, list, update, delete, the rules around them,
and the in-use rule they give cloud accounts (every answer is checked against the vendor's OpenAPI document)."""

import pytest
from conftest import running_simulator
from openapi_schemas import validate
from storage_helpers import (KEY_PASSWORD, WASABI, add_account, add_bucket, add_key, add_pool, add_proxy, repository_body,
                             assert_in_use, s3_storage, s3_world)

REPOS = "/v8/BackupRepositories"


def create(sim, token, body):
    return sim.vb365("POST", REPOS, token, json=body)


def test_create_s3_repository_with_defaults(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    body = repository_body(account, proxy, description="first")
    validate(body, "RESTBackupRepositoryFromClient")
    response = create(sim, vb365_token, body)
    assert response.status_code == 201, response.text
    repo = response.json()
    assert response.headers["Location"] == repo["_links"]["self"]["href"]
    assert (repo["name"], repo["description"], repo["proxyId"], repo["proxyPoolId"]) == ("repo1", "first", proxy, None)
    assert (repo["retentionType"], repo["retentionPeriodType"], repo["yearlyRetentionPeriod"]) == (
        "SnapshotBased", "Yearly", "Years3")
    assert (repo["retentionFrequencyType"], repo["dailyTime"], repo["dailyType"]) == ("Daily", "18:00:00", "Everyday")
    assert repo["objectStorageEncryptionEnabled"] is False and repo["encryptionKeyId"] is None
    storage = repo["objectStorage"]
    assert (storage["type"], storage["accountId"], storage["s3Folder"]) == ("AmazonS3", account, "m365")
    assert storage["amazonBucketS3Aws"] == {"regionType": "Global", "regionName": "eu-west-1",
                                            "regionId": "eu-west-1", "name": "backups"}
    assert sim.vb365("GET", f"{REPOS}/{repo['id']}", vb365_token).json() == repo
    page = sim.vb365("GET", REPOS, vb365_token).json()
    assert page["results"] == [repo]


def test_create_on_a_pool_with_encryption_size_limit_and_immutability(sim, vb365_token):
    account = add_account(sim, vb365_token, "s3compatible")
    add_bucket(sim, accountId=account, name="wasabi-b", servicePoint=WASABI, customRegionId="eu-central-1",
               folders=["m365"])
    pool, key = add_pool(sim), add_key(sim, vb365_token)
    storage = {"type": "WasabiCloud", "accountId": account, "s3Folder": "m365", "sizeLimitEnabled": True,
               "sizeLimitGB": 500, "enableImmutability": True, "immutabilityPeriodDays": 30,
               "amazonBucketS3Compatible": {"name": "wasabi-b", "servicePoint": WASABI, "customRegionId": "eu-central-1"}}
    body = {"name": "wasabi", "retentionType": "ItemLevel", "retentionPeriodType": "Daily", "dailyRetentionPeriod": 90,
            "proxyPoolId": pool, "objectStorageEncryptionEnabled": True, "encryptionKeyId": key,
            "objectStorage": storage}
    response = create(sim, vb365_token, body)
    assert response.status_code == 201, response.text
    repo = response.json()
    assert (repo["proxyPoolId"], repo["encryptionKeyId"], repo["dailyRetentionPeriod"]) == (pool, key, 90)
    assert "yearlyRetentionPeriod" not in repo
    assert repo["objectStorage"]["freeSpaceBytes"] == 500 * 1024 ** 3
    assert repo["objectStorage"]["immutabilityPeriodDays"] == 30
    assert sim.vb365("GET", f"{REPOS}?proxyPoolId={pool}", vb365_token).json()["results"] == [repo]
    assert sim.vb365("GET", f"{REPOS}?proxyId={pool}", vb365_token).json()["results"] == []


def test_create_azure_repository(sim, vb365_token):
    account = add_account(sim, vb365_token, "azure")
    add_bucket(sim, accountId=account, name="m365-backups", folders=["tenant-a"])
    proxy = add_proxy(sim)
    storage = {"type": "AzureBlob", "accountId": account, "azureFolder": "tenant-a",
               "azureContainer": {"name": "m365-backups", "regionType": "Global"}}
    response = create(sim, vb365_token, {"name": "azure", "retentionType": "SnapshotBased", "proxyId": proxy,
                                         "objectStorage": storage})
    assert response.status_code == 201, response.text
    assert response.json()["objectStorage"]["azureContainer"] == {"name": "m365-backups", "regionType": "Global"}


@pytest.mark.parametrize(("change", "status"), [
    ({"retentionType": None}, 400),
    ({"retentionType": "Forever"}, 400),
    ({"name": ""}, 400),
    ({"name": None}, 400),
    ({"objectStorage": None}, 400),
    ({"proxyId": None}, 400),
    ({"proxyPoolId": "PROXY"}, 400),
    ({"proxyId": "5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"}, 404),
    ({"retentionPeriodType": "Monthly"}, 400),
    ({"retentionPeriodType": "Daily", "dailyRetentionPeriod": 0}, 400),
    ({"dailyTime": "25:00"}, 400),
    ({"dailyType": "everyday"}, 400),
    ({"monthlyDaynumber": "Fifth"}, 400),
    ({"objectStorageEncryptionEnabled": True}, 400),
    ({"encryptionKeyId": "5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"}, 400),
    ({"objectStorageEncryptionEnabled": True, "encryptionKeyId": "5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"}, 404),
    ({"objectStorage": "STORAGE:type=AmazonS3Glacier"}, 400),
    ({"objectStorage": {"type": []}}, 400),
    ({"objectStorage": "STORAGE:type=AzureBlob"}, 400),
    ({"objectStorage": "STORAGE:accountId=None"}, 400),
    ({"objectStorage": "STORAGE:s3Folder=missing"}, 404),
    ({"objectStorage": "STORAGE:s3Folder=None"}, 400),
    ({"objectStorage": "STORAGE:sizeLimitEnabled=True"}, 400),
    ({"objectStorage": "STORAGE:enableImmutability=True"}, 400),
    ({"objectStorage": "STORAGE:glacierDeepArchiveEnabled=True"}, 400),
    ({"objectStorage": "BUCKET:name=other"}, 404),
    ({"objectStorage": "BUCKET:regionId=us-east-1"}, 404),
    ({"objectStorage": "BUCKET:regionType=Mars"}, 400),
])
def test_create_validation(sim, vb365_token, change, status):
    account, proxy = s3_world(sim, vb365_token)
    body = repository_body(account, proxy)
    for key, value in change.items():
        if isinstance(value, str) and value.startswith(("STORAGE:", "BUCKET:")):
            where, assignment = value.split(":", 1)
            name, raw = assignment.split("=")
            target = body["objectStorage"] if where == "STORAGE" else body["objectStorage"]["amazonBucketS3Aws"]
            target[name] = {"None": None, "True": True}.get(raw, raw)
        else:
            body[key] = proxy if value == "PROXY" else value
    response = create(sim, vb365_token, body)
    assert response.status_code == status, response.text
    assert sim.vb365("GET", REPOS, vb365_token).json()["results"] == []


def test_names_and_folders_are_unique(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    assert create(sim, vb365_token, repository_body(account, proxy)).status_code == 201
    add_bucket(sim, accountId=account, name="second", regionId="eu-west-1", folders=["m365"])
    same_name = repository_body(account, proxy, name="REPO1", objectStorage=s3_storage(account, bucket="second"))
    assert create(sim, vb365_token, same_name).status_code == 409
    same_folder = create(sim, vb365_token, repository_body(account, proxy, name="repo2"))
    assert same_folder.status_code == 409
    assert same_folder.json()["errorCode"] == "OperationConflict"
    other_bucket = repository_body(account, proxy, name="repo2", objectStorage=s3_storage(account, bucket="second"))
    assert create(sim, vb365_token, other_bucket).status_code == 201


def test_update_merges_and_keeps_what_is_left_out(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    repo = create(sim, vb365_token, repository_body(account, proxy)).json()
    pool = add_pool(sim)
    change = {"name": "renamed", "retentionType": "SnapshotBased", "retentionPeriodType": "Monthly",
              "monthlyRetentionPeriod": 6, "proxyPoolId": pool, "dailyTime": "20:30",
              "objectStorage": {"sizeLimitEnabled": True, "sizeLimitGB": 100}}
    validate(change, "RESTBackupRepositoryFromClient")
    response = sim.vb365("PUT", f"{REPOS}/{repo['id']}", vb365_token, json=change)
    assert response.status_code == 204, response.text
    updated = sim.vb365("GET", f"{REPOS}/{repo['id']}", vb365_token).json()
    assert (updated["name"], updated["proxyPoolId"], updated["proxyId"]) == ("renamed", pool, None)
    assert (updated["monthlyRetentionPeriod"], updated["dailyTime"]) == (6, "20:30:00")
    assert "yearlyRetentionPeriod" not in updated
    assert updated["objectStorage"]["sizeLimitGB"] == 100
    assert updated["objectStorage"]["s3Folder"] == "m365"
    assert updated["description"] == repo["description"]
    journal = sim.journal()
    again = sim.vb365("PUT", f"{REPOS}/{repo['id']}", vb365_token, json=change)
    assert again.status_code == 204
    assert sim.journal()[len(journal)]["mutated"] is False


def test_a_clean_up_schedule_switched_to_monthly_keeps_the_daily_one(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    repo = create(sim, vb365_token, repository_body(account, proxy)).json()
    change = {"retentionType": "SnapshotBased", "retentionFrequencyType": "Monthly", "monthlyTime": "02:30",
              "monthlyDaynumber": "Last", "monthlyDayofweek": "Sunday"}
    validate(change, "RESTBackupRepositoryFromClient")
    assert sim.vb365("PUT", f"{REPOS}/{repo['id']}", vb365_token, json=change).status_code == 204
    updated = sim.vb365("GET", f"{REPOS}/{repo['id']}", vb365_token).json()
    assert [updated[name] for name in ("retentionFrequencyType", "monthlyTime", "monthlyDaynumber", "monthlyDayofweek",
                                       "dailyTime", "dailyType")] == ["Monthly", "02:30:00", "Last", "Sunday",
                                                                      "18:00:00", "Everyday"]


def test_update_needs_retention_type_and_an_object_storage_object(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    repo = create(sim, vb365_token, repository_body(account, proxy)).json()
    for body in ({"name": "x"}, {"retentionType": "SnapshotBased", "objectStorage": "x"}, [1]):
        response = sim.vb365("PUT", f"{REPOS}/{repo['id']}", vb365_token, json=body)
        assert response.status_code == 400
        assert response.json()["errorCode"] == "ParameterValidationFailure"
    assert sim.vb365("GET", f"{REPOS}/{repo['id']}", vb365_token).json() == repo


@pytest.mark.parametrize("change", [
    {"retentionType": "ItemLevel"},
    {"objectStorageEncryptionEnabled": True},
    {"objectStorage": {"type": "AmazonS3Compatible"}},
    {"objectStorage": {"enableImmutability": True, "immutabilityPeriodDays": 7}},
    {"objectStorage": {"s3Folder": "other"}},
    {"proxyId": None, "proxyPoolId": None, "objectStorage": {"sizeLimitEnabled": True}},
])
def test_update_refuses_what_cannot_change(sim, vb365_token, change):
    account, proxy = s3_world(sim, vb365_token)
    folder = sim.vb365("POST", "/v8/S3Resources/buckets/backups/folders", vb365_token, json={"name": "other"},
                       params={"accountId": account, "RegionType": "Global"})
    assert folder.status_code == 201
    repo = create(sim, vb365_token, repository_body(account, proxy)).json()
    response = sim.vb365("PUT", f"{REPOS}/{repo['id']}", vb365_token,
                         json={"retentionType": "SnapshotBased", **change})
    assert response.status_code == 400, response.text
    assert sim.vb365("GET", f"{REPOS}/{repo['id']}", vb365_token).json() == repo


def test_update_may_switch_to_another_account_that_sees_the_bucket(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    repo = create(sim, vb365_token, repository_body(account, proxy)).json()
    second = add_account(sim, vb365_token, user_name="rotated")
    change = {"retentionType": "SnapshotBased", "objectStorage": {"accountId": second}}
    assert sim.vb365("PUT", f"{REPOS}/{repo['id']}", vb365_token, json=change).status_code == 404  # not its bucket
    shared = add_bucket(sim, accountType="amazonS3Account", name="shared", regionId="eu-west-1", folders=["f"])
    assert shared["account_id"] is None
    other = create(sim, vb365_token, repository_body(account, proxy, name="r2",
                                                     objectStorage=s3_storage(account, bucket="shared", folder="f")))
    assert other.status_code == 201
    switched = sim.vb365("PUT", f"{REPOS}/{other.json()['id']}", vb365_token, json=change)
    assert switched.status_code == 204
    assert sim.vb365("GET", f"{REPOS}/{other.json()['id']}", vb365_token).json()["objectStorage"]["accountId"] == second


def test_delete_keeps_the_folder_and_frees_the_account(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    repo = create(sim, vb365_token, repository_body(account, proxy)).json()
    assert_in_use(sim.vb365("DELETE", f"/v8/Accounts/{account}", vb365_token), "repo1")
    assert sim.vb365("DELETE", f"{REPOS}/{repo['id']}", vb365_token).status_code == 204
    assert sim.vb365("GET", f"{REPOS}/{repo['id']}", vb365_token).status_code == 404
    assert sim.vb365("DELETE", f"{REPOS}/{repo['id']}", vb365_token).status_code == 404
    assert sim.control("GET", "/vb365/buckets").json()["buckets"][0]["folders"] == ["m365"]
    assert sim.vb365("DELETE", f"/v8/Accounts/{account}", vb365_token).status_code == 204


def test_list_paging_and_filters(sim, vb365_token):
    account, proxy = s3_world(sim, vb365_token)
    add_bucket(sim, accountId=account, name="more", regionId="eu-west-1", folders=["a", "b", "c"])
    ids = [create(sim, vb365_token, repository_body(account, proxy, name=f"r{folder}",
                                                    objectStorage=s3_storage(account, "more", folder))).json()["id"]
           for folder in "abc"]
    page = sim.vb365("GET", f"{REPOS}?limit=2&offset=1", vb365_token).json()
    assert (page["limit"], page["offset"], [repo["id"] for repo in page["results"]]) == (2, 1, ids[1:])
    assert len(sim.vb365("GET", f"{REPOS}?proxyId={proxy}", vb365_token).json()["results"]) == 3
    assert sim.vb365("GET", f"{REPOS}?longTerm=true", vb365_token).json()["results"] == []
    assert sim.vb365("GET", f"{REPOS}?proxyId=nope", vb365_token).status_code == 400


def test_object_storage_survives_a_restart_with_a_state_file(tmp_path):
    state_file = str(tmp_path / "state.db")
    with running_simulator("--state", state_file) as first:
        token = first.vb365_login()
        account, proxy = s3_world(first, token)
        key = add_key(first, token)
        body = repository_body(account, proxy, objectStorageEncryptionEnabled=True, encryptionKeyId=key)
        repo = create(first, token, body).json()
    with running_simulator("--state", state_file) as second:
        token = second.vb365_login()
        assert second.vb365("GET", f"{REPOS}/{repo['id']}", token).json() == {
            **repo, "_links": {"self": {"href": f"{second.ready['vb365_url']}{REPOS}/{repo['id']}"}}}
        assert second.vb365("DELETE", f"/v8/EncryptionKeys/{key}", token).status_code == 409
        assert second.control("GET", f"/vb365/encryption_keys/{key}/secret").json() == {"password": KEY_PASSWORD}
        secrets = [entry["value"] for entry in second.control("GET", "/secrets").json()["secrets"]]
        assert KEY_PASSWORD in secrets
