"""The VBGC users and roles."""

import re
from dataclasses import dataclass

from ..core.messages import InputError
from ..core.mfa import MfaUser
from ..core.product import Store

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


def with_default_admin(users, admin):
    """`users` (by name) with the Default Administrator under the start-up name and password, first in order,
    keeping the description and MFA of one already in `users`."""
    username, password = admin
    previous = next((user for user in users.values() if user.default_admin), None)
    others = {name: user for name, user in users.items() if not user.default_admin}
    if username in others:
        raise InputError(f"the state already has a regular user named {username!r}")
    admin_user = previous or User(username, password, [PORTAL_ADMINISTRATOR.id], default_admin=True)
    admin_user.name, admin_user.password = username, password
    return {admin_user.name: admin_user, **others}


USERS = Store("users", new=lambda admin: with_default_admin({}, admin),
              dump=lambda users: [user.to_dict() for user in users.values()],
              load=lambda saved, admin: with_default_admin({item["name"]: User.from_dict(item) for item in saved}, admin))
