# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of one VB365 object storage backup repository, found by its name.

Names in the options (account, proxy, proxy pool, encryption key) are resolved to ids in resolve(), the one place
that does it; the fields the API cannot change after creation are refused before any write. REPOSITORY declares a
repository on the engine (core/engine.py): REPOSITORY.ensure() for one, REPOSITORY.ensure_all() for a list.
"""

from __future__ import annotations

import re

from ansible_collections.veeam_community.backup.plugins.module_utils.core.compare import STATE_OPTION, changed_fields
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.engine import Resource, send_once
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import path_name_problem
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.encryption_key import pick_key
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.object_storage import (
    BUCKET_FIELDS,
    FOLDER_FIELDS,
    S3_COMPATIBLE,
    STORAGE_TYPES,
    account_option,
    account_problem,
    account_type_of,
    bucket_body,
    bucket_folders,
    location_options,
    location_problem,
    location_query,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.lookups import PREDICTED_ID, Lookups

RETENTION_TYPES = {"item_level": "ItemLevel", "snapshot_based": "SnapshotBased"}
PERIOD_TYPES = {"daily": "Daily", "monthly": "Monthly", "yearly": "Yearly"}
PERIOD_FIELDS = {"Daily": "dailyRetentionPeriod", "Monthly": "monthlyRetentionPeriod", "Yearly": "yearlyRetentionPeriod"}
YEARLY = ("Year1", "Years2", "Years3", "Years5", "Years7", "Years10", "Years25", "Keep")
# objectStorage.type of a repository on an s3_compatible account: the v8 document serves the three alike
# (amazonBucketS3Compatible and s3Folder, buckets under /S3CompatibleResources).
S3_COMPATIBLE_TYPES = {"amazon_s3_compatible": "AmazonS3Compatible", "wasabi_cloud": "WasabiCloud", "ibm_cloud": "IBMCloud"}
KIND_BY_STORAGE_TYPE = {value: key for key, value in STORAGE_TYPES.items()}
KIND_BY_STORAGE_TYPE.update(dict.fromkeys(S3_COMPATIBLE_TYPES.values(), S3_COMPATIBLE))
# The retention clean-up schedule: its fields, and the cleanup_schedule suboptions (API enum values in lower case).
SCHEDULE = ("retentionFrequencyType", "dailyTime", "dailyType", "monthlyTime", "monthlyDaynumber", "monthlyDayofweek")
CLEANUP_FREQUENCIES = {"daily": "Daily", "monthly": "Monthly"}
CLEANUP_TIMES = {"daily": "dailyTime", "monthly": "monthlyTime"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CLEANUP_DAYS = {"days": ("everyday", "workdays", "weekends") + WEEKDAYS,
                "day_number": ("first", "second", "third", "fourth", "last"), "day_of_week": WEEKDAYS}
CLEANUP_FIELDS = {"days": "dailyType", "day_number": "monthlyDaynumber", "day_of_week": "monthlyDayofweek"}
CLEANUP_FREQUENCY_OF = {"days": "daily", "day_number": "monthly", "day_of_week": "monthly"}
# The API reads and writes a time of day as a .NET TimeSpan, HH:MM:SS; HH:MM is compared as HH:MM:00.
CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9]))?")
# Fields the API cannot change after creation (VB365 console: set once when the repository is added).
FIXED = {"retentionType": "retention_type", "objectStorageEncryptionEnabled": "encryption_key",
         "bucket": "bucket", "folder": "folder", "enableImmutability": "immutability_days", "storageType": "account",
         "objectStorageType": "storage_type"}


def repository_spec():
    spec = {
        "name": {"type": "str", "required": True},
        "description": {"type": "str"},
        "account": dict(account_option(), required=False),
        "bucket": {"type": "str"},
        "folder": {"type": "str"},
        "storage_type": {"type": "str", "choices": list(S3_COMPATIBLE_TYPES)},
        "proxy": {"type": "str"},
        "proxy_pool": {"type": "str"},
        "retention_type": {"type": "str", "choices": list(RETENTION_TYPES)},
        "retention_period_type": {"type": "str", "choices": list(PERIOD_TYPES)},
        "retention_period": {"type": "str"},
        "size_limit_gb": {"type": "int"},
        "immutability_days": {"type": "int"},
        "encryption_key": {"type": "str", "no_log": False},  # the key's description, not a secret
        "cleanup_schedule": {"type": "dict", "options": _cleanup_options()},
        "state": dict(STATE_OPTION),
    }
    spec.update(location_options())
    return spec


def _cleanup_options():
    options = {"frequency": {"type": "str", "choices": list(CLEANUP_FREQUENCIES)}, "time": {"type": "str"}}
    options.update({name: {"type": "str", "choices": list(values)} for name, values in CLEANUP_DAYS.items()})
    return options


def input_problem(params):
    """Everything about the options that can be checked before the first request."""
    if not params["name"].strip():
        return "name must not be empty."
    if params["state"] == "absent":
        return None
    if params["proxy"] and params["proxy_pool"]:
        return "give proxy or proxy_pool, not both: a repository belongs to one backup proxy or one proxy pool."
    for name in ("size_limit_gb", "immutability_days"):
        if params[name] is not None and params[name] < 0:
            return "%s=%s must be 0 (off) or a positive number." % (name, params[name])
    problem = path_name_problem(params, ("bucket", "folder"))
    if not problem and params["account"]:
        problem = account_problem(params["account"]) or location_problem(params) or _storage_type_problem(params)
    if problem:
        return problem
    return _retention_problem(params) or _cleanup_problem(params["cleanup_schedule"] or {})


def _storage_type_problem(params):
    given = params["account"]["account_type"]  # None: the account is given by id, checked in resolve()
    if params["storage_type"] and given not in (None, "s3_compatible"):
        return "storage_type=%s needs an s3_compatible account, not %s." % (params["storage_type"], given)
    return None


def _cleanup_problem(schedule):
    frequency = schedule.get("frequency")
    wrong = [name for name, only in CLEANUP_FREQUENCY_OF.items() if schedule.get(name) and frequency not in (None, only)]
    if wrong:
        return "cleanup_schedule: %s belong to the %s clean-up, not to frequency=%s; leave them out or change frequency." % (
            ", ".join(wrong), CLEANUP_FREQUENCY_OF[wrong[0]], frequency)
    if schedule.get("time") is None:
        return None
    if frequency is None:
        return "cleanup_schedule: time needs frequency (daily or monthly): each clean-up frequency has its own time."
    if _clock(schedule["time"]) is None:
        return ("cleanup_schedule: time='%s' is not a time of day: give HH:MM or HH:MM:SS on a 24-hour clock, for "
                "example '03:30', quoted (YAML reads an unquoted 18:00 as the number 1080)." % schedule["time"])
    return None


def _clock(value):
    """A time of day as HH:MM:SS, the way the API writes it; None when value is not one."""
    match = CLOCK.fullmatch(str(value).strip())
    return "%s:%s:%s" % (match.group(1), match.group(2), match.group(3) or "00") if match else None


def _retention_problem(params):
    kind, period = params["retention_period_type"], params["retention_period"]
    if (kind is None) != (period is None):
        return "give retention_period_type and retention_period together."
    if kind == "yearly" and period not in YEARLY:
        return "retention_period=%s does not fit retention_period_type=yearly: use one of %s." % (period, ", ".join(YEARLY))
    if kind in ("daily", "monthly") and not (period.isdigit() and int(period) > 0):
        return "retention_period=%s must be a positive number of %s for retention_period_type=%s." % (
            period, "days" if kind == "daily" else "months", kind)
    return None


def comparable(repo):
    """The readable fields of a repository that the module manages, flattened."""
    storage = repo.get("objectStorage") or {}
    kind = KIND_BY_STORAGE_TYPE.get(storage.get("type"))
    period_type = repo.get("retentionPeriodType")
    return {
        "name": repo.get("name"), "description": repo.get("description") or "",
        "proxyId": _lower(repo.get("proxyId")), "proxyPoolId": _lower(repo.get("proxyPoolId")),
        "retentionType": repo.get("retentionType"), "retentionPeriodType": period_type,
        "retentionPeriod": repo.get(PERIOD_FIELDS.get(period_type, "")),
        "objectStorageEncryptionEnabled": bool(repo.get("objectStorageEncryptionEnabled")),
        "encryptionKeyId": _lower(repo.get("encryptionKeyId")),
        "storageType": STORAGE_TYPES.get(kind), "objectStorageType": storage.get("type"),
        "accountId": _lower(storage.get("accountId")),
        "bucket": (storage.get(BUCKET_FIELDS.get(kind)) or {}).get("name"), "folder": storage.get(FOLDER_FIELDS.get(kind)),
        "sizeLimitEnabled": bool(storage.get("sizeLimitEnabled")), "sizeLimitGB": storage.get("sizeLimitGB"),
        "enableImmutability": bool(storage.get("enableImmutability")),
        "immutabilityPeriodDays": storage.get("immutabilityPeriodDays"),
        **{key: repo.get(key) for key in SCHEDULE},
        **{key: _clock(repo[key]) or repo[key] for key in CLEANUP_TIMES.values() if repo.get(key)},
    }


def _lower(value):
    return str(value).lower() if value else None


def pick_repository(repositories, name):
    """The repository of this name (names are unique whatever their case), or None."""
    return next((repo for repo in repositories if str(repo.get("name", "")).lower() == name.lower()), None)


def _by_name(items, field, name, what, option):
    found = [item for item in items if str(item.get(field, "")).lower() == name.lower()]
    if not found:
        raise InputError("%s='%s': no %s has this name (there are: %s)." % (
            option, name, what, ", ".join(sorted(str(item.get(field)) for item in items)) or "none"))
    return _lower(found[0]["id"])


def resolve(lookups, params):
    """The ids the options name, from what lookups read (each list once)."""
    ids = {"account": None}
    if params["account"]:
        account = lookups.account(params["account"])
        if params["storage_type"] and account_type_of(account) != S3_COMPATIBLE:
            raise InputError("storage_type=%s needs an s3_compatible account; account %s is %s." % (
                params["storage_type"], account["id"], account_type_of(account)))
        ids["account"] = account
    if params["proxy"]:
        ids["proxyId"] = _by_name(lookups.proxies(), "hostName", params["proxy"], "backup proxy", "proxy")
    if params["proxy_pool"]:
        ids["proxyPoolId"] = _by_name(lookups.pools(), "name", params["proxy_pool"], "backup proxy pool", "proxy_pool")
    if params["encryption_key"]:
        key = pick_key(lookups.keys(), params["encryption_key"])
        if key is None and lookups.created_by_this_run("encryption_keys", params["encryption_key"]):
            key = {"id": PREDICTED_ID}
        if key is None:
            raise InputError("encryption_key='%s': no encryption key has this description. Add it first with "
                             "veeam_m365_encryption_key." % params["encryption_key"])
        ids["encryptionKeyId"] = _lower(key["id"])
    return ids


def desired(params, ids):
    """The comparable fields the task sets; None: leave as it is."""
    account = ids["account"]
    want = {
        "name": params["name"], "description": params["description"],
        "proxyId": ids.get("proxyId"), "proxyPoolId": ids.get("proxyPoolId"),
        "retentionType": RETENTION_TYPES.get(params["retention_type"]),
        "retentionPeriodType": PERIOD_TYPES.get(params["retention_period_type"]),
        "retentionPeriod": _period(params),
        "storageType": STORAGE_TYPES.get(account_type_of(account)) if account else None,
        "accountId": _lower(account["id"]) if account else None,
        "bucket": params["bucket"], "folder": params["folder"],
        "objectStorageType": S3_COMPATIBLE_TYPES.get(params["storage_type"]),
    }
    if params["encryption_key"] is not None:
        want.update(objectStorageEncryptionEnabled=bool(params["encryption_key"]), encryptionKeyId=ids.get("encryptionKeyId"))
    for days, (flag, value) in ((params["size_limit_gb"], ("sizeLimitEnabled", "sizeLimitGB")),
                                (params["immutability_days"], ("enableImmutability", "immutabilityPeriodDays"))):
        if days is not None:
            want.update({flag: days > 0, value: days or None})
    want.update(_cleanup_wanted(params["cleanup_schedule"] or {}))
    return want


def _cleanup_wanted(schedule):
    """The schedule fields the cleanup_schedule suboptions set (API enum values are capitalised)."""
    want = {field: schedule[name].capitalize() for name, field in CLEANUP_FIELDS.items() if schedule.get(name)}
    frequency = schedule.get("frequency")
    if frequency:
        want["retentionFrequencyType"] = CLEANUP_FREQUENCIES[frequency]
        if schedule.get("time"):
            want[CLEANUP_TIMES[frequency]] = _clock(schedule["time"])
    return want


def _period(params):
    period = params["retention_period"]
    return int(period) if period and period.isdigit() else period


def _read(ctx, params):
    return pick_repository(ctx.repositories(), params["name"])


def _rehearsed(ctx, params, current):
    """Every check a write makes (names, fields fixed at creation, the folder), made before any write with reads only:
    the write path in check mode. Raises InputError; None when params fit."""
    REPOSITORY.apply(ctx, params, True, False, current)


def _create_resolved(ctx, params, check_mode, diff_mode):
    ids = resolve(ctx, params)
    _check_folder(ctx, params, ids["account"])
    return _create(ctx.client, params, check_mode, diff_mode, ids)


def _update_resolved(ctx, params, check_mode, diff_mode, current):
    return _update(ctx.client, params, check_mode, diff_mode, current, resolve(ctx, params))


def _check_folder(lookups, params, account):
    """A new repository's folder must exist (the server refuses it otherwise): checked before the write."""
    if not (account and params["bucket"] and params["folder"]):
        return  # _create names what is missing
    query = location_query(account_type_of(account), params)
    folder = "%s/%s" % (params["bucket"], params["folder"])
    if params["folder"] not in bucket_folders(lookups, account, query, params) \
            and not lookups.created_by_this_run("folders", folder):
        raise InputError("folder '%s' does not exist in bucket '%s'. Create it first with "
                         "veeam_m365_object_storage_folder(s)." % (params["folder"], params["bucket"]))


