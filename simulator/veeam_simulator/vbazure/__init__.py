"""Veeam Backup for Microsoft Azure REST API v8.1: token, users, MFA and passwords."""

from ..core.conformance import vendor_document
from ..core.product import Family, Product
from ..core.setting import Setting, token_lifetimes
from .api import VbazureApi
from .control import add_user_control
from .model import USERS

VENDOR_FILE = "vbaz-rest-v8.1-users.json"
SETTINGS = (*token_lifetimes("vbazure", 3600, short_refresh=3600), Setting("vbazure_password_min_length", 8))

# The appliance itself answers on 443. Its port is a free one when every other product's is 0: callers written
# for two APIs that ask for free ports get one here too.
PRODUCT = Product(name="vbazure", title="VBAzure", api=VbazureApi, stores=(USERS,),
                  document=lambda: vendor_document(VENDOR_FILE), default_port=8443,
                  settings=SETTINGS, families=(Family(add_user_control),), free_port_with_others=True)
