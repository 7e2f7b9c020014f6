# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of one VB365 encryption key (an object storage encryption password), found by its description.

The API has no PUT for keys: a password cannot be changed, and it is never read back. So a key that exists is
left as it is, and update_password=always is refused before any request. KEY declares the key on the engine
(core/engine.py): KEY.ensure() for one, KEY.ensure_all() for a list.
"""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.module_utils.core.compare import ALWAYS, STATE_OPTION, UPDATE_PASSWORD_OPTION
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.core.engine import Resource, send_once
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import normalize_uuid, uuid_option_problem
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.lookups import Lookups


def key_spec():
    return {
        "description": {"type": "str", "required": True},
        "password": {"type": "str", "no_log": True},
        "organization_id": {"type": "str"},
        "update_password": dict(UPDATE_PASSWORD_OPTION),
        "state": dict(STATE_OPTION),
    }


def input_problem(params):
    if not params["description"].strip():
        return "description must not be empty: it is what identifies the encryption key."
    if params["update_password"] == ALWAYS:
        return ("update_password=always cannot be done: the VB365 API has no way to change the password of an "
                "encryption key (no PUT /v8/EncryptionKeys/{id}) and never returns it. To rotate, add a key with a new "
                "description, point the repositories at it, then remove the old key (state=absent).")
    return uuid_option_problem(params, ("organization_id",))


def pick_key(keys, description):
    """The one key with exactly this description, or None; InputError on several."""
    found = sorted((key for key in keys if key.get("description") == description), key=_id_order)
    if len(found) > 1:
        raise InputError("%d encryption keys have the description '%s' (ids: %s), so it does not say which one is "
                         "meant. Remove %s in the console (the lowest id stays, as after a race of parallel runs), or "
                         "give them distinct descriptions; if a repository uses one of those, keep that one instead "
                         "(veeam_m365_encryption_key_info shows used_by)."
                         % (len(found), description, ", ".join(str(key.get("id")) for key in found),
                            ", ".join(str(key.get("id")) for key in found[1:])))
    return found[0] if found else None


def users_of(key_id, repositories):
    """Names of the repositories that encrypt with key_id."""
    return [repo.get("name") for repo in repositories
            if str(repo.get("encryptionKeyId") or "").lower() == str(key_id).lower()]


def comparable(key):
    return {"description": key.get("description"), "organizationId": normalize_uuid(key.get("organizationId"))}


def server_problem(ctx, params, current):
    """Why params cannot be applied when current is the key on the server (None: there is none), else None.
    Reads the repositories (once, through the run's Lookups) only to remove a key that exists."""
    if params["state"] == "absent":
        users = users_of(current["id"], ctx.repositories()) if current is not None else []
        if users:
            return ("encryption key '%s' (id %s) is used by the backup repositories %s. Remove those repositories (or "
                    "create them anew with another key) first." % (current.get("description"), current["id"], ", ".join(users)))
    elif current is None and not params["password"]:
        return "password is required to create the encryption key '%s'." % params["description"]
    return None


def _unchanged(ctx, _params, _check_mode, diff_mode, current):
    """A key that exists stays as it is: the API cannot change it."""
    return module_result(False, diff_mode, comparable(current), comparable(current), encryption_key=current)


def _create(ctx, params, check_mode, diff_mode):
    after = {"description": params["description"], "organizationId": normalize_uuid(params["organization_id"])}
    key, made = dict(after, id=None), True
    if not check_mode:
        key, made = _send_create(ctx.client, params, after["organizationId"])
    if not made:
        return _unchanged(ctx, params, check_mode, diff_mode, key)
    return module_result(True, diff_mode, {}, dict(after, password=MASK), encryption_key=key)


def _send_create(client, params, organization_id):
    """(the key, whether this task's key is the one that stays). The API allows several keys with one description, so
    the create is never repeated blindly (send_once) and is followed by a read for keys that parallel tasks added."""
    description = params["description"]
    key = send_once(lambda: client.create_encryption_key(params["password"], description, organization_id),
                    lambda: pick_key(client.list_encryption_keys(description), description))
    return _settled(client, key, description)


def _settled(client, own, description):
    """After a race of tasks that each found no key and each added one: the key with the lowest id stays, and each task
    removes only the key it added itself, so no task removes a key another one uses or the last one. A task that read
    before a later one added its key keeps its own: then the next run names the ids to remove (pick_key)."""
    same = [key for key in client.list_encryption_keys(description) if key.get("description") == description]
    survivor = min(same, key=_id_order, default=own)
    if own.get("id") is None or _id_order(survivor) == _id_order(own):
        return own, True
    client.delete_encryption_key(own["id"], [])
    client.http.warn("another task added the encryption key '%s' (id %s) at the same time as this one: this task "
                     "removed the copy it had added (id %s) and uses that key." % (description, survivor.get("id"), own["id"]))
    return survivor, False


def _id_order(key):
    return str(key.get("id")).lower()


def read_keys(client, params):
    """veeam_m365_encryption_key_info: the keys (optionally those of one description), with the repositories using each."""
    keys = [key for key in client.list_encryption_keys(params["description"])
            if params["description"] is None or key.get("description") == params["description"]]
    repositories = client.list_repositories() if keys else []
    return {"changed": False, "encryption_keys": [dict(key, used_by=users_of(key["id"], repositories)) for key in keys]}


KEY = Resource(
    "encryption_key", "encryption_keys", kind="encryption key", key=lambda params: params["description"],
    input_problem=input_problem, context=Lookups, read=lambda ctx, params: pick_key(ctx.keys(), params["description"]),
    problem=server_problem, create=_create, update=_unchanged, view=comparable,
    delete=lambda ctx, _params, current: ctx.client.delete_encryption_key(current["id"], []),
)