def _create(client, params, check_mode, diff_mode, ids):
    missing = [name for name in ("account", "bucket", "folder", "retention_type") if not params[name]]
    if not (params["proxy"] or params["proxy_pool"]):
        missing.append("proxy or proxy_pool")
    if missing:
        raise InputError("repository '%s' does not exist, and creating it needs %s." % (params["name"], ", ".join(missing)))
    after = dict(dict.fromkeys(comparable({})), **{k: v for k, v in desired(params, ids).items() if v is not None})
    after.update(description=params["description"] or "", objectStorageEncryptionEnabled=bool(params["encryption_key"]),
                 objectStorageType=after["objectStorageType"] or after["storageType"])
    body = _body(after, account_type_of(ids["account"]), bucket_body(account_type_of(ids["account"]), params, params["bucket"]))
    repository = dict(body, id=None)
    if not check_mode:
        repository = send_once(lambda: client.create_repository(body),
                               lambda: pick_repository(client.list_repositories(), params["name"]))
    return module_result(True, diff_mode, {}, after, repository=repository)


def _update(client, params, check_mode, diff_mode, current, ids):
    before = comparable(current)
    changes = changed_fields(before, desired(params, ids))
    fixed = [FIXED[field] for field in FIXED if field in changes]
    if fixed:
        facts = "; ".join("%s is %s, not %s" % (key, have, want) for key, (have, want) in changes.items() if key in FIXED)
        raise InputError("repository '%s': %s cannot be changed after the repository is created (%s); nothing was "
                         "changed. Keep the current values, or remove the repository and add a new one."
                         % (params["name"], ", ".join(fixed), facts))
    if not changes:
        return module_result(False, diff_mode, before, before, repository=current)
    after = dict(before, **{key: want for key, (_have, want) in changes.items()})
    for given, other in (("proxyId", "proxyPoolId"), ("proxyPoolId", "proxyId")):
        if given in changes:
            after[other] = None  # a repository has one proxy or one pool
    for flag, value in (("sizeLimitEnabled", "sizeLimitGB"), ("enableImmutability", "immutabilityPeriodDays")):
        if not after[flag]:
            after[value] = None  # 0 turns the setting off: no value goes with it
    kind = KIND_BY_STORAGE_TYPE[before["storageType"]]
    bucket = {key: value for key, value in current["objectStorage"][BUCKET_FIELDS[kind]].items() if key != "_links"}
    body = _body(after, kind, bucket)
    repository = dict(current, **{key: value for key, value in body.items() if key != "objectStorage"})
    if not check_mode:
        client.update_repository(current["id"], body)
    return module_result(True, diff_mode, before, after, repository=repository)


