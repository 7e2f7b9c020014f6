"""VB365 object storage browse: buckets, containers and folders as one cloud account sees them, folder creation,
proxies and proxy pools (every answer is checked against the vendor's OpenAPI document)."""

import pytest
from storage_helpers import WASABI, add_account, add_bucket, add_pool, add_proxy

S3 = "/v8/S3Resources/buckets"
S3C = "/v8/S3CompatibleResources/buckets"
AZURE = "/v8/AzureResources/containers"


def get(sim, token, path, **params):
    return sim.vb365("GET", path, token, params=params)


def test_s3_buckets_by_account_region_and_name(sim, vb365_token):
    account = add_account(sim, vb365_token)
    other = add_account(sim, vb365_token, user_name="otherkey")
    add_bucket(sim, accountId=account, name="backups", regionId="eu-west-1", regionName="Europe (Ireland)")
    add_bucket(sim, accountId=account, name="archive", regionId="us-east-1")
    add_bucket(sim, accountType="amazonS3Account", name="shared", regionId="eu-west-1")
    add_bucket(sim, accountId=account, name="gov", regionType="USGovernment", regionId="us-gov-west-1")
    listed = get(sim, vb365_token, S3, accountId=account, RegionType="Global")
    assert listed.status_code == 200
    assert [bucket["name"] for bucket in listed.json()] == ["backups", "archive", "shared"]
    assert listed.json()[0]["regionName"] == "Europe (Ireland)"
    in_region = get(sim, vb365_token, S3, accountId=account, RegionType="Global", RegionId="eu-west-1")
    assert [bucket["name"] for bucket in in_region.json()] == ["backups", "shared"]
    assert [b["name"] for b in get(sim, vb365_token, S3, accountId=other, RegionType="Global").json()] == ["shared"]
    assert [b["name"] for b in get(sim, vb365_token, S3, accountId=account, RegionType="USGovernment").json()] == ["gov"]
    named = get(sim, vb365_token, S3, accountId=account, RegionType="Global", Name="a*")
    assert [bucket["name"] for bucket in named.json()] == ["archive"]
    one = get(sim, vb365_token, f"{S3}/backups", accountId=account, RegionType="Global")
    assert one.status_code == 200
    assert one.json()["regionId"] == "eu-west-1"
    assert get(sim, vb365_token, f"{S3}/backups", accountId=other, RegionType="Global").status_code == 404


@pytest.mark.parametrize("params", [
    {},
    {"RegionType": "Global"},
    {"accountId": "not-a-uuid", "RegionType": "Global"},
    {"accountId": "ACCOUNT", "RegionType": "Mars"},
    {"accountId": "ACCOUNT"},
])
def test_s3_browse_refuses_bad_queries(sim, vb365_token, params):
    account = add_account(sim, vb365_token)
    params = {key: account if value == "ACCOUNT" else value for key, value in params.items()}
    response = get(sim, vb365_token, S3, **params)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "ParameterValidationFailure"


def test_browse_needs_an_account_of_the_matching_type(sim, vb365_token):
    azure = add_account(sim, vb365_token, "azure")
    wrong = get(sim, vb365_token, S3, accountId=azure, RegionType="Global")
    assert wrong.status_code == 400
    unknown = get(sim, vb365_token, S3, accountId="5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11", RegionType="Global")
    assert unknown.status_code == 404
    assert unknown.json()["errorCode"] == "ResourceNotFound"


def test_s3_compatible_buckets_and_certificate_trust(sim, vb365_token):
    account = add_account(sim, vb365_token, "s3compatible")
    add_bucket(sim, accountId=account, name="wasabi-b", servicePoint=WASABI, customRegionId="eu-central-1")
    add_bucket(sim, accountId=account, name="minio-b", servicePoint="https://minio.lab:9000",
               customRegionId="us-east-1", certificateThumbprint="AB:CD:EF")
    listed = get(sim, vb365_token, S3C, accountId=account, ServicePoint=WASABI + "/", CustomRegionId="eu-central-1")
    assert listed.status_code == 200
    assert listed.json()[0] == {"servicePoint": WASABI, "customRegionId": "eu-central-1", "name": "wasabi-b",
                                "_links": listed.json()[0]["_links"]}
    minio = {"accountId": account, "ServicePoint": "https://minio.lab:9000", "CustomRegionId": "us-east-1"}
    assert get(sim, vb365_token, S3C, **minio).status_code == 400
    assert get(sim, vb365_token, S3C, **minio, trustedServerCertificateThumbprint="abcdef").json()[0]["name"] == "minio-b"
    assert get(sim, vb365_token, S3C, **minio, trustServerCertificate="true").status_code == 200
    assert get(sim, vb365_token, S3C, **minio, trustedServerCertificateThumbprint="00").status_code == 400
    assert get(sim, vb365_token, S3C, accountId=account, ServicePoint=WASABI).status_code == 400


