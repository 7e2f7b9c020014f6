# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where VB365 object storage is: the cloud account that sees it, the bucket (container) location, its folders.

The one place that turns the account and location options into the API's query and body fields (the account itself
is resolved by the lookup context, vb365/lookups.py); veeam_m365_object_storage_info, veeam_m365_object_storage_folder(s)
and the repository logic use it. FOLDER declares a folder on the engine (core/engine.py): create only.
"""

from __future__ import annotations

import json

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.engine import Resource, send_once
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import (
    ACCOUNT_TYPES,
    canonical_type,
    filter_options,
    path_name_problem,
    uuid_option_problem,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.lookups import Lookups, bucket_not_found

S3, S3_COMPATIBLE, AZURE = ACCOUNT_TYPES["amazon_s3"], ACCOUNT_TYPES["s3_compatible"], ACCOUNT_TYPES["azure_blob"]
# Account type -> objectStorage.type of a repository, and the fields of its bucket and folder.
STORAGE_TYPES = {S3: "AmazonS3", S3_COMPATIBLE: "AmazonS3Compatible", AZURE: "AzureBlob"}
BUCKET_FIELDS = {S3: "amazonBucketS3Aws", S3_COMPATIBLE: "amazonBucketS3Compatible", AZURE: "azureContainer"}
FOLDER_FIELDS = {S3: "s3Folder", S3_COMPATIBLE: "s3Folder", AZURE: "azureFolder"}


def account_option():
    """The account option: by id, or by account_type + user_name (+ organization_id) as in veeam_m365_account."""
    return {"type": "dict", "required": True, "options": filter_options()}


def location_options():
    """Where the bucket is: region (Amazon S3, Azure) or endpoint (S3-compatible)."""
    return {
        "region_type": {"type": "str", "default": "Global"},
        "region_id": {"type": "str"},
        "service_point": {"type": "str"},
        "custom_region_id": {"type": "str"},
        "trust_server_certificate": {"type": "bool", "default": False},
        "trusted_certificate_thumbprint": {"type": "str"},
    }


def account_problem(account):
    """Why the account option cannot select one account, else None (no request)."""
    if not account["id"] and not (account["account_type"] and account["user_name"]):
        return "account: give id, or account_type and user_name, to say which cloud account sees the bucket."
    return uuid_option_problem(account)


def location_problem(params, account_type=None):
    """Why the location options do not fit the account type (None: not known yet), else None."""
    given = account_type or ACCOUNT_TYPES.get(params["account"]["account_type"])
    if given == S3_COMPATIBLE and not params["service_point"]:
        return "service_point (the endpoint address) is required for an s3_compatible account."
    return None


def account_type_of(account):
    return canonical_type(account.get("accountType"))


def location_query(account_type, params):
    """The query parameters that place a bucket (and its folders) for this account type: each bucket and folder
    operation declares them. The S3 region id is declared by the bucket list only (see bucket_folders())."""
    if account_type == S3_COMPATIBLE:
        query = {"ServicePoint": params["service_point"], "CustomRegionId": params["custom_region_id"] or "us-east-1",
                 "trustServerCertificate": "true" if params["trust_server_certificate"] else "false",
                 "trustedServerCertificateThumbprint": params["trusted_certificate_thumbprint"]}
    else:
        query = {"RegionType": params["region_type"]}
    return {key: value for key, value in query.items() if value is not None}


def bucket_body(account_type, params, bucket):
    """objectStorage's bucket (or container) object of a repository body."""
    if account_type == S3_COMPATIBLE:
        return {"name": bucket, "servicePoint": params["service_point"],
                "customRegionId": params["custom_region_id"] or "us-east-1",
                "trustServerCertificate": params["trust_server_certificate"],
                "trustedServerCertificateThumbprint": params["trusted_certificate_thumbprint"]}
    body = {"name": bucket, "regionType": params["region_type"]}
    if account_type == S3 and params["region_id"]:
        body["regionId"] = params["region_id"]
    return body


def _names(items):
    return [item.get("name") for item in items]


def located(lookups, params):
    """(account, its type, location query) of params' account and location options; InputError when they do not fit."""
    account = lookups.account(params["account"])
    kind = account_type_of(account)
    problem = location_problem(params, kind)
    if problem:
        raise InputError(problem)
    return account, kind, location_query(kind, params)


def in_region(bucket, region_id):
    return not region_id or (bucket.get("regionId") or "").lower() == region_id.lower()


