"""The one shared in-memory state of every API, guarded by one lock."""

import threading
from dataclasses import replace

from .faults import FaultList
from .journal import Journal
from .messages import InputError
from .secret_registry import SecretRegistry
from .tokens import TokenStore

SNAPSHOT_FORMAT = 1


class State:
    """Everything the simulator knows. Hold `lock` while reading or changing any of it.

    Each product keeps its managed objects in its own part, an attribute named after it (`state.vb365.accounts`,
    `state.vbgc.users`, `state.vbazure.users`); the registry's `Product.data` builds it from the start-up
    administrator, writes its keys of the snapshot and reads them back.
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
        for product in self.products:
            setattr(self, product.name, product.data(self.admin_username, self.admin_password))
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
            snapshot.update(getattr(self, product.name).snapshot())
        return snapshot

    def restore(self, snapshot):
        """Load a snapshot. The Default Administrators take the start-up name and password."""
        if snapshot.get("format") != SNAPSHOT_FORMAT:
            raise InputError(f"unsupported state file format {snapshot.get('format')!r}")
        self.secrets_seen.collect(snapshot)
        self.secrets_seen.add("password", snapshot.get("admin_password"))
        for product in self.products:
            setattr(self, product.name, product.data.restored(snapshot, self.admin_username, self.admin_password))
