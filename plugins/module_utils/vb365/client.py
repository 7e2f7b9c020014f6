# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client of the Veeam Backup for Microsoft 365 (VB365) REST API v8: token, refresh, logout, /Accounts, object storage.

Also holds what the VB365 modules share: the account type names, option validation and the
comparable view of an account. The client knows nothing of Ansible; it raises VeeamApiError.
"""

from __future__ import annotations

import re

from ansible_collections.veeam_community.backup.plugins.module_utils.core.api_client import ApiClient
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import quote_segment, segment_problem

LOGIN_PATH = "/v8/token"
LOGOUT_PATH = "/v8/token/logout"
ACCOUNTS_PATH = "/v8/Accounts"
# Without it the server also demands the antiforgery cookie a browser would keep.
KEYS_PATH = "/v8/EncryptionKeys"
REPOSITORIES_PATH = "/v8/BackupRepositories"
PROXIES_PATH = "/v8/Proxies"
POOLS_PATH = "/v8/ProxyPools"
PAGE_SIZE = 500
# Account type (API enum) -> where its buckets (containers for Azure) are browsed.
STORAGE_PATHS = {
    "amazonS3Account": "/v8/S3Resources/buckets",
    "amazonS3CompatibleAccount": "/v8/S3CompatibleResources/buckets",
    "azureBlobAccount": "/v8/AzureResources/containers",
}
NO_ANTIFORGERY = {"disable_antiforgery_token": "true"}

# Module choice -> API enum.
ACCOUNT_TYPES = {
    "azure_blob": "azureBlobAccount",
    "amazon_s3": "amazonS3Account",
    "s3_compatible": "amazonS3CompatibleAccount",
}
_API_TYPE_BY_LOWER = {api.lower(): api for api in ACCOUNT_TYPES.values()}

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
NIL_UUID = "00000000-0000-0000-0000-000000000000"


def normalize_uuid(value):
    """Lowercase uuid; None for no value (a server may write "no organization" as null, "" or the nil uuid)."""
    if not value or str(value).lower() == NIL_UUID:
        return None
    return str(value).lower()


def canonical_type(value):
    """The API enum spelled as the spec spells it, whatever casing the server used."""
    if value is None:
        return None
    return _API_TYPE_BY_LOWER.get(str(value).lower(), value)


def comparable(account):
    """The readable fields of an API account (what idempotence compares and diffs show), normalised."""
    return {
        "accountType": canonical_type(account.get("accountType")),
        "userName": account.get("userName"),
        "description": account.get("description") or "",
        "organizationId": normalize_uuid(account.get("organizationId")),
    }


def matches(account, criteria):
    """True when every given criterion (comparable field -> value) equals the account's, exactly."""
    view = comparable(account)
    return all(view[key] == value for key, value in criteria.items())


def public_view(account):
    """An account as the API names its fields, without any secret."""
    return {key: value for key, value in account.items() if key.lower() != "password"}


def filter_options():
    """Options that select accounts, shared by veeam_m365_account and veeam_m365_account_info."""
    return {
        "id": {"type": "str"},
        "account_type": {"type": "str", "choices": list(ACCOUNT_TYPES)},
        "user_name": {"type": "str"},
        "organization_id": {"type": "str"},
    }


def uuid_option_problem(params, names=("id", "organization_id")):
    """A message for the first option that is set but not a uuid, else None."""
    for name in names:
        value = params.get(name)
        if value is not None and not UUID_RE.match(value):
            return "%s=%s is not a uuid (expected the form 3f2504e0-4f89-11d3-9a0c-0305e82c3301)." % (name, value)
    return None


def path_name_problem(params, names):
    """Why one of the options names (a bucket, a folder: they go into request paths) cannot be used, else None."""
    for name in names:
        value = params.get(name)
        if value is not None and (value != value.strip() or segment_problem(value)):
            return ("%s='%s' must be one name: not empty, '.' or '..', without '/', '\\', control characters or outer "
                    "spaces (it is placed into the request path)." % (name, value))
    return None


