"""What the simulator needs to know of one product: the entry each product package declares as PRODUCT."""

from collections.abc import Callable
from dataclasses import dataclass

REQUIRED = object()  # Store.missing: a state file without the store's key is refused


@dataclass(frozen=True, eq=False)
class Store:
    """One collection a product keeps: `state.<product>.<name>`, saved under `key` (default: `name`) in the state
    file. `admin` is the start-up administrator (username, password), for collections that hold one.

    new(admin): an empty collection. dump(value): its JSON form. load(saved, admin): the collection read back;
    `saved` is `missing` when the file has no `key` (a file written before the collection existed)."""

    name: str
    new: Callable
    dump: Callable
    load: Callable
    key: str | None = None
    missing: object = REQUIRED


@dataclass(frozen=True, eq=False)
class Family:
    """A resource family: `install(api, control)` adds its routes, control routes and seeder; `stores` is the
    state it keeps. A new family of a product is a module that declares one, and one entry in the product's
    families."""

    install: Callable
    stores: tuple = ()


@dataclass(frozen=True, eq=False)  # one object per product: hashed by identity (conformance caches by it)
class Product:
    """One simulated API. The app, the state, the control API, the CLI and the harness read only these fields.

    name: the journal's `api`, the state attribute that holds its stores, the ready line's `<name>_url`, the `--<name>-port`
      and `--<name>-token-lifetime` options and the harness's VEEAM_<NAME>_* variables.
    api: the ApiBase subclass that serves it, built with the state.
    stores: the collections its API keeps in the state (Store); each family adds its own.
    document: loads the OpenAPI document its requests are checked against.
    settings: its Settings (core/setting.py): keys of /_simulator/config, some with a command-line option.
    families: the resource families beyond `api`'s own routes (Family).
    default_port: the port it listens on unless told otherwise.
    admin_name: (pattern, what it allows) that the start-up administrator's name must fully match, where the
      API limits user names.
    free_port_with_others: its port defaults to a free one when every other product's port is 0 (for callers
      written before it existed that ask for free ports).
    """

    name: str
    title: str
    api: type
    document: Callable[[], dict]
    default_port: int
    stores: tuple = ()
    settings: tuple = ()
    families: tuple = ()
    admin_name: tuple | None = None
    free_port_with_others: bool = False

    def all_stores(self):
        return self.stores + tuple(store for family in self.families for store in family.stores)
