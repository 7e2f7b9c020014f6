"""The managed objects (VB365 cloud accounts, VBGC users and roles) and the simulator settings."""

from dataclasses import dataclass, field, fields

ACCOUNT_TYPES = ("azureBlobAccount", "amazonS3Account", "amazonS3CompatibleAccount")
API_VERSIONS = ("1.1-rev0", "1.2-rev0", "1.3-rev0", "1.4-rev0")
PUT_MODES = ("merge", "replace")


@dataclass
class Account:
    id: str
    account_type: str
    user_name: str
    password: str
    description: str = ""
    organization_id: str | None = None
    in_use: bool = False

    def identity(self):
        return (self.account_type, self.user_name, self.organization_id)


@dataclass
class PendingMfa:
    secret: str
    token: str
    scratch_codes: list[str]


@dataclass
class User:
    name: str
    password: str
    role_ids: list[str]
    description: str = ""
    default_admin: bool = False
    mfa_secret: str | None = None
    scratch_codes: list[str] = field(default_factory=list)
    pending_mfa: PendingMfa | None = None

    @classmethod
    def from_dict(cls, data):
        pending = data.get("pending_mfa")
        return cls(**{**data, "pending_mfa": PendingMfa(**pending) if pending else None})


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


def parse_lowercase_rule(value):
    """`all`, `none`, a comma-separated string or a list of account types -> list of account types."""
    if isinstance(value, str):
        if value.strip().lower() in ("all", "none"):
            return list(ACCOUNT_TYPES) if value.strip().lower() == "all" else []
        value = [item.strip() for item in value.split(",") if item.strip()]
    if not isinstance(value, list) or any(item not in ACCOUNT_TYPES for item in value):
        raise ValueError(f"lowercase_rule must be 'all', 'none' or a list of {', '.join(ACCOUNT_TYPES)}")
    return list(dict.fromkeys(value))


def _non_negative_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("must be an integer >= 0")
    return value


def _version_list(value):
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item for item in value):
        raise ValueError("must be a non-empty list of strings")
    return value


@dataclass
class Settings:
    vb365_token_lifetime: int = 3600
    vb365_refresh_lifetime: int = 14 * 24 * 3600
    vbgc_token_lifetime: int = 900
    vbgc_refresh_lifetime: int = 14 * 24 * 3600
    vbgc_short_refresh_lifetime: int = 3600
    mfa_token_lifetime: int = 300
    lowercase_rule: list[str] = field(default_factory=lambda: ["azureBlobAccount"])
    password_min_length: int = 8
    accepted_api_versions: list[str] = field(default_factory=lambda: list(API_VERSIONS))
    vb365_put: str = "merge"
    vbazure_token_lifetime: int = 3600
    vbazure_refresh_lifetime: int = 14 * 24 * 3600
    vbazure_short_refresh_lifetime: int = 3600
    vbazure_password_min_length: int = 8
    lenient_requests: bool = False  # undeclared query parameters dropped instead of refused (conformance.py)

    def to_dict(self):
        return {item.name: getattr(self, item.name) for item in fields(self)}

    def merged(self, changes):
        """A copy with `changes` applied; raises ValueError naming the first bad key."""
        values = self.to_dict()
        for key, value in changes.items():
            if key not in values:
                raise ValueError(f"unknown setting {key!r}; known: {', '.join(values)}")
            try:
                values[key] = _SETTING_PARSERS.get(key, _non_negative_int)(value)
            except ValueError as exc:
                raise ValueError(f"{key}: {exc}") from None
        return Settings(**values)


def parse_put_mode(value):
    if value not in PUT_MODES:
        raise ValueError(f"must be one of {', '.join(PUT_MODES)}")
    return value


def parse_switch(value):
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


_SETTING_PARSERS = {"lowercase_rule": parse_lowercase_rule, "accepted_api_versions": _version_list,
                    "vb365_put": parse_put_mode, "lenient_requests": parse_switch}
