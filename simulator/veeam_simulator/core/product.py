"""What the simulator needs to know of one product: the entry each product package declares as PRODUCT."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, eq=False)  # one object per product: hashed by identity (conformance caches by it)
class Product:
    """One simulated API. The app, the state, the control API, the CLI and the harness read only these fields.

    name: the journal's `api`, the state attribute of `data`, the ready line's `<name>_url`, the `--<name>-port`
      and `--<name>-token-lifetime` options and the harness's VEEAM_<NAME>_* variables.
    api: the ApiBase subclass that serves it, built with the state.
    data: its part of the state: `data(admin_username, admin_password)` is a fresh one, `data.restored(snapshot,
      admin_username, admin_password)` reads one back, `.snapshot()` gives its keys of the state file.
    document: loads the OpenAPI document its requests are checked against.
    settings: its Settings (core/setting.py): keys of /_simulator/config, some with a command-line option.
    families: the route families beyond `api`'s own, each called as `family(api, control)` to add its routes
      and control routes (one entry per resource family).
    default_port: the port it listens on unless told otherwise.
    free_port_with_others: its port defaults to a free one when every other product's port is 0 (for callers
      written before it existed that ask for free ports).
    """

    name: str
    title: str
    api: type
    data: type
    document: Callable[[], dict]
    default_port: int
    settings: tuple = ()
    families: tuple = ()
    free_port_with_others: bool = False
