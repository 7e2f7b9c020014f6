"""VB365 object storage state: cloud buckets and containers (seeded), encryption passwords, proxies, proxy
pools and object storage backup repositories. Plain data, no HTTP: api.py asks it who uses an account."""

from dataclasses import asdict, dataclass, field

from ..core.product import Store

# The object storage kind of each cloud account type, and the repository types that use that kind.
KIND_BY_ACCOUNT_TYPE = {"amazonS3Account": "s3", "amazonS3CompatibleAccount": "s3compatible",
                        "azureBlobAccount": "azure"}
KIND_BY_REPOSITORY_TYPE = {"AmazonS3": "s3", "AmazonS3Compatible": "s3compatible", "WasabiCloud": "s3compatible",
                           "IBMCloud": "s3compatible", "AzureBlob": "azure"}


@dataclass
class Bucket:
    """An Amazon S3 or S3 Compatible bucket or an Azure container, as the cloud holds it.

    Seen by the account `account_id`, or by every account of `account_type` when `account_id` is None.
    `region_type` (S3, Azure), `region_id`/`region_name` (S3) and `service_point`/`custom_region_id`
    (S3 Compatible) say where it is; `certificate_thumbprint` marks an S3 Compatible endpoint with a
    self-signed certificate. `folders` holds folder names; a folder stays when its repository is removed."""

    id: str
    account_type: str
    name: str
    account_id: str | None = None
    region_type: str | None = None
    region_id: str | None = None
    region_name: str | None = None
    service_point: str | None = None
    custom_region_id: str | None = None
    certificate_thumbprint: str | None = None
    folders: list[str] = field(default_factory=list)

    @property
    def kind(self):
        return KIND_BY_ACCOUNT_TYPE[self.account_type]


@dataclass
class EncryptionKey:
    id: str
    password: str
    description: str = ""
    organization_id: str | None = None


@dataclass
class ProxyPool:
    id: str
    name: str
    description: str = ""


@dataclass
class Proxy:
    id: str
    host_name: str
    description: str = ""
    proxy_pool_id: str | None = None
    port: int = 9193
    status: str = "Online"
    operating_system: str = "Windows"


class ObjectStorage:
    """All of it, keyed by id. `repositories` holds each repository's stored fields as a dict (see
    repositories.py), with `objectStorage.bucketId` naming the bucket it lives in."""

    def __init__(self):
        self.buckets = {}
        self.keys = {}
        self.proxies = {}
        self.pools = {}
        self.repositories = {}

    def repositories_using(self, field_name, value):
        """Names of the repositories whose `field_name` (a top-level or objectStorage field) is `value`."""
        return [repo["name"] for repo in self.repositories.values()
                if value is not None and value in (repo.get(field_name), repo["objectStorage"].get(field_name))]

    def to_dict(self):
        return {"buckets": [asdict(item) for item in self.buckets.values()],
                "keys": [asdict(item) for item in self.keys.values()],
                "proxies": [asdict(item) for item in self.proxies.values()],
                "pools": [asdict(item) for item in self.pools.values()],
                "repositories": list(self.repositories.values())}

    @classmethod
    def from_dict(cls, data):
        storage = cls()
        for name, kind in (("buckets", Bucket), ("keys", EncryptionKey), ("proxies", Proxy), ("pools", ProxyPool)):
            setattr(storage, name, {item["id"]: kind(**item) for item in data.get(name, [])})
        storage.repositories = {item["id"]: item for item in data.get("repositories", [])}
        return storage


OBJECT_STORAGE = Store("object_storage", new=lambda admin: ObjectStorage(), dump=ObjectStorage.to_dict,
                       load=lambda saved, admin: ObjectStorage.from_dict(saved), missing={})