def lowercase_problem(account_type, user_name):
    """Why an Azure storage account name with uppercase letters would be refused, else None.

    account_type is the API enum. Only Azure names must be lowercase (Azure's storage-account rule,
    which the VB365 docs state for every type); S3 access keys are uppercase and are sent as given.
    """
    if account_type != ACCOUNT_TYPES["azure_blob"] or not user_name or user_name == user_name.lower():
        return None
    return (
        "user_name '%s' contains uppercase letters: for azure_blob it is the Azure storage account name, which "
        "Azure allows only in lowercase, and VB365 rejects anything else. Use '%s'." % (user_name, user_name.lower())
    )


def _account_list(body):
    """GET /Accounts answers a bare array; also accept an envelope such as {"results": [...]}."""
    if isinstance(body, dict):
        body = next((body[key] for key in ("results", "data", "items", "value") if isinstance(body.get(key), list)), [])
    return [item for item in (body or []) if isinstance(item, dict)]


def _is_in_use_error(error):
    return error.status == 409 or error.error_code == "OperationConflict" or "in use" in error.message.lower()


class VB365Client(ApiClient):
    product = "Veeam Backup for Microsoft 365"
    default_port = 4443
    short_name = "VB365"
    login_path = LOGIN_PATH

    # --- token ------------------------------------------------------------------------------

    def _request_token(self):
        form = {"grant_type": "password", "username": self.username, "password": self.password}
        try:
            return self._token_grant(form)
        except VeeamApiError as exc:
            if exc.status not in (400, 401):
                raise
            raise exc.reworded("login as %s refused: %s %s" % (self.username, exc.message, self.advice["login_refused"])) from None

    def refresh(self, refresh_token):
        """Exchange a refresh token for a new token pair; returns the token response (the client's token is unchanged)."""
        self.http.add_secret(refresh_token)
        response = self._token_grant({"grant_type": "refresh_token", "refresh_token": refresh_token})
        self.http.add_secret(response.get("access_token"))
        self.http.add_secret(response.get("refresh_token"))
        return response

    def _token_grant(self, form):
        # Form-encoded by requests, so '&', '+', '%' and '=' in passwords survive.
        response = self.http.request("POST", LOGIN_PATH, form=dict(form, **NO_ANTIFORGERY), idempotent=True)
        body = response.body
        if not isinstance(body, dict) or not body.get("access_token"):
            raise VeeamApiError("the token answer has no access_token: is server pointing at the %s REST API?" % self.product,
                                status=response.status, method="POST", path=LOGIN_PATH)
        return body

    def _revoke_token(self):
        self.http.request("POST", LOGOUT_PATH, headers=self._auth_header(), idempotent=True)

    def _probe_path(self):
        return _account_path(NIL_UUID)  # 404 with a valid token, 401 without

    # --- accounts ---------------------------------------------------------------------------

    def list_accounts(self, account_type=None, name_pattern=None, organization_id=None):
        """Accounts filtered by the server: account_type is the API enum, name_pattern may hold * and ?."""
        params = {key: value for key, value in (
            ("name", name_pattern), ("accountType", account_type), ("organizationId", organization_id),
        ) if value is not None}
        return _account_list(self.call("GET", ACCOUNTS_PATH, params=params).body)

    def get_account(self, account_id):
        """The account with this id, or None when there is none."""
        response = self.call("GET", _account_path(account_id), missing_ok=True)
        return response.body if response is not None and isinstance(response.body, dict) else None

    def find_accounts(self, account_type, user_name, organization_id):
        """Accounts whose identity (type, user name, organization) is exactly this one.

        The API's name filter is a case-insensitive wildcard pattern, so it only narrows the list;
        equality (case-sensitive: S3 access keys are) is decided here.
        """
        organization_id = normalize_uuid(organization_id)
        found = self.list_accounts(account_type, user_name, organization_id)
        identity = {"accountType": canonical_type(account_type), "userName": user_name, "organizationId": organization_id}
        return [account for account in found if matches(account, identity)]

    def create_account(self, body):
        """POST a RESTAccountToSend; returns the new account (201 per the spec; 200 is accepted too)."""
        self.http.add_secret(body.get("password"))
        response = self.call("POST", ACCOUNTS_PATH, json=body)
        if isinstance(response.body, dict) and response.body.get("id"):
            return response.body
        # No body: find what was just created.
        created = self.find_accounts(body["accountType"], body["userName"], body.get("organizationId"))
        if len(created) != 1:
            raise VeeamApiError("the server accepted the new account but it cannot be read back; list the accounts to check.",
                                status=response.status, method="POST", path=ACCOUNTS_PATH)
        return created[0]

    def update_account(self, account_id, body):
        """PUT the full RESTAccountToSend; returns the account if the server sent it back, else None."""
        self.http.add_secret(body.get("password"))
        response = self.call("PUT", _account_path(account_id), json=body)
        return response.body if isinstance(response.body, dict) else None

    def delete_account(self, account_id):
        """Remove an account; False when it was already gone."""
        path = _account_path(account_id)
        try:
            return self.call("DELETE", path, missing_ok=True) is not None
        except VeeamApiError as exc:
            if not _is_in_use_error(exc):
                raise
            raise exc.reworded(
                "cloud account %s is in use by an object storage repository, so %s refused to remove it; nothing was "
                "changed. Point the repository at other cloud credentials (or remove the repository) first, then run "
                "again." % (account_id, self.product), server_words_as_details=True) from None

    # --- object storage: buckets, folders, encryption keys, repositories, proxies ------------------

    def list_buckets(self, account_type, account_id, location, name=None):
        """The buckets (containers for Azure) that the account sees at location (API query names)."""
        params = dict(location, accountId=account_id, **({"Name": name} if name else {}))
        return _account_list(self.call("GET", STORAGE_PATHS[account_type], params=params).body)

    def list_folders(self, account_type, account_id, location, bucket):
        path = "%s/%s/folders" % (STORAGE_PATHS[account_type], quote_segment(bucket))
        return _account_list(self.call("GET", path, params=dict(location, accountId=account_id)).body)

    def create_folder(self, account_type, account_id, location, bucket, folder):
        path = "%s/%s/folders" % (STORAGE_PATHS[account_type], quote_segment(bucket))
        response = self.call("POST", path, params=dict(location, accountId=account_id), json={"name": folder})
        return response.body if isinstance(response.body, dict) else {"name": folder}

    def list_encryption_keys(self, description=None):
        params = {"description": description} if description is not None else {}
        return _account_list(self.call("GET", KEYS_PATH, params=params).body)

    def create_encryption_key(self, password, description, organization_id=None):
        self.http.add_secret(password)
        body = {"password": password, "description": description}
        if organization_id:
            body["organizationId"] = organization_id
        response = self.call("POST", KEYS_PATH, json=body)
        if isinstance(response.body, dict) and response.body.get("id"):
            return response.body
        created = self.list_encryption_keys(description)
        if len(created) != 1:
            raise VeeamApiError("the server accepted the new encryption key but it cannot be read back; list the keys "
                                "to check.", status=response.status, method="POST", path=KEYS_PATH)
        return created[0]

    def delete_encryption_key(self, key_id, users):
        """Remove a key; users: names of the repositories known to use it (for the message of a refusal)."""
        path = "%s/%s" % (KEYS_PATH, quote_segment(key_id))
        try:
            return self.call("DELETE", path, missing_ok=True) is not None
        except VeeamApiError as exc:
            if not _is_in_use_error(exc):
                raise
            raise exc.reworded("encryption key %s is in use by backup repositories (%s), so %s refused to remove it; "
                               "nothing was changed." % (key_id, ", ".join(users) or "see details", self.product),
                               server_words_as_details=True) from None

    def list_repositories(self):
        return self._pages(REPOSITORIES_PATH)

    def create_repository(self, body):
        return self.call("POST", REPOSITORIES_PATH, json=body).body

    def update_repository(self, repository_id, body):
        self.call("PUT", "%s/%s" % (REPOSITORIES_PATH, quote_segment(repository_id)), json=body)

    def delete_repository(self, repository_id):
        return self.call("DELETE", "%s/%s" % (REPOSITORIES_PATH, quote_segment(repository_id)), missing_ok=True) is not None

    def list_proxies(self):
        return self._pages(PROXIES_PATH)

    def list_proxy_pools(self):
        return self._pages(POOLS_PATH)

    def _pages(self, path):
        """Every item of a PageOf... collection, page by page."""
        items, offset = [], 0
        while True:
            body = self.call("GET", path, params={"limit": PAGE_SIZE, "offset": offset}).body
            page = _account_list(body)
            items.extend(page)
            if len(page) < PAGE_SIZE:
                return items
            offset += len(page)


def _account_path(account_id):
    return "%s/%s" % (ACCOUNTS_PATH, quote_segment(account_id))