def _body(view, kind, bucket):
    """A RESTBackupRepositoryFromClient from a comparable view (schedule fields left out when unknown)."""
    body = {key: view[key] for key in ("name", "description", "retentionType", "objectStorageEncryptionEnabled")}
    for key in ("proxyId", "proxyPoolId", "encryptionKeyId", "retentionPeriodType"):
        if view[key]:
            body[key] = view[key]
    if view["retentionPeriodType"]:
        body[PERIOD_FIELDS[view["retentionPeriodType"]]] = view["retentionPeriod"]
    body.update({key: view[key] for key in SCHEDULE if view.get(key) is not None})
    storage = {"type": view["objectStorageType"], "accountId": view["accountId"], BUCKET_FIELDS[kind]: bucket,
               FOLDER_FIELDS[kind]: view["folder"], "sizeLimitEnabled": bool(view["sizeLimitEnabled"]),
               "enableImmutability": bool(view["enableImmutability"])}
    for key in ("sizeLimitGB", "immutabilityPeriodDays"):
        if view[key]:
            storage[key] = view[key]
    body["objectStorage"] = storage
    return body


def read_repositories(client, params):
    """veeam_m365_repository_info: every repository, or the one named."""
    repositories = client.list_repositories()
    if params["name"]:
        repositories = [repo for repo in repositories if str(repo.get("name", "")).lower() == params["name"].lower()]
    return {"changed": False, "repositories": repositories}


REPOSITORY = Resource(
    "repository", "repositories", key=lambda params: params["name"].lower(), label=lambda params: params["name"],
    input_problem=input_problem, context=Lookups, read=_read, problem=_rehearsed, create=_create_resolved,
    update=_update_resolved, view=comparable, delete=lambda ctx, _params, current: ctx.client.delete_repository(current["id"]),
)
