"""The simulator's settings: those each product declares (Product.settings) and those of the simulator itself."""

from .core.setting import Setting, settings_class, switch
from .products import PRODUCTS

GENERAL = (
    Setting("mfa_token_lifetime", 300),
    # undeclared query parameters dropped instead of refused (core/conformance.py)
    Setting("lenient_requests", False, switch, {
        "action": "store_true", "default": None,
        "help": "drop query parameters the API's document does not declare, as a server that ignores them would "
                "(default: answer 400, the request is marked non-conformant)"}),
)
ALL = (*(setting for product in PRODUCTS for setting in product.settings), *GENERAL)
Settings = settings_class(ALL)
