# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one desired-state engine of every resource, whatever its product: read the object, check the options against it
before any write, then create, update or remove it, and report; the same for a list of objects in one task.

A product's resource file declares a Resource: only what differs (its key, reads, problems, writes, names). Each run
has one Context, the per-run cache of list reads ("each list once per run"), passed to every read, check and write.
"""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.batch import apply_checked, input_refusal
from ansible_collections.veeam_community.backup.plugins.module_utils.core.compare import DUPLICATE_STATUSES
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


class Context:
    """What one module run has read: each list at most once. Every read, check and write of a resource gets it.

    all_listed: a list module's run, which reads whole lists once rather than the objects one option names."""

    def __init__(self, client, all_listed=False):
        self.client = client
        self.all_listed = all_listed
        self._lists = {}

    def once(self, name, read):
        """read() the first time name is asked for in this run, its answer every other time."""
        if name not in self._lists:
            self._lists[name] = read()
        return self._lists[name]


class Resource:
    """One kind of object, declared by what differs; the engine runs the flow (ensure() one, ensure_all() a list).

    Every function gets the run's Context (ctx) first. read(ctx, params) -> the object or None; find(ctx, params) the
    same in a list run (default: read); problem(ctx, params, current) -> why params cannot be applied to current (None:
    absent), checked before any write, or None; create(ctx, params, check_mode, diff_mode) and update(ctx, params,
    check_mode, diff_mode, current) -> the module result (a create may raise CreatedMeanwhile: then it is an update);
    delete(ctx, params, current) removes it, view(current) is what a removal's diff shows of it (default: current).
    input_problem(params) -> what is wrong with params before any request; key(params) -> the natural key, which a
    list gives once; label(params) names one item (default: its key). noun names one object in results ("user"),
    list_key the list option and result ("users"), kind one object in messages, where the server ("the appliance");
    context(client, all_listed) makes the run's Context; listing(ctx) is what a list run reads before anything else
    (default: nothing), even for an empty list.
    """

    def __init__(self, noun, list_key, key, read, problem, create, update, *, input_problem, find=None, label=None,
                 kind=None, where="the server", view=None, delete=None, listing=None, context=Context):
        self.noun, self.list_key, self.key, self.read, self.problem = noun, list_key, key, read, problem
        self.create, self.update, self.delete, self.input_problem = create, update, delete, input_problem
        self.find, self.label, self.kind, self.where = find or read, label or key, kind or noun, where
        self.view = view or (lambda current: current)
        self.listing = listing or (lambda ctx: None)
        self.context = context

    def ensure(self, client, params, check_mode, diff_mode):
        """The single module: bring one object to params (read, check, apply) with a new Context."""
        ctx = self.context(client)
        current = self.checked(ctx, params, self.read(ctx, params))
        return self.apply(ctx, params, check_mode, diff_mode, current)

    def ensure_all(self, client, items, check_mode, diff_mode, ctx=None):
        """The list module: every item read and checked before the first write, then each item applied in order.
        ctx: the run's Context (default: a new one that reads whole lists)."""
        ctx = ctx or self.context(client, True)
        self.listing(ctx)
        return apply_checked(items, self.label, lambda item: self.checked(ctx, item, self.find(ctx, item)),
                             lambda item, found: self.apply(ctx, item, check_mode, diff_mode, found),
                             self.list_key, self.noun, diff_mode, self.where)

    def refusal(self, items):
        """The list module's refusal of its items before any request (None: every item can be used)."""
        return input_refusal(items, self.list_key, self.label, self.input_problem, self.key, self.kind)

    def apply(self, ctx, params, check_mode, diff_mode, current):
        """Apply params, checked by problem(), to current (None: absent)."""
        if params.get("state") == "absent":
            return removal_result(self.noun, current, lambda: self.delete(ctx, params, current), check_mode, diff_mode,
                                  before=current and self.view(current))
        if current is None:
            try:
                return self.create(ctx, params, check_mode, diff_mode)
            except CreatedMeanwhile as exc:
                current = exc.found
        return self.update(ctx, params, check_mode, diff_mode, current)

    def checked(self, ctx, params, current):
        """current, once problem() finds nothing against applying params to it; else raises InputError."""
        problem = self.problem(ctx, params, current)
        if problem:
            raise InputError(problem)
        return current


def user_key(name):
    """A user name as an appliance compares it: without case (one appliance ignores case, another allows lower case only)."""
    return str(name or "").casefold()


def appliance_users(input_problem, problem, create, update):
    """The users of an appliance, keyed by name (user_key()), for an API client with get_user(name), list_users() and
    delete_user(name) (the appliances with users and MFA). problem, create and update take the client, not the Context."""
    return Resource(
        "user", "users", key=lambda params: user_key(params["name"]), label=lambda params: params["name"],
        where="the appliance", input_problem=input_problem,
        read=lambda ctx, params: ctx.client.get_user(params["name"]),
        find=lambda ctx, params: _all_users(ctx).get(user_key(params["name"])), listing=_all_users,
        problem=lambda ctx, params, user: problem(ctx.client, params, user),
        create=lambda ctx, params, check_mode, diff_mode: create(ctx.client, params, check_mode, diff_mode),
        update=lambda ctx, params, check_mode, diff_mode, user: update(ctx.client, params, check_mode, diff_mode, user),
        delete=lambda ctx, params, _user: ctx.client.delete_user(params["name"]),
    )


def _all_users(ctx):
    return ctx.once("users", lambda: {user_key(user.get("name")): user for user in ctx.client.list_users()})


def default_admin_problem(params, user, is_default_admin, title):
    """state=absent of an appliance user: the appliance's built-in administrator (its title there) cannot be removed."""
    if user is not None and is_default_admin(user):
        return ("user %s is the %s of the appliance, which cannot be removed; remove another account or keep "
                "state=present for this one." % (params["name"], title))
    return None
