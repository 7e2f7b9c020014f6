"""Builders for the object storage tests: accounts through the API, cloud buckets and proxies through the
control API (they live outside VB365)."""

ACCOUNT_TYPE = {"s3": "amazonS3Account", "s3compatible": "amazonS3CompatibleAccount", "azure": "azureBlobAccount"}
WASABI = "https://s3.eu-central-1.wasabisys.com"
KEY_PASSWORD = "Encrypt!0n-pass"  # noqa: S105 - a test value the secret scan must find


def add_account(sim, token, kind="s3", user_name=None):
    body = {"accountType": ACCOUNT_TYPE[kind], "userName": user_name or f"{kind}key", "password": "cloud-secret"}
    response = sim.vb365("POST", "/v8/Accounts", token, json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def control_post(sim, path, **body):
    response = sim.control("POST", path, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def add_bucket(sim, **spec):
    return control_post(sim, "/vb365/buckets", **spec)


def add_pool(sim, name="pool1"):
    return control_post(sim, "/vb365/proxy_pools", name=name)["id"]


def add_proxy(sim, host="proxy1.example.test", **spec):
    return control_post(sim, "/vb365/proxies", hostName=host, **spec)["id"]


def add_key(sim, token, description="main key", password=KEY_PASSWORD):
    body = {"password": password, "description": description}
    response = sim.vb365("POST", "/v8/EncryptionKeys", token, json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def s3_storage(account_id, bucket="backups", folder="m365", **extra):
    return {"type": "AmazonS3", "accountId": account_id, "s3Folder": folder,
            "amazonBucketS3Aws": {"name": bucket, "regionType": "Global", "regionId": "eu-west-1"}, **extra}


def repository_body(account_id, proxy_id, name="repo1", **extra):
    return {"name": name, "retentionType": "SnapshotBased", "proxyId": proxy_id,
            "objectStorage": s3_storage(account_id), **extra}


def s3_world(sim, token):
    """An S3 account that sees bucket `backups` (folder `m365`) in eu-west-1, and one proxy."""
    account = add_account(sim, token)
    add_bucket(sim, accountId=account, name="backups", regionId="eu-west-1", folders=["m365"])
    return account, add_proxy(sim)


def assert_in_use(refused, repository):
    """A delete refused because the repository `repository` uses the object."""
    assert refused.status_code == 409
    assert refused.json()["errorCode"] == "OperationConflict"
    assert repository in refused.json()["message"]
