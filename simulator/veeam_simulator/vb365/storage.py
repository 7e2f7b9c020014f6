"""VB365 v8 object storage: browse buckets/containers and folders with a cloud account, encryption passwords,
proxies and proxy pools. Repositories are in repositories.py; both register on the VB365 router."""

import uuid
from functools import partial

from ..core.auth import parse_bool, required_text
from ..core.listquery import int_query, wildcard_regex
from ..core.messages import ApiError, empty_response, json_response
from .api import created, parse_uuid
from .storage_model import EncryptionKey

S3_REGION_TYPES = ("Global", "USGovernment", "China")
AZURE_REGION_TYPES = ("Global", "Germany", "China", "Government")
# kind -> (collection path, path parameter of a bucket, the account type that may browse it)
COLLECTIONS = {
    "s3": ("/v8/S3Resources/buckets", "amazonS3Account"),
    "s3compatible": ("/v8/S3CompatibleResources/buckets", "amazonS3CompatibleAccount"),
    "azure": ("/v8/AzureResources/containers", "azureBlobAccount"),
}
MAX_PAGE = 10000
PROXY_VERSION = "8.1.0.331"  # invented: the simulator's proxies all report this build


def text_field(body, name, default=None):
    value = body.get(name)
    if value is None:
        return default
    if not isinstance(value, str):
        raise ApiError(400, f"The field {name} must be a string.")
    return value


def uuid_field(body, name):
    value = body.get(name)
    return None if value is None else parse_uuid(value, name)


def page_response(request, items):
    """PageOfREST*: `limit` (default 30, at most 10000) and `offset` (default 0) select a slice."""
    limit, offset = _int_query(request, "limit", 30, 1), _int_query(request, "offset", 0, 0)
    if limit > MAX_PAGE:
        raise ApiError(400, f"The value of limit must not exceed {MAX_PAGE}.")
    return json_response(200, {"offset": offset, "limit": limit, "results": items[offset:offset + limit]})


def _int_query(request, name, default, minimum):
    number = int_query(request, name, default,
                       lambda raw: ApiError(400, f"The value of {name} must be an integer: {raw!r}."))
    if number < minimum:
        raise ApiError(400, f"The value of {name} must be at least {minimum}.")
    return number


def _enum_query(request, name, allowed):
    value = request.query_value(name)
    if value is None:
        raise ApiError(400, f"The query parameter {name} is required; one of {', '.join(allowed)}.")
    match = next((item for item in allowed if item.lower() == value.lower()), None)
    if match is None:
        raise ApiError(400, f"The value of {name} must be one of {', '.join(allowed)}: {value!r}.")
    return match


def _required_query(request, name):
    value = request.query_value(name)
    if value is None:
        raise ApiError(400, f"The query parameter {name} is required.")
    return value


def _name_filter(request, items, attribute):
    pattern = request.query_value("Name")
    if pattern is None:
        return items
    regex = wildcard_regex(pattern, ignore_case=True)
    return [item for item in items if regex.fullmatch(attribute(item))]


def normalized_thumbprint(value):
    return "".join(char for char in value if char not in ": ").lower()


class Location:
    """Where a browse request looks: the account and the region it names in its query."""

    def __init__(self, kind, account, values):
        self.kind, self.account, self.values = kind, account, values

    def holds(self, bucket):
        if bucket.account_type != self.account.account_type or bucket.account_id not in (None, self.account.id):
            return False
        if self.kind == "s3compatible":
            return (bucket.service_point.rstrip("/").lower() == self.values["servicePoint"].rstrip("/").lower()
                    and bucket.custom_region_id.lower() == self.values["customRegionId"].lower())
        region_id = self.values.get("regionId")
        return bucket.region_type == self.values["regionType"] and (
            region_id is None or (bucket.region_id or "").lower() == region_id.lower())


