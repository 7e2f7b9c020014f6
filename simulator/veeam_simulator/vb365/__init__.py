"""Veeam Backup for Microsoft 365 REST API v8: token, cloud accounts and object storage (buckets, encryption
passwords, proxies, repositories). A new resource family is a module here that declares a Family (its routes,
control routes, seeder and stores) and one entry in FAMILIES."""

from ..core.conformance import vendor_document
from ..core.product import Family, Product
from ..core.setting import Setting, token_lifetimes
from .api import Vb365Api
from .control import add_account_control
from .model import ACCOUNTS, PUT_MODES, parse_lowercase_rule, parse_put_mode
from .repositories import RepositoryRoutes
from .storage import ObjectStorageRoutes
from .storage_control import StorageControl
from .storage_model import OBJECT_STORAGE

VENDOR_FILE = "vb365-rest-v8-accounts.json"


def add_object_storage(api, control):
    """Buckets, folders, encryption passwords, proxies and repositories, with their control routes."""
    RepositoryRoutes(api, ObjectStorageRoutes(api))
    StorageControl(control)


FAMILIES = (Family(add_account_control), Family(add_object_storage, stores=(OBJECT_STORAGE,)))
SETTINGS = (
    *token_lifetimes("vb365", 3600),
    Setting("lowercase_rule", ["azureBlobAccount"], parse_lowercase_rule, {
        "metavar": "RULE", "help": "account types whose userName must be lowercase: all, none or a comma-separated "
                                   "list (default azureBlobAccount)"}),
    Setting("vb365_put", "merge", parse_put_mode, {
        "choices": PUT_MODES, "help": "PUT /v8/Accounts/{id}: merge keeps fields left out, the password too; "
                                      "replace refuses a PUT without password (default merge)"}),
)

PRODUCT = Product(name="vb365", title="VB365", api=Vb365Api, stores=(ACCOUNTS,),
                  document=lambda: vendor_document(VENDOR_FILE), default_port=4443,
                  settings=SETTINGS, families=FAMILIES)