def bucket_folders(lookups, account, query, params):
    """The folder names of params' bucket. An S3 region_id is checked first against the bucket list, which answers
    with each bucket's region: the folder operations declare no region id, so a server would not check it."""
    if account_type_of(account) == S3 and params["region_id"] and not lookups.predicted(account):
        bucket = lookups.bucket(account, query, params["bucket"])
        if bucket is None:
            raise InputError(bucket_not_found(account, query, params["bucket"], params["region_id"]))
        if not in_region(bucket, params["region_id"]):
            raise InputError("bucket '%s' is in region '%s' (the bucket list of cloud account '%s' says so), not in "
                             "region_id '%s'. Set region_id to '%s' or leave it out; nothing was changed."
                             % (params["bucket"], bucket.get("regionId"), account.get("userName"),
                                params["region_id"], bucket.get("regionId")))
    return lookups.folders(account, query, params["bucket"])


def read_storage(client, params):
    """veeam_m365_object_storage_info: the buckets the account sees (in region_id, when given), with their folders."""
    account, kind, query = located(Lookups(client), params)
    region_id = params["region_id"] if kind == S3 else None
    listed = client.list_buckets(kind, account["id"], dict(query, **({"RegionId": region_id} if region_id else {})),
                                 params["bucket"])
    buckets = [bucket for bucket in listed if in_region(bucket, region_id)
               and (not params["bucket"] or bucket.get("name") == params["bucket"])]
    result = [dict(bucket, folders=_names(client.list_folders(kind, account["id"], query, bucket["name"])))
              for bucket in buckets]
    return {"changed": False, "account_id": account["id"], "account_type": kind, "buckets": result}


def folder_spec():
    """The options of one folder (veeam_m365_object_storage_folder's own, each item of veeam_m365_object_storage_folders)."""
    return dict(location_options(), account=account_option(), bucket={"type": "str", "required": True},
                folder={"type": "str", "required": True})


def current_folder(lookups, params):
    """The folder params name as the bucket has it ({name}), or None; InputError when the account or place is wrong."""
    return {"name": params["folder"]} if params["folder"] in _placed(lookups, params)[3] else None


def _placed(lookups, params):
    """(account, its type, location query, a copy of the bucket's folder names) of params."""
    account, kind, query = located(lookups, params)
    return account, kind, query, list(bucket_folders(lookups, account, query, params))


def _create(lookups, params, check_mode, diff_mode):
    """Create the folder (create only); in check mode, it joins the bucket's folders all the same."""
    account, kind, query, folders = _placed(lookups, params)
    if params["folder"] in folders:  # an earlier item of the list added it after the checks
        return _unchanged(lookups, params, check_mode, diff_mode, {"name": params["folder"]})
    folder = {"name": params["folder"], "path": None}
    if not check_mode:
        folder = _create_folder(lookups.client, account, kind, query, params)
    lookups.add_folder(account, query, params["bucket"], params["folder"])
    after = {"bucket": params["bucket"], "folders": folders + [params["folder"]]}
    return module_result(True, diff_mode, {"bucket": params["bucket"], "folders": folders}, after, folder=folder)


def _unchanged(lookups, params, _check_mode, diff_mode, _folder):
    """The folder is there; when another task added it meanwhile (CreatedMeanwhile), as if it had been there."""
    account, _kind, query, folders = _placed(lookups, params)
    if params["folder"] not in folders:
        lookups.add_folder(account, query, params["bucket"], params["folder"])
    before = {"bucket": params["bucket"], "folders": folders}
    return module_result(False, diff_mode, before, before, folder={"name": params["folder"]})


def _create_folder(client, account, kind, query, params):
    bucket, name = params["bucket"], params["folder"]

    def find():
        found = name in [folder.get("name") for folder in client.list_folders(kind, account["id"], query, bucket)]
        return {"name": name} if found else None

    return send_once(lambda: client.create_folder(kind, account["id"], query, bucket, name), find)


def folder_input_problem(params):
    return path_name_problem(params, ("bucket", "folder")) or account_problem(params["account"]) or location_problem(params)


FOLDER = Resource(
    "folder", "folders", key=lambda params: json.dumps(params, sort_keys=True),
    label=lambda params: "%s/%s" % (params["bucket"], params["folder"]), input_problem=folder_input_problem,
    context=Lookups, read=current_folder, problem=lambda _ctx, _params, _folder: None, create=_create, update=_unchanged,
)
