"""Control API for what lives outside VB365: cloud buckets and containers, backup proxies and proxy pools
(POST to add, GET to read back), and the stored encryption passwords (for tests)."""

import uuid
from dataclasses import asdict

from ..core.messages import ApiError, json_response
from ..core.control import check_keys
from .model import ACCOUNT_TYPES
from .api import parse_uuid
from .storage import AZURE_REGION_TYPES, S3_REGION_TYPES
from .storage_model import KIND_BY_ACCOUNT_TYPE, Bucket, Proxy, ProxyPool

BUCKET_KEYS = {"accountType", "accountId", "name", "regionType", "regionId", "regionName", "servicePoint",
               "customRegionId", "certificateThumbprint", "folders"}
PROXY_KEYS = {"hostName", "description", "proxyPoolId", "port", "status", "operatingSystem"}
POOL_KEYS = {"name", "description"}


def _text(spec, name, default=None):
    value = spec.get(name, default)
    if value is None and default is None:
        raise ApiError(400, f"{name} is required.")
    if not isinstance(value, str) or (value == "" and default != ""):
        raise ApiError(400, f"{name} must be a {'' if default == '' else 'non-empty '}string.")
    return value


def _optional_text(spec, name):
    return None if spec.get(name) is None else _text(spec, name)


def _choice(spec, name, allowed, default):
    value = spec.get(name, default)
    if value not in allowed:
        raise ApiError(400, f"{name} must be one of {', '.join(allowed)}.")
    return value


class StorageControl:
    def __init__(self, control):
        self.state = control.state
        add = control.router.add
        prefix = "/_simulator/vb365"
        add("GET", f"{prefix}/buckets", self.list_buckets)
        add("POST", f"{prefix}/buckets", self.add_bucket)
        add("GET", f"{prefix}/proxies", self.list_proxies)
        add("POST", f"{prefix}/proxies", self.add_proxy)
        add("GET", f"{prefix}/proxy_pools", self.list_pools)
        add("POST", f"{prefix}/proxy_pools", self.add_pool)
        add("GET", f"{prefix}/encryption_keys/{{key_id}}/secret", self.key_secret)

    @property
    def storage(self):
        return self.state.vb365.object_storage

    def list_buckets(self, request):
        return json_response(200, {"buckets": [asdict(bucket) for bucket in self.storage.buckets.values()]})

    def add_bucket(self, request):
        spec = request.json_object()
        check_keys(spec, BUCKET_KEYS)
        account_type, account_id = self._owner(spec)
        bucket = Bucket(str(uuid.uuid4()), account_type, _text(spec, "name"), account_id,
                        folders=self._folders(spec), **self._region(KIND_BY_ACCOUNT_TYPE[account_type], spec))
        for other in self.storage.buckets.values():
            if asdict(other) | {"id": "", "folders": []} == asdict(bucket) | {"id": "", "folders": []}:
                raise ApiError(409, f"bucket {bucket.name!r} already exists there (id {other.id}).")
        return self._added(self.storage.buckets, bucket)

    def list_proxies(self, request):
        return json_response(200, {"proxies": [asdict(proxy) for proxy in self.storage.proxies.values()]})

    def add_proxy(self, request):
        spec = request.json_object()
        check_keys(spec, PROXY_KEYS)
        pool = spec.get("proxyPoolId")
        if pool is not None and parse_uuid(pool, "proxyPoolId") not in self.storage.pools:
            raise ApiError(404, f"no proxy pool {pool}.")
        port = spec.get("port", 9193)
        if isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536:
            raise ApiError(400, "port must be an integer from 1 to 65535.")
        proxy = Proxy(str(uuid.uuid4()), _text(spec, "hostName"), _text(spec, "description", ""),
                      None if pool is None else parse_uuid(pool, "proxyPoolId"), port,
                      _choice(spec, "status", ("Online", "Offline"), "Online"),
                      _choice(spec, "operatingSystem", ("Windows", "Linux"), "Windows"))
        if any(other.host_name.lower() == proxy.host_name.lower() for other in self.storage.proxies.values()):
            raise ApiError(409, f"a proxy {proxy.host_name!r} already exists.")
        return self._added(self.storage.proxies, proxy)

    def list_pools(self, request):
        return json_response(200, {"proxy_pools": [asdict(pool) for pool in self.storage.pools.values()]})

    def add_pool(self, request):
        spec = request.json_object()
        check_keys(spec, POOL_KEYS)
        pool = ProxyPool(str(uuid.uuid4()), _text(spec, "name"), _text(spec, "description", ""))
        if any(other.name.lower() == pool.name.lower() for other in self.storage.pools.values()):
            raise ApiError(409, f"a proxy pool {pool.name!r} already exists.")
        return self._added(self.storage.pools, pool)

    def _added(self, collection, item):
        collection[item.id] = item
        self.state.changed()
        return json_response(201, asdict(item))

    def key_secret(self, request, key_id):
        key = self.storage.keys.get(parse_uuid(key_id, "key id"))
        if key is None:
            raise ApiError(404, f"no encryption password {key_id}.")
        return json_response(200, {"password": key.password})

    def _owner(self, spec):
        """(account type, account id or None): one account given by id, or every account of a type."""
        if spec.get("accountId") is None:
            return _choice(spec, "accountType", ACCOUNT_TYPES, None), None
        account = self.state.vb365.accounts.get(parse_uuid(spec["accountId"], "accountId"))
        if account is None:
            raise ApiError(404, f"no account {spec['accountId']}.")
        if spec.get("accountType") not in (None, account.account_type):
            raise ApiError(400, f"account {account.id} is an {account.account_type}, not {spec['accountType']}.")
        return account.account_type, account.id

    @staticmethod
    def _folders(spec):
        folders = spec.get("folders", [])
        if not isinstance(folders, list) or not all(isinstance(item, str) and item for item in folders):
            raise ApiError(400, "folders must be a list of non-empty strings.")
        return list(dict.fromkeys(folders))

    @staticmethod
    def _region(kind, spec):
        if kind == "s3compatible":
            if any(spec.get(name) is not None for name in ("regionType", "regionId", "regionName")):
                raise ApiError(400, "an S3 Compatible bucket takes servicePoint and customRegionId, not regionType, "
                                    "regionId or regionName.")
            thumbprint = _optional_text(spec, "certificateThumbprint")
            return {"service_point": _text(spec, "servicePoint"),
                    "custom_region_id": _text(spec, "customRegionId", "us-east-1"), "certificate_thumbprint": thumbprint}
        if any(spec.get(name) is not None for name in ("servicePoint", "customRegionId", "certificateThumbprint")):
            raise ApiError(400, "servicePoint, customRegionId and certificateThumbprint are for S3 Compatible buckets.")
        if kind == "azure":
            if any(spec.get(name) is not None for name in ("regionId", "regionName")):
                raise ApiError(400, "an Azure container takes regionType only.")
            return {"region_type": _choice(spec, "regionType", AZURE_REGION_TYPES, "Global")}
        return {"region_type": _choice(spec, "regionType", S3_REGION_TYPES, "Global"),
                "region_id": _text(spec, "regionId", "us-east-1"), "region_name": _optional_text(spec, "regionName")}
