"""The VBGC users and roles."""

import re
from dataclasses import dataclass

from ..core.messages import InputError
from ..core.mfa import MfaUser

NAME_RULE = re.compile(r"[a-z0-9_-]{1,32}")
API_VERSIONS = ("1.1-rev0", "1.2-rev0", "1.3-rev0", "1.4-rev0")


def parse_version_list(value):
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item for item in value):
        raise InputError("must be a non-empty list of strings")
    return value


@dataclass
class User(MfaUser):
    name: str
    password: str
    role_ids: list[str]
    description: str = ""
    default_admin: bool = False


@dataclass(frozen=True)
class Role:
    id: str
    name: str
    description: str


PORTAL_ADMINISTRATOR = Role(
    "7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c01", "Portal Administrator",
    "Full access: configuration, user and role management, policies and all restores.")
PORTAL_OPERATOR = Role(
    "7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c02", "Portal Operator",
    "Manages policies and protected data, performs all restores and views sessions.")
RESTORE_OPERATOR = Role(
    "7f2c1a4e-5b3d-4c8e-9a10-3d1f6b2e8c03", "Restore Operator",
    "Performs restores and views session statistics only.")
ROLES = (PORTAL_ADMINISTRATOR, PORTAL_OPERATOR, RESTORE_OPERATOR)
ROLES_BY_ID = {role.id: role for role in ROLES}


class VbgcData:
    """The VBGC part of the state: the users by name, the Default Administrator first."""

    def __init__(self, admin_username, admin_password, users=None):
        self.users = dict(users or {})
        previous = next((user for user in self.users.values() if user.default_admin), None)
        self._install_admin(previous, admin_username, admin_password)

    def snapshot(self):
        return {"users": [user.to_dict() for user in self.users.values()]}

    @classmethod
    def restored(cls, snapshot, admin_username, admin_password):
        """The users of `snapshot`; the Default Administrator takes the start-up name and password."""
        return cls(admin_username, admin_password, {item["name"]: User.from_dict(item) for item in snapshot["users"]})

    def _install_admin(self, previous, username, password):
        """(Re)create the Default Administrator, keeping description and MFA of `previous` if given."""
        if previous:
            del self.users[previous.name]
        if username in self.users:
            raise InputError(f"the state already has a regular user named {username!r}")
        admin = previous or User(username, password, [PORTAL_ADMINISTRATOR.id], default_admin=True)
        admin.name, admin.password = username, password
        self.users = {admin.name: admin, **self.users}
