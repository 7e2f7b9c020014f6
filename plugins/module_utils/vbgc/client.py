# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client of the Veeam Backup for Google Cloud (VBGC) REST API 1.4-rev0.

Token life cycle (password grant, MFA grant, logout), pagination, users, roles, MFA and passwords.
It reads every plausible variant of the partly documented answers (see the collection design,
"liberal in what you accept") and raises VeeamApiError (InputError for input it cannot use); it knows nothing
of Ansible: it states facts about its API (core/api_client.py), which core/connection.py turns into options.
"""

from __future__ import annotations

import json
import re

from ansible_collections.veeam_community.backup.plugins.module_utils.core.api_client import TokenGrantClient
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import quote_segment
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import redact_text

TOKEN_PATH = "/api/v1/token"  # noqa: S105 - a URL path
USERS_PATH = "/api/v1/users"
ROLES_PATH = "/api/v1/users/roles"
PAGE_SIZE = 100
USER_NAME_RULE = re.compile(r"[a-z0-9_-]{1,32}")


def check_user_name(name):
    """An error message when name breaks the appliance's user name rule, else None."""
    if USER_NAME_RULE.fullmatch(name or ""):
        return None
    return ("name=%r is not a valid VBGC user name: use 1 to 32 characters of lowercase letters a-z, "
            "digits, '_' and '-'." % name)


def is_default_admin(user):
    """True for the appliance's Default Administrator, whichever way the API marks it."""
    return str(user.get("type") or "").lower() == "defaultadmin" or user.get("isDefault") is True


def role_items(user):
    """The user's roles as [{id, name}], from role objects, bare role ids or a roleIds list."""
    roles = user.get("roles")
    if roles is None:
        roles = user.get("roleIds") or []
    return [normalize_role(role) for role in roles]


def normalize_role(role):
    """{id, name} from a role object, or from a bare id (whose name is then unknown)."""
    if isinstance(role, dict):
        return {"id": role.get("id"), "name": role.get("name")}
    return {"id": role, "name": None}


def match_roles(references, roles):
    """Match role names (any case) or ids against roles; returns (matched roles without repeats, unmatched)."""
    matched, unmatched = [], []
    for reference in references:
        wanted = str(reference).casefold()
        role = next((r for r in roles if wanted == str(r.get("id")).casefold()
                     or (r.get("name") is not None and wanted == str(r["name"]).casefold())), None)
        if role is None:
            unmatched.append(reference)
        elif role not in matched:
            matched.append(role)
    return matched, unmatched


def role_ids(roles):
    """Role ids in a form that compares equal however the server cases them."""
    return [str(role["id"]).casefold() for role in roles]


def describe_roles(roles):
    """'Name (id), ...' for messages that list the valid roles."""
    return ", ".join("%s (%s)" % (role.get("name"), role.get("id")) for role in roles)


def describe_issue(issue):
    """One line for an item of an `issues` array, whatever its shape."""
    if isinstance(issue, dict):
        text = issue.get("message") or issue.get("details") or issue.get("title")
        if text:
            severity = issue.get("severity")
            return "%s: %s" % (severity, text) if severity else str(text)
        return json.dumps(issue, sort_keys=True)
    return str(issue)