def test_azure_containers_and_folders(sim, vb365_token):
    account = add_account(sim, vb365_token, "azure")
    add_bucket(sim, accountId=account, name="m365-backups", folders=["tenant-a"])
    add_bucket(sim, accountId=account, name="de-backups", regionType="Germany")
    listed = get(sim, vb365_token, AZURE, accountId=account, RegionType="Global")
    assert [(item["name"], item["regionType"]) for item in listed.json()] == [("m365-backups", "Global")]
    folders = get(sim, vb365_token, f"{AZURE}/m365-backups/folders", accountId=account, RegionType="Global")
    assert [(item["name"], item["path"]) for item in folders.json()] == [("tenant-a", "m365-backups/tenant-a")]
    created = sim.vb365("POST", f"{AZURE}/m365-backups/folders", vb365_token,
                        params={"accountId": account, "RegionType": "Global"}, json={"name": "tenant-b"})
    assert created.status_code == 201
    assert created.json()["name"] == "tenant-b"
    one = get(sim, vb365_token, f"{AZURE}/m365-backups/folders/tenant-b", accountId=account, RegionType="Global")
    assert one.status_code == 200
    missing = get(sim, vb365_token, f"{AZURE}/m365-backups/folders/none", accountId=account, RegionType="Global")
    assert missing.status_code == 404


@pytest.mark.parametrize(("body", "status"), [
    ({"name": "m365"}, 201),
    ({"name": "m365", "_links": {}}, 201),
    ({"name": ""}, 400),
    ({"name": "a/b"}, 400),
    ({"name": " m365"}, 400),
    ({}, 400),
    ({"name": 5}, 400),
])
def test_s3_folder_create_validation(sim, vb365_token, body, status):
    account = add_account(sim, vb365_token)
    add_bucket(sim, accountId=account, name="backups")
    query = {"accountId": account, "RegionType": "Global"}
    response = sim.vb365("POST", f"{S3}/backups/folders", vb365_token, params=query, json=body)
    assert response.status_code == status
    if status == 201:
        assert response.json()["name"] == "m365"
        again = sim.vb365("POST", f"{S3}/backups/folders", vb365_token, params=query, json=body)
        assert again.status_code == 409
        assert again.json()["errorCode"] == "OperationConflict"
        assert [f["name"] for f in get(sim, vb365_token, f"{S3}/backups/folders", **query).json()] == ["m365"]


def test_s3_compatible_folder_create_in_an_unknown_bucket_is_404(sim, vb365_token):
    account = add_account(sim, vb365_token, "s3compatible")
    query = {"accountId": account, "ServicePoint": WASABI, "CustomRegionId": "eu-central-1"}
    response = sim.vb365("POST", f"{S3C}/nope/folders", vb365_token, params=query, json={"name": "x"})
    assert response.status_code == 404
    add_bucket(sim, accountId=account, name="yes", servicePoint=WASABI, customRegionId="eu-central-1")
    response = sim.vb365("POST", f"{S3C}/yes/folders", vb365_token, params=query, json={"name": "x"})
    assert response.status_code == 201
    assert get(sim, vb365_token, f"{S3C}/yes/folders", **query).json()[0]["name"] == "x"


def test_proxies_and_pools_are_pages(sim, vb365_token):
    pool = add_pool(sim, "EU pool")
    first = add_proxy(sim, "proxy1.example.test", proxyPoolId=pool)
    add_proxy(sim, "proxy2.example.test", status="Offline", operatingSystem="Linux")
    proxies = sim.vb365("GET", "/v8/Proxies", vb365_token)
    assert proxies.status_code == 200
    page = proxies.json()
    assert (page["offset"], page["limit"]) == (0, 30)
    assert [(p["hostName"], p["proxyPoolId"], p["status"]) for p in page["results"]] == [
        ("proxy1.example.test", pool, "Online"), ("proxy2.example.test", None, "Offline")]
    second = sim.vb365("GET", "/v8/Proxies?offset=1&limit=1", vb365_token).json()
    assert [p["id"] for p in second["results"]] != [first] and len(second["results"]) == 1
    pools = sim.vb365("GET", "/v8/ProxyPools", vb365_token).json()
    assert [(p["id"], p["name"]) for p in pools["results"]] == [(pool, "EU pool")]
    for query in ("limit=0", "limit=10001", "offset=-1", "limit=x"):
        assert sim.vb365("GET", f"/v8/ProxyPools?{query}", vb365_token).status_code == 400


@pytest.mark.parametrize(("method", "path"), [
    ("GET", f"{S3}?accountId=5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11&RegionType=Global"),
    ("POST", f"{AZURE}/c/folders"),
    ("GET", "/v8/EncryptionKeys"),
    ("DELETE", "/v8/EncryptionKeys/5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"),
    ("GET", "/v8/BackupRepositories"),
    ("PUT", "/v8/BackupRepositories/5f0c3b4e-8a51-4f36-9d6a-0c2f7c1e9b11"),
    ("GET", "/v8/Proxies"),
    ("GET", "/v8/ProxyPools"),
])
def test_401_without_token(sim, method, path):
    response = sim.vb365(method, path, json={})
    assert response.status_code == 401
    assert response.content == b""


@pytest.mark.parametrize("spec", [
    {"name": "b"},
    {"accountType": "amazonS3Account"},
    {"accountType": "amazonS3Account", "name": "b", "servicePoint": WASABI},
    {"accountType": "amazonS3CompatibleAccount", "name": "b"},
    {"accountType": "azureBlobAccount", "name": "b", "regionId": "x"},
    {"accountType": "azureBlobAccount", "name": "b", "regionType": "USGovernment"},
    {"accountType": "amazonS3Account", "name": "b", "folders": "f"},
    {"accountType": "amazonS3Account", "name": "b", "color": "red"},
    {"accountId": "not-a-uuid", "name": "b"},
])
def test_control_bucket_validation(sim, spec):
    assert sim.control("POST", "/vb365/buckets", json=spec).status_code in (400, 404)
    assert sim.control("GET", "/vb365/buckets").json() == {"buckets": []}
