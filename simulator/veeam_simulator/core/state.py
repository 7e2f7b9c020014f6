"""The one shared in-memory state of every API, guarded by one lock."""

import threading
from dataclasses import replace

from .faults import FaultList
from .journal import Journal
from .messages import InputError
from .product import REQUIRED
from .secret_registry import SecretRegistry
from .tokens import TokenStore

SNAPSHOT_FORMAT = 1


class State:
    """Everything the simulator knows. Hold `lock` while reading or changing any of it.

    Each product keeps its managed objects in its own part, an attribute named after it with one attribute per
    store its registry entry declares (`state.vb365.accounts`, `state.vbgc.users`, `state.vbazure.users`).
    `mutations` counts changes of managed objects (accounts, users, passwords, MFA); the dispatcher
    compares it before and after a request to fill the journal's `mutated` flag and to persist.
    `secrets_seen` (with a lock of its own) outlives resets.
    """

    def __init__(self, admin_username, admin_password, settings, products, store=None):
        self.lock = threading.RLock()
        self.admin_username = admin_username
        self.admin_password = admin_password
        self.initial_settings = settings
        self.products = tuple(products)
        self.store = store
        self.tokens = TokenStore()
        self.journal = Journal()
        self.faults = FaultList()
        self.mutations = 0
        self.secrets_seen = SecretRegistry()
        self.secrets_seen.add("password", admin_password)
        self.reset()

    def reset(self):
        self.settings = replace(self.initial_settings)
        admin = (self.admin_username, self.admin_password)
        for product in self.products:
            setattr(self, product.name, ProductState({store.name: store.new(admin) for store in product.all_stores()}))
        self.tokens.clear()
        self.journal.clear()
        self.faults.clear()
        self.changed()

    def changed(self):
        self.mutations += 1

    def persist(self):
        if self.store:
            self.store.save(self.snapshot())

    def snapshot(self):
        snapshot = {"format": SNAPSHOT_FORMAT, "admin_password": self.admin_password}
        for product in self.products:
            part = getattr(self, product.name)
            snapshot.update({store.key or store.name: store.dump(getattr(part, store.name))
                             for store in product.all_stores()})
        return snapshot

    def restore(self, snapshot):
        """Load a snapshot. The Default Administrators take the start-up name and password."""
        if snapshot.get("format") != SNAPSHOT_FORMAT:
            raise InputError(f"unsupported state file format {snapshot.get('format')!r}")
        self.secrets_seen.collect(snapshot)
        self.secrets_seen.add("password", snapshot.get("admin_password"))
        admin = (self.admin_username, self.admin_password)
        for product in self.products:
            setattr(self, product.name, ProductState({store.name: store.load(_saved(snapshot, store), admin)
                                                      for store in product.all_stores()}))


class ProductState:
    """One product's part of the state: one attribute per store."""

    def __init__(self, collections):
        self.__dict__.update(collections)


def _saved(snapshot, store):
    key = store.key or store.name
    if key not in snapshot and store.missing is REQUIRED:
        raise InputError(f"the state file has no {key!r}; it is not a state file of this simulator")
    return snapshot.get(key, store.missing)