def _count(value):
    """An integer from a pagination field that may be missing or a string; None when unusable."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_last_page(items, offset, total, limit):
    """Empty page; else the reported total reached; without a total, a page shorter than the limit."""
    if not items:
        return True
    if total is not None:
        return offset >= total
    return len(items) < limit


class VBGCClient(TokenGrantClient):
    product = "Veeam Backup for Google Cloud"
    default_port = 13140
    short_name = "VBGC"
    max_pages = 1000
    max_items = 100000

    version_header = "x-api-version"
    api_revision = "1.4-rev0"

    login_path = TOKEN_PATH
    user_module = "veeam_gcp_user"

    def __init__(self, http, **kwargs):
        super().__init__(http, **kwargs)
        self._roles = None

    def _mfa_challenge(self, response):
        """VBGC answers a password grant for an MFA account with HTTP 202 and an mfa_token."""
        return self._field(response.body, "mfa_token") if response.status == 202 else None

    def _probe_path(self):
        return ROLES_PATH

    # --- collections and envelopes --------------------------------------------------------

    def paged(self, path, params=None):
        """Yield every item of a collection, page by page (offset/limit), within a hard cap."""
        offset = pages = 0
        while True:
            body = self.call("GET", path, params=dict(params or {}, offset=offset, limit=PAGE_SIZE)).body
            if isinstance(body, list):
                yield from body
                return
            body = body or {}
            items = body.get("data") or []
            pagination = body.get("pagination") or {}
            yield from items
            offset += len(items)
            pages += 1
            total = _count(pagination.get("total"))
            if is_last_page(items, offset, total, _count(pagination.get("limit")) or PAGE_SIZE):
                return
            if pages >= self.max_pages or offset >= self.max_items:
                raise VeeamApiError(
                    "stopped reading %s after %d pages and %d items (the limit is %d pages or %d items); the server "
                    "reports total=%s. If the server really holds that many, narrow the query." % (
                        path, pages, offset, self.max_pages, self.max_items, total), method="GET", path=path)

    def unwrap(self, body, key=None):
        """The object inside a {key: object, issues: [...]} answer; every issue becomes a warning."""
        if not isinstance(body, dict):
            return body
        for issue in body.get("issues") or []:
            self.http.warn("%s reported: %s" % (self.product, redact_text(describe_issue(issue), self.http.secrets)))
        if key and isinstance(body.get(key), dict):
            return body[key]
        return body

    # --- roles ----------------------------------------------------------------------------

    def roles(self):
        """All roles as the API returns them (one request per client, then cached)."""
        if self._roles is None:
            self._roles = [role if isinstance(role, dict) else {"id": role, "name": role} for role in self.paged(ROLES_PATH)]
        return self._roles

    def resolve_roles(self, references, known=()):
        """[{id, name}] for role names or ids. known roles (e.g. the user's own) answer without a request."""
        matched, unmatched = match_roles(references, known)
        if not unmatched:
            return matched
        matched, unmatched = match_roles(references, self.roles())
        if unmatched:
            raise InputError("roles: unknown role%s %s. Valid roles: %s." % (
                "s" if len(unmatched) > 1 else "", ", ".join(repr(r) for r in unmatched), describe_roles(self.roles())))
        return [normalize_role(role) for role in matched]

    # --- users ----------------------------------------------------------------------------

    def user_path(self, name, action=None):
        path = "%s/%s" % (USERS_PATH, quote_segment(name))
        return "%s/%s" % (path, action) if action else path

    def get_user(self, name):
        """The user, or None when there is none of that name."""
        response = self.call("GET", self.user_path(name), missing_ok=True)
        return None if response is None else self.unwrap(response.body, "user")

    def list_users(self):
        return list(self.paged(USERS_PATH))

    def create_user(self, name, password, ids, description=None):
        self.http.add_secret(password)
        body = {"name": name, "password": password, "roleIds": ids}
        if description is not None:
            body["description"] = description
        return self.unwrap(self.call("POST", USERS_PATH, json=body).body, "user")

    def modify_user(self, name, description, ids):
        body = {"description": description, "roleIds": ids}
        return self.unwrap(self.call("PUT", self.user_path(name), json=body).body, "user")

    def delete_user(self, name):
        """Remove a user; a 404 means it is gone already (e.g. a retried DELETE the server had carried out)."""
        response = self.call("DELETE", self.user_path(name), missing_ok=True)
        if response is not None:
            self.unwrap(response.body)

    def change_password(self, name, password, old_password):
        for secret in (password, old_password):
            self.http.add_secret(secret)
        body = {"password": password, "oldPassword": old_password}
        return self.unwrap(self.call("POST", self.user_path(name, "changePassword"), json=body).body, "user")

    # --- MFA ------------------------------------------------------------------------------

    def mfa_enable(self, name, recreate):
        """Issue an MFA secret: {qrString, secretKey, scratchCodes, token}, all registered as secrets."""
        # Safe to repeat: a second enable replaces the pending secret that no one has seen.
        body = self.call("POST", self.user_path(name, "mfaEnable"), json={"recreate": bool(recreate)}, idempotent=True).body
        enrolment = self.unwrap(body, "response") or {}
        return self.checked_enrolment(enrolment, name, "mfaEnable", self.user_path(name, "mfaEnable"))

    def mfa_accept(self, name, code, token):
        with self.accepting(name, token, "mfaEnable"):
            self.unwrap(self.call("POST", self.user_path(name, "mfaAccepted"), json={"code": code, "token": token}).body)

    def mfa_disable(self, name):
        self.unwrap(self.call("POST", self.user_path(name, "mfaDisable"), idempotent=True).body)
