"""Control API routes for the VBAzure users: seed them, read their MFA secret, check a password."""

from dataclasses import asdict

from ..core.control import PREFIX, check_keys, seed_list, seed_mfa_secret, seed_text
from ..core.messages import ApiError, json_response
from .api import user_view
from .model import IDENTITY_PROVIDER, INTERNAL, ROLES, USER_TYPES, AzureUser, find_by_name, new_user_id

SEED_KEYS = {"name", "password", "description", "role", "type", "identityProviderEntityId", "mfa_secret"}


def add_user_control(api, control):
    """Register the routes on the ControlApi `control` (they run under its lock, like its own)."""
    add = control.router.add
    add("POST", f"{PREFIX}/vbazure/seed", lambda request: seed(control.state, request))
    add("GET", f"{PREFIX}/vbazure/users/{{name}}", lambda request, name: internals(control.state, name))
    add("POST", f"{PREFIX}/vbazure/users/{{name}}/check_password",
        lambda request, name: check_password(control.state, request, name))


def seed(state, request):
    """Create users directly (the password policy is skipped on purpose); -> their ids by name."""
    users = [_seed_user(spec) for spec in seed_list(request.json_object(), "users")]
    names = [user.name.lower() for user in users]
    clashes = sorted({user.name for user in users
                      if find_by_name(state.vbazure.users, user.name) or names.count(user.name.lower()) > 1})
    if clashes:
        raise ApiError(409, f"users already exist or repeat: {', '.join(clashes)}.")
    state.vbazure.users.update((user.id, user) for user in users)
    state.changed()
    return json_response(200, {"users": {user.name: user.id for user in users}})


def internals(state, name):
    user = _user(state, name)
    pending = asdict(user.pending_mfa) if user.pending_mfa else None
    return json_response(200, {**user_view(user), "mfa_secret": user.mfa_secret, "scratch_codes": user.scratch_codes,
                               "pending_mfa": pending})


def check_password(state, request, name):
    password = request.json_object().get("password")
    return json_response(200, {"valid": password is not None and password == _user(state, name).password})


def _user(state, name):
    """A user by name (any case) or by id."""
    user = state.vbazure.users.get(name) or find_by_name(state.vbazure.users, name)
    if user is None:
        raise ApiError(404, f"no VBAzure user {name!r}.")
    return user


def _seed_user(spec):
    check_keys(spec, SEED_KEYS)
    name = seed_text(spec, "name")
    role, user_type = spec.get("role"), spec.get("type", INTERNAL)
    if role not in ROLES or user_type not in USER_TYPES:
        raise ApiError(400, f"user {name!r}: role must be one of {', '.join(ROLES)}; type one of "
                            f"{', '.join(USER_TYPES)}.")
    provider = user_type == IDENTITY_PROVIDER
    password = None if provider else seed_text(spec, "password")
    entity_id = seed_text(spec, "identityProviderEntityId") if provider else None
    secret = seed_mfa_secret(spec, name)
    return AzureUser(new_user_id(), name, password, role, seed_text(spec, "description", required=False), user_type,
                     entity_id, mfa_secret=secret)
