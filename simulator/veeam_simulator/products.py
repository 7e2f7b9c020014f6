"""The product registry: the one list the app, the state, the control API, the CLI and the harness read.

Adding a product means a package beside vb365/, vbgc/ and vbazure/ that declares PRODUCT, and one entry here.
"""

from .core import conformance
from .vb365 import PRODUCT as VB365
from .vbazure import PRODUCT as VBAZURE
from .vbgc import PRODUCT as VBGC

PRODUCTS = (VB365, VBGC, VBAZURE)
BY_NAME = {product.name: product for product in PRODUCTS}


def document(name):
    """The conformance Document of the product `name`."""
    return conformance.document(BY_NAME[name])
