"""The simulator settings: start-up options, changed at run time through PUT /_simulator/config."""

from dataclasses import dataclass, field, fields

from .core.messages import InputError
from .vb365.model import ACCOUNT_TYPES

API_VERSIONS = ("1.1-rev0", "1.2-rev0", "1.3-rev0", "1.4-rev0")
PUT_MODES = ("merge", "replace")


def parse_lowercase_rule(value):
    """`all`, `none`, a comma-separated string or a list of account types -> list of account types."""
    if isinstance(value, str):
        if value.strip().lower() in ("all", "none"):
            return list(ACCOUNT_TYPES) if value.strip().lower() == "all" else []
        value = [item.strip() for item in value.split(",") if item.strip()]
    if not isinstance(value, list) or any(item not in ACCOUNT_TYPES for item in value):
        raise InputError(f"lowercase_rule must be 'all', 'none' or a list of {', '.join(ACCOUNT_TYPES)}")
    return list(dict.fromkeys(value))


def _non_negative_int(value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError("must be an integer >= 0")
    return value


def _version_list(value):
    if not isinstance(value, list) or not value or not all(isinstance(item, str) and item for item in value):
        raise InputError("must be a non-empty list of strings")
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
        """A copy with `changes` applied; raises InputError naming the first bad key."""
        values = self.to_dict()
        for key, value in changes.items():
            if key not in values:
                raise InputError(f"unknown setting {key!r}; known: {', '.join(values)}")
            try:
                values[key] = _SETTING_PARSERS.get(key, _non_negative_int)(value)
            except InputError as exc:
                raise InputError(f"{key}: {exc}") from None
        return Settings(**values)


def parse_put_mode(value):
    if value not in PUT_MODES:
        raise InputError(f"must be one of {', '.join(PUT_MODES)}")
    return value


def parse_switch(value):
    if not isinstance(value, bool):
        raise InputError("must be true or false")
    return value


_SETTING_PARSERS = {"lowercase_rule": parse_lowercase_rule, "accepted_api_versions": _version_list,
                    "vb365_put": parse_put_mode, "lenient_requests": parse_switch}
