# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the VB365 object storage tests: API objects as the vendor's schemas shape them, and module options."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import HttpClient
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import ACCOUNT_ID, account

KEY_ID = "5b1c2a3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
OTHER_KEY_ID = "6c2d3b4e-5f60-4b7c-9d8e-0f1a2b3c4d5e"
PROXY_ID = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"
POOL_ID = "2b3c4d5e-6f70-4b8c-9dae-1f2a3b4c5d6e"
REPO_ID = "0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f"
BUCKETS = "/v8/S3Resources/buckets"
FOLDERS = BUCKETS + "/m365-backups/folders"
BUCKET = {"regionType": "Global", "regionName": "Europe (Ireland)", "regionId": "eu-west-1", "name": "m365-backups"}
S3_ACCOUNT = account(user_name="AKIASTORAGE0001", account_type="amazonS3Account")


def client_for(server):
    return VB365Client(HttpClient(server.url, timeout=5, sleep=lambda seconds: None), token="given")


def key(description="key A", key_id=KEY_ID):
    return {"id": key_id, "description": description, "organizationId": None}


def page(items):
    return {"offset": 0, "limit": 500, "results": items}


def repository(**fields):
    """A RESTBackupRepository of an encrypted S3 repository on PROXY_ID."""
    storage = {"id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a", "type": "AmazonS3", "accountId": ACCOUNT_ID,
               "amazonBucketS3Aws": {"name": "m365-backups", "regionType": "Global", "regionId": "eu-west-1"},
               "s3Folder": "exchange", "sizeLimitEnabled": True, "sizeLimitGB": 500, "enableImmutability": True,
               "immutabilityPeriodDays": 30}
    storage.update(fields.pop("storage", {}))
    repo = {"id": REPO_ID, "name": "m365-s3", "description": "tenant A", "retentionType": "SnapshotBased",
            "retentionPeriodType": "Yearly", "yearlyRetentionPeriod": "Years3", "retentionFrequencyType": "Daily",
            "dailyTime": "18:00:00", "dailyType": "Everyday", "proxyId": PROXY_ID, "proxyPoolId": None,
            "objectStorageEncryptionEnabled": True, "encryptionKeyId": KEY_ID, "objectStorage": storage}
    repo.update(fields)
    return repo


def repository_params(**options):
    """veeam_m365_repository's options as AnsibleModule fills them, for the S3 repository above."""
    params = {"name": "m365-s3", "description": "tenant A",
              "account": {"id": None, "account_type": "amazon_s3", "user_name": "AKIASTORAGE0001", "organization_id": None},
              "bucket": "m365-backups", "folder": "exchange", "proxy": "proxy01", "proxy_pool": None,
              "retention_type": "snapshot_based", "retention_period_type": "yearly", "retention_period": "Years3",
              "size_limit_gb": 500, "immutability_days": 30, "encryption_key": "key A", "state": "present",
              "storage_type": None, "cleanup_schedule": None,
              "region_type": "Global", "region_id": "eu-west-1", "service_point": None, "custom_region_id": None,
              "trust_server_certificate": False, "trusted_certificate_thumbprint": None}
    params.update(options)
    return params


def script_lookups(server):
    """The reads that resolve the names of repository_params: account, proxies, pools, keys, the bucket (its region)
    and its folders."""
    server.add("GET", "/v8/Accounts", body=[S3_ACCOUNT], sticky=True)
    server.add("GET", "/v8/Proxies", body=page([{"id": PROXY_ID, "hostName": "proxy01"}]), sticky=True)
    server.add("GET", "/v8/ProxyPools", body=page([{"id": POOL_ID, "name": "pool-a"}]), sticky=True)
    server.add("GET", "/v8/EncryptionKeys", body=[key(), key("key B", OTHER_KEY_ID)], sticky=True)
    server.add("GET", BUCKETS, body=[BUCKET], sticky=True)
    server.add("GET", FOLDERS, body=[{"name": "exchange", "path": "m365-backups/exchange"}], sticky=True)
    return server
