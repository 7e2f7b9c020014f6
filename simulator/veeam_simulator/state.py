"""The one shared in-memory state of both APIs, guarded by one lock."""

import threading
from dataclasses import asdict, replace

from .faults import FaultList
from .vb365_storage_model import ObjectStorage
from .journal import Journal
from .model import PORTAL_ADMINISTRATOR, Account, User
from .secret_registry import SecretRegistry
from .tokens import TokenStore
from .vbazure_model import AzureUser, with_default_admin

SNAPSHOT_FORMAT = 1


class State:
    """Everything the simulator knows. Hold `lock` while reading or changing any of it.

    `mutations` counts changes of managed objects (accounts, users, passwords, MFA); the dispatcher
    compares it before and after a request to fill the journal's `mutated` flag and to persist.
    `secrets_seen` (with a lock of its own) outlives resets.
    """

    def __init__(self, admin_username, admin_password, settings, store=None):
        self.lock = threading.RLock()
        self.admin_username = admin_username
        self.admin_password = admin_password
        self.initial_settings = settings
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
        self.accounts = {}
        self.users = {}
        self.object_storage = ObjectStorage()
        self._install_admin(None)
        self.azure_users = with_default_admin({}, self.admin_username, self.admin_password)
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
        return {
            "format": SNAPSHOT_FORMAT,
            "admin_password": self.admin_password,
            "object_storage": self.object_storage.to_dict(),
            "accounts": [asdict(account) for account in self.accounts.values()],
            "users": [asdict(user) for user in self.users.values()],
            "azure_users": [asdict(user) for user in self.azure_users.values()],
        }

    def restore(self, snapshot):
        """Load a snapshot. The Default Administrator takes the start-up name and password."""
        if snapshot.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"unsupported state file format {snapshot.get('format')!r}")
        self.secrets_seen.collect(snapshot)
        self.secrets_seen.add("password", snapshot.get("admin_password"))
        self.accounts = {item["id"]: Account(**item) for item in snapshot["accounts"]}
        self.users = {item["name"]: User.from_dict(item) for item in snapshot["users"]}
        self.object_storage = ObjectStorage.from_dict(snapshot.get("object_storage", {}))
        previous = next((user for user in self.users.values() if user.default_admin), None)
        self._install_admin(previous)
        azure_users = {item["id"]: AzureUser.from_dict(item) for item in snapshot.get("azure_users", [])}
        self.azure_users = with_default_admin(azure_users, self.admin_username, self.admin_password)

    def default_admin(self):
        return next(user for user in self.users.values() if user.default_admin)

    def _install_admin(self, previous):
        """(Re)create the Default Administrator, keeping description and MFA of `previous` if given."""
        if previous:
            del self.users[previous.name]
        if self.admin_username in self.users:
            raise ValueError(f"the state already has a regular user named {self.admin_username!r}")
        admin = previous or User(self.admin_username, self.admin_password, [PORTAL_ADMINISTRATOR.id],
                                 default_admin=True)
        admin.name, admin.password = self.admin_username, self.admin_password
        self.users = {admin.name: admin, **self.users}
