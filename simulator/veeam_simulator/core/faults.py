"""Fault injection on the Veeam paths: error status, Retry-After, delay, dropped connection."""

import itertools
from dataclasses import asdict, dataclass
from fnmatch import fnmatchcase

from .messages import InputError

BEFORE = "before"
AFTER = "after"


@dataclass
class Fault:
    id: int
    method: str
    path: str
    count: int
    status: int | None
    retry_after: int | None
    delay: float
    drop: bool
    phase: str

    @property
    def interrupts(self):
        """False for a pure delay: the real answer is still sent."""
        return self.drop or self.status is not None

    def matches(self, method, path):
        # Veeam paths are case-insensitive, so the glob is too.
        return self.method in ("*", method) and fnmatchcase(path.lower(), self.path.lower())


def _number(spec, key, default, kind, minimum):
    value = spec.get(key, default)
    if value is None and default is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind) or value < minimum:
        raise InputError(f"{key} must be a number >= {minimum}")
    return value


def parse_fault(spec, fault_id):
    """Build a Fault from the control API's JSON; raises InputError with a readable reason."""
    if not isinstance(spec, dict):
        raise InputError("the fault must be a JSON object")
    unknown = set(spec) - {"method", "path", "count", "status", "retry_after", "delay", "drop", "phase"}
    if unknown:
        raise InputError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    method, path, phase = spec.get("method", "*"), spec.get("path"), spec.get("phase", BEFORE)
    if not isinstance(method, str) or not isinstance(path, str) or not path:
        raise InputError("method and path must be strings; path is a glob such as /v8/Accounts*")
    if phase not in (BEFORE, AFTER):
        raise InputError("phase must be 'before' or 'after'")
    if not isinstance(spec.get("drop", False), bool):
        raise InputError("drop must be true or false")
    fault = Fault(fault_id, method.upper(), path, _number(spec, "count", 1, int, 1),
                  _number(spec, "status", None, int, 100), _number(spec, "retry_after", None, int, 0),
                  float(_number(spec, "delay", 0.0, (int, float), 0)), spec.get("drop", False), phase)
    if fault.status is not None and fault.status > 599:
        raise InputError("status must be an HTTP status code")
    if not fault.interrupts and not fault.delay:
        raise InputError("give at least one of status, drop or delay")
    return fault


class FaultList:
    def __init__(self):
        self.faults = []
        self.ids = itertools.count(1)

    def add(self, spec):
        fault = parse_fault(spec, next(self.ids))
        self.faults.append(fault)
        return fault

    def add_all(self, specs):
        """Add several faults in order, or none of them when one is invalid."""
        faults = [parse_fault(spec, next(self.ids)) for spec in specs]
        self.faults.extend(faults)
        return faults

    def take(self, method, path):
        """Consume one use of the first fault matching the request, or return None."""
        for fault in self.faults:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count == 0:
                    self.faults.remove(fault)
                return fault
        return None

    def describe(self):
        return [asdict(fault) for fault in self.faults]

    def clear(self):
        self.faults.clear()
