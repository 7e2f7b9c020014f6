# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client of the Veeam Backup for Microsoft Azure (VBAzure) REST API v8.1: users, their role, MFA and passwords.

The token life cycle (password grant, MFA grant, logout) is the shared TokenGrantClient's; what is VBAzure's is
here: the paths (/api/v8.1/...), users addressed by id, one role per user (an enum), the MFA challenge as a 200
with an mfa_token, and changePassword with the administrator's own password. It knows nothing of Ansible.
"""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.api_client import TokenGrantClient
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import quote_segment

TOKEN_PATH = "/api/oauth2/token"  # noqa: S105 - a URL path
USERS_PATH = "/api/v8.1/users"
PAGE_SIZE = 100
ADMIN_ROLE = "PortalAdmin"
ROLES = ("PortalAdmin", "PortalOperator", "RestoreOperator", "ReadOnlyUser", "IntegrationOperator", "VeeamUpdater")
INTERNAL = "Internal"
IDENTITY_PROVIDER = "IdentityProvider"
USER_TYPES = (INTERNAL, IDENTITY_PROVIDER)


def check_user_name(name):
    """An error message when name cannot be a VBAzure user name, else None."""
    if name and name == name.strip():
        return None
    return "name=%r is not a valid VBAzure user name: give a non-empty name without leading or trailing spaces." % name


def is_default_admin(user):
    return user.get("isDefault") is True


class VBAzureClient(TokenGrantClient):
    product = "Veeam Backup for Microsoft Azure"
    default_port = 443
    short_name = "VBAzure"
    user_module = "veeam_azure_user"
    max_pages = 1000

    login_path = TOKEN_PATH
    grant_types = {"password": "Password", "mfa": "Mfa"}

    def __init__(self, http, **kwargs):
        super().__init__(http, **kwargs)
        self._ids = {}  # user name (casefolded: VBAzure user names ignore case) -> id

    def _mfa_challenge(self, response):
        """VBAzure answers a password grant for an MFA account with 200, an mfa_token and no access token."""
        body = response.body if isinstance(response.body, dict) else {}
        return None if body.get("access_token") else body.get("mfa_token")

    def _probe_path(self):
        return "%s?Limit=1" % USERS_PATH

    # --- users ----------------------------------------------------------------------------

    def paged(self, params=None):
        """Yield every user, page by page (Offset/Limit, totalCount), within a hard cap."""
        offset = 0
        for _page in range(self.max_pages):
            body = self.call("GET", USERS_PATH, params=dict(params or {}, Offset=offset, Limit=PAGE_SIZE)).body or {}
            items = body.get("results") or []
            yield from items
            offset += len(items)
            total = body.get("totalCount")
            if not items or (isinstance(total, int) and offset >= total):
                return
        raise VeeamApiError("stopped reading %s after %d pages: narrow the query." % (USERS_PATH, self.max_pages),
                            method="GET", path=USERS_PATH)

    def list_users(self):
        users = list(self.paged())
        self._ids.update((str(user.get("name")).casefold(), user.get("id")) for user in users)
        return users

    def get_user(self, name):
        """The user of that name in any case (VBAzure refuses a second user whose name differs only in case), or None
        (NameFilter matches parts of names)."""
        user = next((user for user in self.paged({"NameFilter": name})
                     if str(user.get("name")).casefold() == name.casefold()), None)
        if user is not None:
            self._ids[name.casefold()] = user.get("id")
        return user

    def user_path(self, name, action=None):
        if name.casefold() not in self._ids and self.get_user(name) is None:
            raise VeeamApiError("user %s does not exist (any more) on %s." % (name, self.product), status=404)
        path = "%s/%s" % (USERS_PATH, quote_segment(self._ids[name.casefold()]))
        return "%s/%s" % (path, action) if action else path

    def create_user(self, name, role, description, password=None, user_type=INTERNAL, entity_id=None):
        self.http.add_secret(password)
        body = {"name": name, "description": description, "role": role, "type": user_type}
        if password is not None:
            body["password"] = password
        if entity_id is not None:
            body["identityProviderEntityId"] = entity_id
        user = self.call("POST", USERS_PATH, json=body).body
        if isinstance(user, dict):
            self._ids[name.casefold()] = user.get("id")
        return user

    def modify_user(self, name, description, role):
        body = {"description": description, "role": role}
        return self.call("PUT", self.user_path(name), json=body).body

    def delete_user(self, name):
        """Remove a user; a 404 means it is gone already."""
        self.call("DELETE", self.user_path(name), missing_ok=True)
        self._ids.pop(name.casefold(), None)

    def change_password(self, name, password):
        """Set another user's password: VBAzure asks for the signed-in administrator's own password."""
        if not self.password:
            raise InputError("changing the password of %s needs the administrator's own password (VBAzure asks for it): "
                             "%s" % (name, self.advice["token_only"]))
        self.http.add_secret(password)
        body = {"newPassword": password, "adminsPassword": self.password}
        # the same new password again: safe to repeat
        self.call("POST", self.user_path(name, "changePassword"), json=body, idempotent=True)

    # --- MFA ------------------------------------------------------------------------------

    def mfa_enable(self, name, recreate):
        """Issue an MFA secret: {qrString, secretKey, scratchCodes, token}, all registered as secrets."""
        path = self.user_path(name, "enableMfa")
        # Safe to repeat: a second enable replaces the pending secret that no one has seen.
        enrolment = self.call("POST", path, json={"recreate": bool(recreate)}, idempotent=True).body or {}
        return self.checked_enrolment(enrolment, name, "enableMfa", path)

    def mfa_accept(self, name, code, token):
        with self.accepting(name, token, "enableMfa"):
            self.call("POST", self.user_path(name, "acceptMfa"), json={"code": code, "token": token})

    def mfa_disable(self, name):
        self.call("POST", self.user_path(name, "disableMfa"), idempotent=True)
