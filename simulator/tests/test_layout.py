"""The package's layers: core/ knows no product, a product package imports only the core and itself, and only the
top level (the registry, the settings, the CLI and the harness) names the products."""

import ast
from pathlib import Path

import pytest
import veeam_simulator
from veeam_simulator.products import PRODUCTS

PACKAGE = Path(veeam_simulator.__file__).parent
PRODUCT_NAMES = {product.name for product in PRODUCTS}
TOP_LEVEL = {path.stem for path in PACKAGE.glob("*.py")}


def imported_packages(path):
    """The first folder or module below veeam_simulator that each import of the file at `path` names."""
    relative = path.relative_to(PACKAGE).parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(relative[:len(relative) - node.level + 1])
            parts = base + (node.module.split(".") if node.module else [alias.name for alias in node.names][:1])
            yield parts[0] if parts else ""
        elif isinstance(node, ast.ImportFrom | ast.Import):
            for name in [node.module] if isinstance(node, ast.ImportFrom) else [alias.name for alias in node.names]:
                if name and name.startswith("veeam_simulator."):
                    yield name.split(".")[1]


def layer_files(folder):
    return sorted((PACKAGE / folder).glob("*.py"))


@pytest.mark.parametrize("path", layer_files("core"), ids=lambda path: path.name)
def test_the_core_imports_no_product(path):
    assert set(imported_packages(path)) <= {"core"}


@pytest.mark.parametrize("product", sorted(PRODUCT_NAMES))
def test_a_product_imports_only_the_core_and_itself(product):
    for path in layer_files(product):
        assert set(imported_packages(path)) <= {"core", product}, path.name


def test_every_product_has_its_package_and_the_registry_lists_each_once():
    assert len(PRODUCT_NAMES) == len(PRODUCTS)
    for name in PRODUCT_NAMES:
        assert (PACKAGE / name / "__init__.py").is_file()
    assert not TOP_LEVEL & PRODUCT_NAMES
