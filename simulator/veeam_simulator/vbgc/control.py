"""Control API routes for the VBGC users: seed them, read their MFA secret, check a password."""

from dataclasses import asdict

from ..core.control import PREFIX, check_keys, seed_mfa_secret, seed_text
from ..core.messages import ApiError, json_response
from .api import user_view
from .model import NAME_RULE, ROLES, User

SEED_KEYS = {"name", "password", "description", "roles", "mfa_secret"}


def add_user_control(api, control):
    """Register the user routes and the `vbgc_users` seeder on the ControlApi `control`."""
    state = control.state
    control.router.add("GET", f"{PREFIX}/vbgc/users/{{name}}", lambda request, name: internals(state, name))
    control.router.add("POST", f"{PREFIX}/vbgc/users/{{name}}/check_password",
                       lambda request, name: check_password(state, request, name))
    control.add_seeder("vbgc_users", seed_users)


def seed_users(state, specs):
    """Seeds skip the password policy on purpose."""
    users = [_seed_user(spec) for spec in specs]
    names = [user.name for user in users]
    existing = state.vbgc.users
    clashes = sorted({name for name in names if name in existing or names.count(name) > 1})
    if clashes:
        raise ApiError(409, f"users already exist or repeat: {', '.join(clashes)}.")
    return lambda: existing.update((user.name, user) for user in users), names


def internals(state, name):
    user = _user(state, name)
    pending = asdict(user.pending_mfa) if user.pending_mfa else None
    return json_response(200, {**user_view(user), "default_admin": user.default_admin,
                               "mfa_secret": user.mfa_secret, "scratch_codes": user.scratch_codes,
                               "pending_mfa": pending})


def check_password(state, request, name):
    password = request.json_object().get("password")
    return json_response(200, {"valid": password == _user(state, name).password})


def _user(state, name):
    users = state.vbgc.users
    if name not in users:
        raise ApiError(404, f"no user {name!r}.")
    return users[name]


def _role_id(reference):
    """A role given by name (any case) or by id."""
    for role in ROLES:
        if isinstance(reference, str) and reference.lower() in (role.id, role.name.lower()):
            return role.id
    raise ApiError(400, f"unknown role {reference!r}; known: {', '.join(role.name for role in ROLES)}.")


def _seed_user(spec):
    check_keys(spec, SEED_KEYS)
    name = seed_text(spec, "name")
    if not NAME_RULE.fullmatch(name):
        raise ApiError(400, f"user name {name!r} breaks the rule ^[a-z0-9_-]{{1,32}}$.")
    roles = spec.get("roles")
    if not isinstance(roles, list) or not roles:
        raise ApiError(400, f"user {name!r}: roles must be a non-empty list of role names or ids.")
    secret = seed_mfa_secret(spec, name)
    return User(name, seed_text(spec, "password"), list(dict.fromkeys(_role_id(role) for role in roles)),
                seed_text(spec, "description", required=False), mfa_secret=secret)
