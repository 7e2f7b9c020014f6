"""Veeam Backup for Google Cloud REST API 1.4-rev0: token, users, roles, MFA and passwords."""

from ..core.product import Product
from .api import VbgcApi
from .contract import DOCUMENT
from .control import add_user_control
from .model import VbgcData

PRODUCT = Product(name="vbgc", title="VBGC", api=VbgcApi, data=VbgcData, document=lambda: DOCUMENT,
                  default_port=13140, families=(add_user_control,))
