"""VB365 v8 /v8/BackupRepositories for object storage repositories (RESTBackupRepositoryFromClient in,
RESTBackupRepository out). PUT merges: a field left out or null keeps its stored value."""

import copy
import re
import uuid

from ..core.auth import parse_bool
from ..core.messages import ApiError, empty_response, json_response
from .api import created, parse_uuid
from .storage import S3_REGION_TYPES, AZURE_REGION_TYPES, COLLECTIONS, page_response, text_field, uuid_field
from .storage_model import KIND_BY_REPOSITORY_TYPE

ENUMS = {
    "retentionType": ("ItemLevel", "SnapshotBased"),
    "retentionPeriodType": ("Monthly", "Daily", "Yearly"),
    "yearlyRetentionPeriod": ("Year1", "Years2", "Years3", "Years5", "Years7", "Years10", "Years25", "Keep"),
    "retentionFrequencyType": ("Daily", "Monthly"),
    "dailyType": ("Everyday", "Workdays", "Weekends", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                  "Saturday", "Sunday"),
    "monthlyDaynumber": ("First", "Second", "Third", "Fourth", "Last"),
    "monthlyDayofweek": ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
}
PERIODS = {"Daily": "dailyRetentionPeriod", "Monthly": "monthlyRetentionPeriod", "Yearly": "yearlyRetentionPeriod"}
# INFERRED defaults: the console's defaults for a new repository (3 years, clean-up every day at 18:00).
DEFAULTS = {
    "description": "", "retentionPeriodType": "Yearly", "yearlyRetentionPeriod": "Years3",
    "dailyRetentionPeriod": None, "monthlyRetentionPeriod": None, "retentionFrequencyType": "Daily",
    "dailyTime": "18:00:00", "dailyType": "Everyday", "monthlyTime": "18:00:00", "monthlyDaynumber": "First",
    "monthlyDayofweek": "Saturday", "proxyId": None, "proxyPoolId": None, "organizationId": None,
    "objectStorageEncryptionEnabled": False, "encryptionKeyId": None,
}
STORAGE_DEFAULTS = {"sizeLimitEnabled": False, "sizeLimitGB": None, "enableImmutability": False,
                    "enableImmutabilityGovernanceMode": False, "immutabilityPeriodDays": None,
                    "standardIaStorageClassEnabled": False, "oneZoneIaStorageClassEnabled": False}
STORAGE_BOOLS = ("sizeLimitEnabled", "enableImmutability", "enableImmutabilityGovernanceMode",
                 "standardIaStorageClassEnabled", "oneZoneIaStorageClassEnabled")
NOT_SERVED = ("glacierDeepArchiveEnabled", "glacierInstantRetrievalEnabled", "useArchiverAppliance")
BUCKET_FIELD = {"s3": "amazonBucketS3Aws", "s3compatible": "amazonBucketS3Compatible", "azure": "azureContainer"}
FOLDER_FIELD = {"s3": "s3Folder", "s3compatible": "s3Folder", "azure": "azureFolder"}
TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)(:([0-5]\d))?")
GIB = 1024 ** 3


def _enum(body, name):
    value = body.get(name)
    if value is not None and value not in ENUMS[name]:
        raise ApiError(400, f"The field {name} must be one of {', '.join(ENUMS[name])}.")
    return value


def _positive_int(body, name):
    value = body.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ApiError(400, f"The field {name} must be an integer of at least 1.")
    return value


def _time(body, name):
    """A time of day as .NET writes a TimeSpan: HH:MM:SS (HH:MM is accepted and read back with :00)."""
    value = text_field(body, name)
    if value is None:
        return None
    match = TIME.fullmatch(value)
    if not match:
        raise ApiError(400, f"The field {name} must be a time of day HH:MM:SS: {value!r}.")
    return f"{match.group(1)}:{match.group(2)}:{match.group(4) or '00'}"


def _bool(body, name):
    value = body.get(name)
    return None if value is None else parse_bool(value, f"The field {name}")


def _given(values):
    return {key: value for key, value in values.items() if value is not None}


def _top_fields(body):
    name = text_field(body, "name")
    if name is not None and not name.strip():
        raise ApiError(400, "The field name must not be empty.")
    fields = {"name": name, "description": text_field(body, "description"),
              "dailyRetentionPeriod": _positive_int(body, "dailyRetentionPeriod"),
              "monthlyRetentionPeriod": _positive_int(body, "monthlyRetentionPeriod"),
              "dailyTime": _time(body, "dailyTime"), "monthlyTime": _time(body, "monthlyTime"),
              "objectStorageEncryptionEnabled": _bool(body, "objectStorageEncryptionEnabled")}
    fields.update({name: _enum(body, name) for name in ENUMS})
    fields.update({name: uuid_field(body, name) for name in ("proxyId", "proxyPoolId", "organizationId",
                                                              "encryptionKeyId")})
    _bool(body, "attachUsedRepository")  # validated; the simulator attaches a folder's data silently
    return _given(fields)