class ObjectStorageRoutes:
    def __init__(self, api):
        self.api = api
        self.state = api.state
        add = api.router.add
        for kind, (base, _) in COLLECTIONS.items():
            add("GET", base, partial(self.list_buckets, kind))
            add("GET", base + "/{name}", partial(self.get_bucket, kind))
            add("GET", base + "/{name}/folders", partial(self.list_folders, kind))
            add("POST", base + "/{name}/folders", partial(self.create_folder, kind))
            add("GET", base + "/{name}/folders/{folder}", partial(self.get_folder, kind))
        add("GET", "/v8/EncryptionKeys", self.list_keys)
        add("POST", "/v8/EncryptionKeys", self.create_key)
        add("GET", "/v8/EncryptionKeys/{key_id}", self.get_key)
        add("DELETE", "/v8/EncryptionKeys/{key_id}", self.delete_key)
        add("GET", "/v8/Proxies", self.list_proxies)
        add("GET", "/v8/ProxyPools", self.list_pools)

    @property
    def storage(self):
        return self.state.vb365.object_storage

    # --- buckets, containers and folders ----------------------------------------------------

    def list_buckets(self, kind, request):
        location = self._location(kind, request, region_filter=True)
        found = [bucket for bucket in self.storage.buckets.values() if location.holds(bucket)]
        found = _name_filter(request, found, lambda bucket: bucket.name)
        return json_response(200, [self.bucket_view(bucket) for bucket in found])

    def get_bucket(self, kind, request, name):
        return json_response(200, self.bucket_view(self._bucket(self._location(kind, request), name)))

    def list_folders(self, kind, request, name):
        bucket = self._bucket(self._location(kind, request), name)
        folders = _name_filter(request, bucket.folders, lambda folder: folder)
        return json_response(200, [self._folder_view(bucket, folder) for folder in folders])

    def get_folder(self, kind, request, name, folder):
        bucket = self._bucket(self._location(kind, request), name)
        if folder not in bucket.folders:
            raise ApiError(404, f"The folder {folder!r} was not found in {bucket.name!r}.", "ResourceNotFound")
        return json_response(200, self._folder_view(bucket, folder))

    def create_folder(self, kind, request, name):
        bucket = self._bucket(self._location(kind, request), name)
        folder = required_text(self.api.json_body(request), "name")
        if "/" in folder or "\\" in folder or folder.strip() != folder:
            raise ApiError(400, f"The folder name {folder!r} must be one level: no slash, no leading or trailing "
                                "spaces.")
        if folder in bucket.folders:
            raise ApiError(409, f"The folder {folder!r} already exists in {bucket.name!r}.", "OperationConflict")
        bucket.folders.append(folder)
        self.state.changed()
        return json_response(201, self._folder_view(bucket, folder))

    def find_bucket(self, kind, account, values):
        """The bucket a repository body names (values: name and the region fields), or a 404."""
        return self._bucket(Location(kind, account, values), values["name"])

    def _location(self, kind, request, region_filter=False):
        """Where the request looks. RegionId is declared on the bucket list only (read there as a filter,
        INFERRED); the operations on one bucket declare none, so they find the bucket by name in the RegionType."""
        account = self.account(_required_query(request, "accountId"), COLLECTIONS[kind][1])
        if kind == "s3compatible":
            values = {"servicePoint": _required_query(request, "ServicePoint"),
                      "customRegionId": _required_query(request, "CustomRegionId")}
            self.check_certificate(values["servicePoint"], request.query_value("trustServerCertificate"),
                                   request.query_value("trustedServerCertificateThumbprint"))
        elif kind == "s3":
            values = {"regionType": _enum_query(request, "RegionType", S3_REGION_TYPES),
                      "regionId": request.query_value("RegionId") if region_filter else None}
        else:
            values = {"regionType": _enum_query(request, "RegionType", AZURE_REGION_TYPES)}
        return Location(kind, account, values)

    def check_certificate(self, service_point, trust, thumbprint):
        """Refused unless the endpoint's certificate is trusted: publicly (no thumbprint seeded), or by
        trustServerCertificate, or by the matching thumbprint."""
        if trust is not None and parse_bool(trust, "trustServerCertificate"):
            return
        given = normalized_thumbprint(thumbprint or "")
        for bucket in self.storage.buckets.values():
            if (bucket.certificate_thumbprint and bucket.service_point.rstrip("/").lower()
                    == service_point.rstrip("/").lower() and normalized_thumbprint(bucket.certificate_thumbprint)
                    != given):
                raise ApiError(400, f"The certificate of {service_point} is not trusted: set trustServerCertificate "
                                    "to true or pass its trustedServerCertificateThumbprint.")

    def account(self, account_id, account_type):
        account = self.state.vb365.accounts.get(parse_uuid(account_id, "accountId"))
        if account is None:
            raise ApiError(404, f"Cloud account {account_id} was not found.", "ResourceNotFound")
        if account.account_type != account_type:
            raise ApiError(400, f"The cloud account {account.id} is an {account.account_type}; this operation "
                                f"needs an {account_type}.")
        return account

    def _bucket(self, location, name):
        bucket = next((item for item in self.storage.buckets.values()
                       if item.name == name and location.holds(item)), None)
        if bucket is None:
            noun = "container" if location.kind == "azure" else "bucket"
            where = ", ".join(f"{key} {value}" for key, value in location.values.items() if value)
            raise ApiError(404, f"The {noun} {name!r} was not found with cloud account {location.account.id} "
                                f"({location.account.user_name}) in {where}.", "ResourceNotFound")
        return bucket

    def bucket_view(self, bucket):
        link = {"self": {"href": f"{self.api.base_url}{COLLECTIONS[bucket.kind][0]}/{bucket.name}"}}
        if bucket.kind == "s3":
            return {"regionType": bucket.region_type, "regionName": bucket.region_name or bucket.region_id or "",
                    "regionId": bucket.region_id or "", "name": bucket.name, "_links": link}
        if bucket.kind == "s3compatible":
            return {"servicePoint": bucket.service_point, "customRegionId": bucket.custom_region_id,
                    "name": bucket.name, "_links": link}
        return {"name": bucket.name, "regionType": bucket.region_type, "_links": link}

    def _folder_view(self, bucket, folder):
        href = f"{self.api.base_url}{COLLECTIONS[bucket.kind][0]}/{bucket.name}/folders/{folder}"
        return {"path": f"{bucket.name}/{folder}", "name": folder, "_links": {"self": {"href": href}}}

    # --- encryption passwords -------------------------------------------------------------------

    def list_keys(self, request):
        keys = list(self.storage.keys.values())
        description = request.query_value("description")
        if description is not None:
            keys = [key for key in keys if key.description == description]
        organization = request.query_value("organizationId")
        if organization is not None:
            organization = parse_uuid(organization, "organizationId")
            keys = [key for key in keys if key.organization_id == organization]
        return json_response(200, [self._key_view(key) for key in keys])

    def create_key(self, request):
        body = self.api.json_body(request)
        for name in ("newPassword", "oldPassword"):
            if body.get(name) is not None:
                raise ApiError(400, f"The field {name} is not accepted: an encryption password cannot be changed, "
                                    "add a new one with password.")
        key = EncryptionKey(str(uuid.uuid4()), required_text(body, "password"), text_field(body, "description", ""),
                            uuid_field(body, "organizationId"))
        self.state.secrets_seen.add("encryption_password", key.password)
        return created(self.state, self.storage.keys, key.id, key, self._key_view(key))

    def get_key(self, request, key_id):
        return json_response(200, self._key_view(self.find_key(key_id)))

    def delete_key(self, request, key_id):
        key = self.find_key(key_id)
        users = self.storage.repositories_using("encryptionKeyId", key.id)
        if users:
            raise ApiError(409, f"The encryption password {key.id} is in use by the backup repositories "
                                f"{', '.join(users)}.", "OperationConflict")
        del self.storage.keys[key.id]
        self.state.changed()
        return empty_response(204)

    def find_key(self, key_id):
        key = self.storage.keys.get(parse_uuid(key_id, "keyId"))
        if key is None:
            raise ApiError(404, f"Encryption password {key_id} was not found.", "ResourceNotFound")
        return key

    def _key_view(self, key):
        return {"id": key.id, "description": key.description, "organizationId": key.organization_id,
                "_links": {"self": {"href": f"{self.api.base_url}/v8/EncryptionKeys/{key.id}"}}}

    # --- proxies and proxy pools -----------------------------------------------------------------

    def list_proxies(self, request):
        return page_response(request, [self._proxy_view(proxy) for proxy in self.storage.proxies.values()])

    def list_pools(self, request):
        return page_response(request, [
            {"id": pool.id, "name": pool.name, "description": pool.description,
             "_links": {"self": {"href": f"{self.api.base_url}/v8/ProxyPools/{pool.id}"}}}
            for pool in self.storage.pools.values()])

    def _proxy_view(self, proxy):
        """Enum fields without a value are left out: their enums hold no null."""
        return {
            "type": "Domain", "useInternetProxy": False,
            "operatingSystem": proxy.operating_system, "id": proxy.id, "proxyPoolId": proxy.proxy_pool_id,
            "hostName": proxy.host_name, "fqdn": proxy.host_name, "description": proxy.description,
            "port": proxy.port, "enableNetworkThrottling": False, "throttlingValue": None,
            "status": proxy.status, "maintenanceModeState": "Disabled", "cpuUsagePercent": None,
            "memoryUsagePercent": None, "version": PROXY_VERSION, "serviceAccount": None, "role": ["Processor"],
            "_links": {"self": {"href": f"{self.api.base_url}/v8/Proxies/{proxy.id}"}},
        }
