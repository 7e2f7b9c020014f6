"""The veeam-365 SDK (generated from the vendor's VB365 OpenAPI document) through the object storage path:
browse a bucket with a cloud account, create a folder, add an encryption password, add a repository on a proxy,
read, page, update and remove it. Buckets and proxies come from the simulator's control API."""

import asyncio

from test_veeam_365_sdk import client_for, to_send
from veeam_365.v8.models.amazon_s3_aws_region_type import AmazonS3AwsRegionType
from veeam_365.v8.models.page_of_rest_backup_repository import PageOfRESTBackupRepository
from veeam_365.v8.models.rest_amazon_folder_to_send import RESTAmazonFolderToSend
from veeam_365.v8.models.rest_backup_repository import RESTBackupRepository
from veeam_365.v8.models.rest_backup_repository_from_client import RESTBackupRepositoryFromClient
from veeam_365.v8.models.rest_encryption_key import RESTEncryptionKey
from veeam_365.v8.models.rest_encryption_key_to_send import RESTEncryptionKeyToSend
from veeam_365.v8.models.rest_exception_info import RESTExceptionInfo

KEY_PASSWORD = "contract-encryption-pass"  # noqa: S105 - a test value


def repository(account_id, proxy_id, key_id, **fields):
    return RESTBackupRepositoryFromClient.from_dict({
        "name": "contract-repo", "retentionType": "SnapshotBased", "proxyId": str(proxy_id),
        "objectStorageEncryptionEnabled": True, "encryptionKeyId": str(key_id),
        "objectStorage": {"type": "AmazonS3", "accountId": str(account_id), "s3Folder": "contract",
                          "amazonBucketS3Aws": {"name": "contract-bucket", "regionType": "Global",
                                                "regionId": "eu-west-1"}},
        **fields})


async def browse_and_prepare(client, account_id):
    s3 = client.api("amazon_s3_object_storage")
    where = {"account_id": account_id, "region_type": AmazonS3AwsRegionType("Global")}
    buckets = await client.call(s3.amazon_s3_object_storage_get_buckets, **where)
    assert [bucket.name for bucket in buckets] == ["contract-bucket"]
    folder = await client.call(s3.amazon_s3_object_storage_add_folder, bucket_name="contract-bucket",
                               body=RESTAmazonFolderToSend(name="contract"), **where)
    assert folder.name == "contract"
    folders = await client.call(s3.amazon_s3_object_storage_get_folders, bucket_name="contract-bucket", **where)
    assert [item.name for item in folders] == ["contract"]
    keys = client.api("encryption_key")
    key = await client.call(keys.encryption_key_add_encryption_key,
                            body=RESTEncryptionKeyToSend(password=KEY_PASSWORD, description="contract key"))
    assert isinstance(key, RESTEncryptionKey), key
    proxies = await client.call(client.api("proxy").proxy_get_proxies)
    return key.id, proxies.results[0].id


async def repository_life_cycle(client, account_id, proxy_id, key_id):
    repos = client.api("backup_repository")
    created = await client.call(repos.backup_repository_add, body=repository(account_id, proxy_id, key_id))
    assert isinstance(created, RESTBackupRepository), created
    assert (created.name, created.object_storage.s_3_folder) == ("contract-repo", "contract")
    page = await client.call(repos.backup_repository_get_repositories, proxy_id=proxy_id)
    assert isinstance(page, PageOfRESTBackupRepository)
    assert [repo.id for repo in page.results] == [created.id]
    update = RESTBackupRepositoryFromClient.from_dict({"retentionType": "SnapshotBased", "description": "by the SDK"})
    assert await client.call(repos.backup_repository_update_repository, repository_id=created.id, body=update) is None
    fetched = await client.call(repos.backup_repository_get_repositories_by_id, repository_id=created.id)
    assert fetched.description == "by the SDK"
    refused = await client.call(client.api("encryption_key").encryption_key_remove_encryption_key, key_id=key_id)
    assert isinstance(refused, RESTExceptionInfo) and refused.error_code.value == "OperationConflict"
    assert await client.call(repos.backup_repository_remove, repository_id=created.id) is None
    assert await client.call(client.api("encryption_key").encryption_key_remove_encryption_key, key_id=key_id) is None


async def object_storage_path(sim, schema_check):
    async with client_for(sim, schema_check) as client:
        await client.connect()
        account = await client.call(client.api("account").account_add_account,
                                    body=to_send("amazonS3Account", "AKIACONTRACTOS01", password="s3-secret"))
        sim.control("POST", "/vb365/buckets", json={"accountId": str(account.id), "name": "contract-bucket",
                                                    "regionId": "eu-west-1"})
        sim.control("POST", "/vb365/proxies", json={"hostName": "proxy.contract.test"})
        key_id, proxy_id = await browse_and_prepare(client, account.id)
        await repository_life_cycle(client, account.id, proxy_id, key_id)


def test_object_storage_path(sim, schema_check):
    asyncio.run(object_storage_path(sim, schema_check))
    assert ("DELETE", "/v8/EncryptionKeys/{keyId}", 409) in schema_check.checked
    assert len(schema_check.checked) == len(sim.journal())  # every answer the SDK got was validated
