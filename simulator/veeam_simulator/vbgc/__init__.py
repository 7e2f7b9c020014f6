"""Veeam Backup for Google Cloud REST API 1.4-rev0: token, users, roles, MFA and passwords."""

from ..core.product import Family, Product
from ..core.setting import Setting, token_lifetimes
from .api import VbgcApi
from .contract import DOCUMENT
from .control import add_user_control
from .model import API_VERSIONS, NAME_RULE, USERS, parse_version_list

SETTINGS = (
    *token_lifetimes("vbgc", 900, short_refresh=3600),
    Setting("password_min_length", 8, option={"type": int, "metavar": "N",
                                              "help": "VBGC password policy (default 8)"}),
    Setting("accepted_api_versions", list(API_VERSIONS), parse_version_list),
)

PRODUCT = Product(name="vbgc", title="VBGC", api=VbgcApi, stores=(USERS,), document=lambda: DOCUMENT,
                  default_port=13140, settings=SETTINGS, families=(Family(add_user_control),),
                  admin_name=(NAME_RULE, "1-32 characters of a-z, 0-9, _ and -"))
