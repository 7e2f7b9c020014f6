"""The VB365 cloud accounts (the object storage lives in storage_model.py)."""

from dataclasses import asdict, dataclass

from ..core.messages import InputError
from ..core.product import Store

ACCOUNT_TYPES = ("azureBlobAccount", "amazonS3Account", "amazonS3CompatibleAccount")
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


def parse_put_mode(value):
    if value not in PUT_MODES:
        raise InputError(f"must be one of {', '.join(PUT_MODES)}")
    return value


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


ACCOUNTS = Store("accounts", new=lambda admin: {},
                 dump=lambda accounts: [asdict(account) for account in accounts.values()],
                 load=lambda saved, admin: {item["id"]: Account(**item) for item in saved})
