# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the VB365 tasks read, each list at most once per module run: the engine's Context for VB365 (core/engine.py).

The single-object modules and the list modules go through it alike, so the names in their options (accounts,
proxies, proxy pools, encryption keys) resolve the same way, and the cloud account modules find their accounts
here. A single-object module reads only the accounts its option names (the server's name filter); a list module
reads the whole account list once (all_accounts=True). The folders of a bucket are read once per bucket, and a
folder added (or predicted in check mode) joins them.

In check mode, what earlier tasks of the same run would create (created_earlier: account user names, bucket/folder,
encryption key descriptions) does not exist yet: it is predicted, with PREDICTED_ID for its id, instead of refused.
"""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.engine import Context
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import (
    ACCOUNT_TYPES,
    canonical_type,
    matches,
    normalize_uuid,
)

# The id of an account or encryption key that an earlier task of the same run creates (check mode only).
PREDICTED_ID = "(created by this run)"
CREATED_EARLIER_OPTION = {"type": "dict", "options": {
    "accounts": {"type": "list", "elements": "str", "default": []},
    "folders": {"type": "list", "elements": "str", "default": []},
    "encryption_keys": {"type": "list", "elements": "str", "default": [], "no_log": False},  # descriptions
}}


LOCATION_NAMES = ("RegionType", "ServicePoint", "CustomRegionId")  # the query names that say where a bucket is


class Lookups(Context):
    def __init__(self, client, all_accounts=False, created_earlier=None):
        """all_accounts: read the whole account list once (a list module) rather than the accounts each option names.
        created_earlier: the created_earlier option in check mode (None outside it: a real run finds them)."""
        super().__init__(client, all_accounts)
        self.created_earlier = created_earlier or {}
        self._folders = {}
        self._buckets = {}

    def created_by_this_run(self, kind, name):
        """Whether an earlier task of this check mode run would create it (kind: a key of created_earlier)."""
        return name in (self.created_earlier.get(kind) or [])

    @staticmethod
    def predicted(account):
        """Whether the account is one an earlier task of this check mode run would create: nothing to ask it yet."""
        return account["id"] == PREDICTED_ID

    def repositories(self):
        return self.once("repositories", self.client.list_repositories)

    def keys(self):
        return self.once("keys", self.client.list_encryption_keys)

    def proxies(self):
        return self.once("proxies", self.client.list_proxies)

    def pools(self):
        return self.once("pools", self.client.list_proxy_pools)

    def accounts(self):
        """Every cloud account of the server."""
        return self.once("accounts", self.client.list_accounts)

    def candidates(self, option):
        """The accounts an account option may be about, read once: the whole list, or read_candidates()."""
        if self.all_listed:
            return self.accounts()
        which = tuple(option[name] for name in ("id", "account_type", "user_name", "organization_id"))
        return self.once(("accounts",) + which, lambda: read_candidates(self.client, option))

    def account(self, option):
        """The account (as the API returns it) that an account option names; InputError when there is none."""
        found = pick_account(option, self.candidates(option))
        if found is None and not option["id"] and self.created_by_this_run("accounts", option["user_name"]):
            return {"id": PREDICTED_ID, "accountType": ACCOUNT_TYPES[option["account_type"]], "userName": option["user_name"]}
        if found is None:
            if option["id"]:
                raise InputError("account: no cloud account has id %s." % option["id"])
            raise InputError("account: no %s cloud account has user_name '%s'. Create it first with "
                             "veeam_m365_account." % (option["account_type"], option["user_name"]))
        return found

    def folders(self, account, query, bucket):
        """The folder names of the bucket at query (API location parameters) that the account sees: read once per
        bucket. Any account that sees a bucket sees its folders: the bucket is known by its place (storage kind,
        location, name), and an Azure container also by its storage account (the account's user name)."""
        place = _place(account, query, bucket)
        if place not in self._folders and self.predicted(account):
            return []  # the account is not there to ask yet; another account may read the same bucket later
        if place not in self._folders:
            kind = canonical_type(account.get("accountType"))
            try:
                found = self.client.list_folders(kind, account["id"], query, bucket)
            except VeeamApiError as exc:
                if exc.status != 404:
                    raise
                raise InputError(bucket_not_found(account, query, bucket)) from None
            self._folders[place] = [folder.get("name") for folder in found]
        return self._folders[place]

    def bucket(self, account, query, name):
        """The bucket of that name at query, as the bucket list answers it (with its region), or None: read once."""
        place = _place(account, query, name)
        if place not in self._buckets:
            found = self.client.list_buckets(canonical_type(account.get("accountType")), account["id"], query, name)
            self._buckets[place] = next((item for item in found if item.get("name") == name), None)
        return self._buckets[place]

    def add_folder(self, account, query, bucket, folder):
        self.folders(account, query, bucket).append(folder)


def list_lookups(client, check_mode, created_earlier):
    """A list module's Lookups: the whole account list, and created_earlier in check mode only (a real run finds them)."""
    return Lookups(client, all_accounts=True, created_earlier=created_earlier if check_mode else None)


def bucket_not_found(account, query, bucket, region_id=None):
    """The message for a bucket (container) the account does not see where the options place it."""
    noun = "container" if canonical_type(account.get("accountType")) == ACCOUNT_TYPES["azure_blob"] else "bucket"
    where = ["%s=%s" % (name, value) for name, value in query.items() if name in LOCATION_NAMES]
    where += ["RegionId=%s" % region_id] if region_id else []
    return ("%s '%s' was not found with the %s cloud account '%s' (id %s) at %s. Check the %s name, the region "
            "(region_type, region_id) or endpoint (service_point, custom_region_id), and that these credentials can "
            "see it." % (noun, bucket, account.get("accountType"), account.get("userName"), account.get("id"),
                         ", ".join(where), noun))


def _place(account, query, bucket):
    kind = canonical_type(account.get("accountType"))
    owner = account.get("userName") if kind == ACCOUNT_TYPES["azure_blob"] else None
    return kind, owner, tuple(sorted(query.items())), bucket


def identity(params):
    """The comparable fields that identify an account given by type and user name."""
    return {"accountType": canonical_type(ACCOUNT_TYPES.get(params["account_type"])), "userName": params["user_name"],
            "organizationId": normalize_uuid(params["organization_id"])}


def pick_account(params, accounts):
    """The one account of accounts (already read) that params are about, or None; raises on several matches."""
    if params["id"]:
        wanted = params["id"].lower()
        return next((account for account in accounts if str(account.get("id", "")).lower() == wanted), None)
    found = [account for account in accounts if matches(account, identity(params))]
    if len(found) > 1:
        raise InputError(
            "%d accounts match account_type=%s, user_name=%s, organization_id=%s exactly (ids: %s). Address one with id."
            % (len(found), params["account_type"], params["user_name"], params["organization_id"],
               ", ".join(str(account.get("id")) for account in found)))
    return found[0] if found else None


def read_candidates(client, params):
    """The accounts a task may be about: the one with its id, or those the server's name filter finds.

    That filter is a case-insensitive wildcard, so names that differ only in case come along: pick_account
    decides equality, look_alikes() (vb365/account.py) names the others."""
    if params["id"]:
        return [account for account in [client.get_account(params["id"])] if account]
    return client.list_accounts(ACCOUNT_TYPES.get(params["account_type"]), params["user_name"],
                                normalize_uuid(params["organization_id"]))
