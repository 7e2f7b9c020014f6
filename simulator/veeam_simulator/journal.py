"""The request journal: what reached the Veeam paths, without any header or parameter values."""

from collections import deque

MAX_ENTRIES = 100_000


class Journal:
    def __init__(self):
        self.entries = deque(maxlen=MAX_ENTRIES)
        self.last_seq = 0

    def add(self, api, request, status, mutated, kind, fault_id):
        self.last_seq += 1
        self.entries.append({
            "seq": self.last_seq,
            "api": api,
            "method": request.method,
            "path": request.path,
            "query": request.query_names(),
            "status": status,
            "mutated": mutated,
            "kind": kind,
            "headers": sorted(request.headers),
            "fault": fault_id,
        })

    def since(self, seq):
        return [entry for entry in self.entries if entry["seq"] > seq]

    def clear(self):
        self.entries.clear()