class RepositoryRoutes:
    def __init__(self, api, storage_routes):
        self.api, self.state, self.routes = api, api.state, storage_routes
        add = api.router.add
        add("GET", "/v8/BackupRepositories", self.list_repositories)
        add("POST", "/v8/BackupRepositories", self.create_repository)
        add("GET", "/v8/BackupRepositories/{repository_id}", self.get_repository)
        add("PUT", "/v8/BackupRepositories/{repository_id}", self.update_repository)
        add("DELETE", "/v8/BackupRepositories/{repository_id}", self.delete_repository)

    @property
    def repositories(self):
        return self.state.vb365.object_storage.repositories

    def list_repositories(self, request):
        selected = list(self.repositories.values())
        for name in ("proxyId", "proxyPoolId", "organizationId"):
            value = request.query_value(name)
            if value is not None:
                value = parse_uuid(value, name)
                selected = [repo for repo in selected if repo[name] == value]
        long_term = request.query_value("longTerm")
        if long_term is not None and parse_bool(long_term, "longTerm"):
            selected = []  # the simulator serves no archive (long-term) repositories
        return page_response(request, [self.view(repo) for repo in selected])

    def create_repository(self, request):
        body = self._body(request)
        if not isinstance(body.get("objectStorage"), dict):
            raise ApiError(400, "The field objectStorage is required: the simulator serves object storage "
                                "repositories only.")
        repo = {**DEFAULTS, **_top_fields(body), "id": str(uuid.uuid4())}
        if not repo.get("name"):
            raise ApiError(400, "The field name is required.")
        repo["objectStorage"] = self._new_storage(body["objectStorage"])
        self._check(repo)
        return created(self.state, self.repositories, repo["id"], repo, self.view(repo))

    def get_repository(self, request, repository_id):
        return json_response(200, self.view(self._find(repository_id)))

    def update_repository(self, request, repository_id):
        current = self._find(repository_id)
        body = self._body(request)
        fields = _top_fields(body)
        for name in ("retentionType", "objectStorageEncryptionEnabled"):
            if name in fields and fields[name] != current[name]:
                raise ApiError(400, f"The field {name} of an existing backup repository cannot be changed.")
        if fields.get("proxyId"):
            fields.setdefault("proxyPoolId", None)
        if fields.get("proxyPoolId"):
            fields.setdefault("proxyId", None)
        updated = {**copy.deepcopy(current), **fields}
        storage = body.get("objectStorage")
        if storage is not None:
            if not isinstance(storage, dict):
                raise ApiError(400, "The field objectStorage must be an object.")
            updated["objectStorage"] = self._changed_storage(current["objectStorage"], storage)
        self._check(updated)
        if updated != current:
            self.repositories[current["id"]] = updated
            self.state.changed()
        return empty_response(204)

    def delete_repository(self, request, repository_id):
        """Removes the repository from the configuration only: its bucket folder and the backups in it stay."""
        del self.repositories[self._find(repository_id)["id"]]
        self.state.changed()
        return empty_response(204)

    def _body(self, request):
        """The JSON body; retentionType is the one field the schema requires, on PUT as on POST."""
        body = self.api.json_body(request)
        if body.get("retentionType") is None:
            raise ApiError(400, f"The field retentionType is required; one of {', '.join(ENUMS['retentionType'])}.")
        return body

    def _find(self, repository_id):
        repo = self.repositories.get(parse_uuid(repository_id, "repositoryId"))
        if repo is None:
            raise ApiError(404, f"Backup repository {repository_id} was not found.", "ResourceNotFound")
        return repo

    # --- validation -------------------------------------------------------------------------------

    def _check(self, repo):
        self._check_retention(repo)
        self._check_proxy(repo)
        self._check_encryption(repo)
        self._check_storage_rules(repo["objectStorage"])
        for other in self.repositories.values():
            if other["id"] == repo["id"]:
                continue
            if other["name"].lower() == repo["name"].lower():
                raise ApiError(409, f"A backup repository named {repo['name']!r} already exists (id {other['id']}).",
                               "OperationConflict")
            mine, theirs = repo["objectStorage"], other["objectStorage"]
            if (mine["bucketId"], mine["folder"]) == (theirs["bucketId"], theirs["folder"]):
                raise ApiError(409, f"The folder {mine['folder']!r} is already used by the backup repository "
                                    f"{other['name']!r}.", "OperationConflict")

    @staticmethod
    def _check_retention(repo):
        active = PERIODS[repo["retentionPeriodType"]]
        if repo[active] is None:
            raise ApiError(400, f"The field {active} is required when retentionPeriodType is "
                                f"{repo['retentionPeriodType']}.")
        for period in PERIODS.values():
            if period != active:
                repo[period] = None

    def _check_proxy(self, repo):
        storage = self.state.vb365.object_storage
        if (repo["proxyId"] is None) == (repo["proxyPoolId"] is None):
            raise ApiError(400, "Exactly one of proxyId and proxyPoolId is required.")
        if repo["proxyId"] is not None and repo["proxyId"] not in storage.proxies:
            raise ApiError(404, f"Backup proxy server {repo['proxyId']} was not found.", "ResourceNotFound")
        if repo["proxyPoolId"] is not None and repo["proxyPoolId"] not in storage.pools:
            raise ApiError(404, f"Backup proxy pool {repo['proxyPoolId']} was not found.", "ResourceNotFound")

    def _check_encryption(self, repo):
        if not repo["objectStorageEncryptionEnabled"]:
            if repo["encryptionKeyId"] is not None:
                raise ApiError(400, "The field encryptionKeyId needs objectStorageEncryptionEnabled set to true.")
            return
        if repo["encryptionKeyId"] is None:
            raise ApiError(400, "The field encryptionKeyId is required when objectStorageEncryptionEnabled is true.")
        self.routes.find_key(repo["encryptionKeyId"])

    @staticmethod
    def _check_storage_rules(storage):
        if storage["sizeLimitEnabled"] and storage["sizeLimitGB"] is None:
            raise ApiError(400, "The field objectStorage.sizeLimitGB is required when sizeLimitEnabled is true.")
        if not storage["sizeLimitEnabled"]:
            storage["sizeLimitGB"] = None
        if storage["enableImmutability"] and storage["immutabilityPeriodDays"] is None:
            raise ApiError(400, "The field objectStorage.immutabilityPeriodDays is required when enableImmutability "
                                "is true.")
        if not storage["enableImmutability"]:
            storage["immutabilityPeriodDays"], storage["enableImmutabilityGovernanceMode"] = None, False
        if storage["kind"] != "s3":
            storage["standardIaStorageClassEnabled"] = storage["oneZoneIaStorageClassEnabled"] = False

    def _new_storage(self, body):
        kind_type = body.get("type")
        if not isinstance(kind_type, str) or kind_type not in KIND_BY_REPOSITORY_TYPE:
            raise ApiError(400, f"The field objectStorage.type must be one of {', '.join(KIND_BY_REPOSITORY_TYPE)} "
                                "(archive tiers are not served by the simulator).")
        kind = KIND_BY_REPOSITORY_TYPE[kind_type]
        if body.get("accountId") is None:
            raise ApiError(400, "The field objectStorage.accountId is required.")
        storage = {**STORAGE_DEFAULTS, "id": str(uuid.uuid4()), "type": kind_type, "kind": kind}
        storage.update(self._storage_settings(body))
        storage.update(self._placement(kind, body))
        return storage

    def _changed_storage(self, current, body):
        if body.get("type") not in (None, current["type"]):
            raise ApiError(400, "The field objectStorage.type of an existing backup repository cannot be changed.")
        settings = self._storage_settings(body)
        if settings.get("enableImmutability", current["enableImmutability"]) != current["enableImmutability"]:
            raise ApiError(400, "The field objectStorage.enableImmutability cannot be changed after creation.")
        updated = {**current, **settings}
        if any(body.get(name) is not None for name in ("accountId", BUCKET_FIELD[current["kind"]],
                                                        FOLDER_FIELD[current["kind"]])):
            placement = self._placement(current["kind"], {
                "accountId": current["accountId"], BUCKET_FIELD[current["kind"]]: self._bucket_fields(current),
                FOLDER_FIELD[current["kind"]]: current["folder"], **_given(body)})
            if (placement["bucketId"], placement["folder"]) != (current["bucketId"], current["folder"]):
                raise ApiError(400, "The bucket, container and folder of an existing backup repository cannot be "
                                    "changed.")
            updated.update(placement)
        return updated

    @staticmethod
    def _storage_settings(body):
        for name in NOT_SERVED:
            if body.get(name) is not None and parse_bool(body[name], f"The field objectStorage.{name}"):
                raise ApiError(400, f"objectStorage.{name} is not served by the simulator (no archive tiers).")
        settings = {name: _bool(body, name) for name in STORAGE_BOOLS}
        settings["sizeLimitGB"] = _positive_int(body, "sizeLimitGB")
        settings["immutabilityPeriodDays"] = _positive_int(body, "immutabilityPeriodDays")
        return _given(settings)

    def _placement(self, kind, body):
        """accountId, bucketId, folder and the trust settings of an objectStorage body; the bucket and folder
        must exist where that account sees them."""
        account = self.routes.account(parse_uuid(body["accountId"], "objectStorage.accountId"), COLLECTIONS[kind][1])
        given = body.get(BUCKET_FIELD[kind])
        if not isinstance(given, dict) or not isinstance(given.get("name"), str) or not given["name"]:
            raise ApiError(400, f"The field objectStorage.{BUCKET_FIELD[kind]} with its name is required.")
        values = self._region(kind, given)
        bucket = self.routes.find_bucket(kind, account, values)
        folder = text_field(body, FOLDER_FIELD[kind])
        if not folder:
            raise ApiError(400, f"The field objectStorage.{FOLDER_FIELD[kind]} is required.")
        if folder not in bucket.folders:
            raise ApiError(404, f"The folder {folder!r} was not found in {bucket.name!r}: create it first.",
                           "ResourceNotFound")
        placement = {"accountId": account.id, "bucketId": bucket.id, "folder": folder}
        if kind == "s3compatible":
            placement["trustServerCertificate"] = values["trustServerCertificate"]
            placement["trustedServerCertificateThumbprint"] = values["trustedServerCertificateThumbprint"]
        return placement

    def _region(self, kind, given):
        name = f"objectStorage.{BUCKET_FIELD[kind]}"
        if kind == "s3compatible":
            values = {"name": given["name"], "servicePoint": text_field(given, "servicePoint"),
                      "customRegionId": text_field(given, "customRegionId"),
                      "trustServerCertificate": _bool(given, "trustServerCertificate"),
                      "trustedServerCertificateThumbprint": text_field(given, "trustedServerCertificateThumbprint")}
            if not values["servicePoint"] or values["customRegionId"] is None:
                raise ApiError(400, f"The fields {name}.servicePoint and customRegionId are required.")
            self.routes.check_certificate(values["servicePoint"], values["trustServerCertificate"],
                                          values["trustedServerCertificateThumbprint"])
            return values
        allowed = S3_REGION_TYPES if kind == "s3" else AZURE_REGION_TYPES
        if given.get("regionType") not in allowed:
            raise ApiError(400, f"The field {name}.regionType must be one of {', '.join(allowed)}.")
        return {"name": given["name"], "regionType": given["regionType"], "regionId": text_field(given, "regionId")}

    def _bucket_fields(self, storage):
        bucket = self.state.vb365.object_storage.buckets[storage["bucketId"]]
        fields = {key: value for key, value in self.routes.bucket_view(bucket).items() if key != "_links"}
        if storage["kind"] == "s3compatible":
            fields["trustServerCertificate"] = storage["trustServerCertificate"]
            fields["trustedServerCertificateThumbprint"] = storage["trustedServerCertificateThumbprint"]
        return fields

    # --- view ---------------------------------------------------------------------------------------

    def view(self, repo):
        storage = repo["objectStorage"]
        # an enum without a value is left out: the vendor's enums hold no null
        fields = {key: value for key, value in repo.items()
                  if key != "objectStorage" and not (key in ENUMS and value is None)}
        return {**fields, "capacityBytes": None, "freeSpaceBytes": None, "isLongTerm": False, "isOutdated": False,
                "isOutOfSync": False, "isIndexed": True, "isMigrationLocked": False, "isOutOfOrder": False,
                "outOfOrderReason": None, "objectStorage": self._storage_view(storage),
                "_links": {"self": {"href": f"{self.api.base_url}/v8/BackupRepositories/{repo['id']}"}}}

    def _storage_view(self, storage):
        kind = storage["kind"]
        limit = storage["sizeLimitGB"]
        view = {"id": storage["id"], "type": storage["type"], "accountId": storage["accountId"],
                "sizeLimitEnabled": storage["sizeLimitEnabled"], "sizeLimitGB": limit, "usedSpaceBytes": 0,
                "freeSpaceBytes": limit * GIB if limit else None, "enableImmutability": storage["enableImmutability"],
                "enableImmutabilityGovernanceMode": storage["enableImmutabilityGovernanceMode"],
                "immutabilityPeriodDays": storage["immutabilityPeriodDays"],
                BUCKET_FIELD[kind]: self._bucket_fields(storage), FOLDER_FIELD[kind]: storage["folder"], "_links": {}}
        if kind == "s3":
            view["standardIaStorageClassEnabled"] = storage["standardIaStorageClassEnabled"]
            view["oneZoneIaStorageClassEnabled"] = storage["oneZoneIaStorageClassEnabled"]
        return view
