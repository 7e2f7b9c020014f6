"""The request journal: what reached the Veeam paths, without any header or parameter values, and which requests
did not conform to the API's document (why, without values)."""

from collections import deque

MAX_ENTRIES = 100_000
MAX_NONCONFORMANT = 1000


class Journal:
    def __init__(self):
        self.entries = deque(maxlen=MAX_ENTRIES)
        self.last_seq = 0
        # kept across clear() (a reset): the harness fails a run on any of them, whenever it came
        self.nonconformant = deque(maxlen=MAX_NONCONFORMANT)
        self.nonconformant_total = 0

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
            "nonconformant": list(request.nonconformant),
            "ignored": list(request.ignored),
        })
        if request.nonconformant:
            self.nonconformant_total += 1
            self.nonconformant.append(self.entries[-1])

    def since(self, seq):
        return [entry for entry in self.entries if entry["seq"] > seq]

    def clear(self):
        self.entries.clear()
