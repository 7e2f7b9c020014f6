# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired-state skeleton that every resource shares, whatever its product: read the object, check the options
against it before any write, then create, update or remove it; and the same for a list of objects in one task.

A product's resource file (vbgc_user.py, vbazure_user.py) supplies only what differs: its reads, checks and writes.
"""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.batch import apply_checked
from ansible_collections.veeam_community.backup.plugins.module_utils.core.compare import DUPLICATE_STATUSES, UNKNOWN
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, OutcomeUnknown, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result


class CreatedMeanwhile(Exception):
    """A create refused because the object exists: another task made it meanwhile. found is the object as read."""

    def __init__(self, found):
        super().__init__("the object was created meanwhile")
        self.found = found


def send_once(send, find, duplicates=DUPLICATE_STATUSES):
    """send() a request that is not idempotent (a create) and return its answer, never repeating it blindly.

    find() reads the object again by its natural key (None: not there). When the answer leaves unknown whether the
    server acted (OutcomeUnknown), an object found then is the one this task made, returned as send() would return
    it; only when none is found is the request sent again, within the HTTP layer's bounds. A refusal that may mean a
    duplicate (a status in duplicates) raises CreatedMeanwhile when find() sees the object: another task made it.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return send()
        except OutcomeUnknown as exc:
            unknown = exc
        except VeeamApiError as exc:
            found = find() if exc.status in duplicates else None
            if found is None:
                raise
            raise CreatedMeanwhile(found) from None
        found = find()
        if found is not None:
            return found
        if not unknown.wait(attempt):
            tries = "%d %s" % (attempt, "try" if attempt == 1 else "tries")
            raise VeeamApiError("%s (%s; after each, a read found that nothing had been created). Run the task again "
                                "once the server is available." % (unknown.reason.rstrip("."), tries),
                                status=unknown.status, method=unknown.method, path=unknown.path,
                                error_code=unknown.error_code) from None


def removal_result(noun, current, delete, check_mode, diff_mode, before=None):
    """state=absent: unchanged when current is None (nothing there), else delete() outside check mode.

    The result names the object by noun (empty: it is gone); before is what the diff shows of it (default: current)."""
    if current is None:
        return module_result(False, diff_mode, {}, {}, **{noun: {}})
    if not check_mode:
        delete()
    return module_result(True, diff_mode, current if before is None else before, {}, **{noun: {}})


class Resource:
    """One kind of object that has a natural key (a user by name) and how to read, check and write one.

    read(client, params) -> the object or None; read_all(client) -> {key: object}; key(params) -> the natural key;
    server_problem(client, params, current) -> why params cannot be applied (None: fine), checked before any write;
    create(client, params, check_mode, diff_mode) and update(client, params, check_mode, diff_mode, current) -> the
    module result; delete(client, params, current) removes it. noun names one object in results ("user"), where the
    server in messages ("the appliance"); label(params) names one item of a list (default: its key).
    """

    def __init__(self, noun, where, key, read, read_all, server_problem, create, update, delete, label=None):
        self.noun, self.where, self.key, self.label = noun, where, key, label or key
        self.read, self.read_all, self.server_problem = read, read_all, server_problem
        self.create, self.update, self.delete = create, update, delete

    def ensure(self, client, params, check_mode, diff_mode, current=UNKNOWN):
        """Bring one object to params; current is the object as already read (None: absent), or UNKNOWN to read it."""
        if current is UNKNOWN:
            current = self.read(client, params)
        return self.apply(client, params, check_mode, diff_mode, self.checked(client, params, current))

    def apply(self, client, params, check_mode, diff_mode, current):
        """Apply params, checked by server_problem(), to current (None: absent)."""
        if params["state"] == "absent":
            return removal_result(self.noun, current, lambda: self.delete(client, params, current), check_mode, diff_mode)
        if current is None:
            try:
                return self.create(client, params, check_mode, diff_mode)
            except CreatedMeanwhile as exc:
                current = exc.found
        return self.update(client, params, check_mode, diff_mode, current)

    def ensure_all(self, client, items, check_mode, diff_mode):
        """The list module: one read of every object, every item checked against it, then each item applied in order."""
        current = self.read_all(client)
        return apply_checked(items, self.label, lambda item: self.checked(client, item, current.get(self.key(item))),
                             lambda item, found: self.apply(client, item, check_mode, diff_mode, found),
                             self.noun + "s", self.noun, diff_mode, self.where)

    def checked(self, client, params, current):
        """current, once server_problem() finds nothing against applying params to it; else raises InputError."""
        problem = self.server_problem(client, params, current)
        if problem:
            raise InputError(problem)
        return current


def user_key(name):
    """A user name as the appliances compare it: VBAzure ignores case, VBGC allows lower case only."""
    return str(name or "").casefold()


def appliance_users(server_problem, create, update):
    """The users of an appliance, keyed by name (user_key()), for an API client with get_user(name), list_users() and
    delete_user(name) (VBGC and VBAzure)."""
    return Resource(
        "user", "the appliance", key=lambda params: user_key(params["name"]), label=lambda params: params["name"],
        read=lambda client, params: client.get_user(params["name"]),
        read_all=lambda client: {user_key(user.get("name")): user for user in client.list_users()},
        server_problem=server_problem, create=create, update=update,
        delete=lambda client, params, _user: client.delete_user(params["name"]),
    )
