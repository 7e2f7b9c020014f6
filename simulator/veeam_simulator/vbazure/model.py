"""The users of the Veeam Backup for Microsoft Azure appliance (kept apart from the VBGC users)."""

import uuid
from dataclasses import dataclass

from ..core.messages import InputError
from ..core.mfa import MfaUser
from ..core.product import Store

ROLES = ("PortalAdmin", "PortalOperator", "RestoreOperator", "ReadOnlyUser", "IntegrationOperator", "VeeamUpdater")
ADMIN_ROLE = "PortalAdmin"
INTERNAL = "Internal"
IDENTITY_PROVIDER = "IdentityProvider"
USER_TYPES = (INTERNAL, IDENTITY_PROVIDER)


@dataclass
class AzureUser(MfaUser):
    id: str
    name: str
    password: str | None
    role: str
    description: str = ""
    type: str = INTERNAL
    identity_provider_entity_id: str | None = None
    default_admin: bool = False


def new_user_id():
    return str(uuid.uuid4())


def find_by_name(users, name):
    """User names are unique regardless of case (INFERRED)."""
    return next((user for user in users.values() if user.name.lower() == name.lower()), None)


def with_default_admin(users, username, password):
    """`users` (by id) with the Default Admin under the start-up name and password, first in order.

    A Default Admin already in `users` keeps its id, description and MFA; a regular user holding the
    start-up name is an error, as for VBGC.
    """
    previous = next((user for user in users.values() if user.default_admin), None)
    others = {key: user for key, user in users.items() if not user.default_admin}
    if find_by_name(others, username):
        raise InputError(f"the state already has a regular VBAzure user named {username!r}")
    admin = previous or AzureUser(new_user_id(), username, password, ADMIN_ROLE, default_admin=True)
    admin.name, admin.password, admin.role, admin.type = username, password, ADMIN_ROLE, INTERNAL
    return {admin.id: admin, **others}


USERS = Store("users", key="azure_users", missing=[],
              new=lambda admin: with_default_admin({}, *admin),
              dump=lambda users: [user.to_dict() for user in users.values()],
              load=lambda saved, admin: with_default_admin({item["id"]: AzureUser.from_dict(item) for item in saved},
                                                           *admin))
