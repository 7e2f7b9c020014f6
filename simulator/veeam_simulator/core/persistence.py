"""Optional SQLite persistence: one JSON snapshot of the managed objects in one table."""

import json
import os
import sqlite3


class SnapshotStore:
    def __init__(self, path):
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)  # the snapshot holds passwords
        os.close(fd)
        self.connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.connection.execute(
            "CREATE TABLE IF NOT EXISTS snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), data TEXT)")

    def load(self):
        row = self.connection.execute("SELECT data FROM snapshot WHERE id = 1").fetchone()
        return json.loads(row[0]) if row else None

    def save(self, snapshot):
        """Write the snapshot atomically. The caller serialises calls (it holds the state lock)."""
        data = json.dumps(snapshot, separators=(",", ":"))
        self.connection.execute("INSERT OR REPLACE INTO snapshot (id, data) VALUES (1, ?)", (data,))

    def close(self):
        self.connection.close()
