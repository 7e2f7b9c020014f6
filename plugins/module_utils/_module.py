# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module-side glue shared by every module: connection options, client set-up, error reporting.

A module calls connection_spec() for its argument spec and run() for its work; run() turns
every VeeamApiError into a fail_json with a readable message and always logs out a token it minted.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.veeam_community.backup.plugins.module_utils._http import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    VeeamApiError,
)


def _env(prefix, name):
    return (env_fallback, ["%s_%s" % (prefix, name)])


def connection_spec(env_prefix, default_port, extra=None):
    """The connection options of one API (see the vb365/vbgc doc fragments), each with an env fallback."""
    spec = {
        # Not required here: new_module() says where a missing server could have come from.
        "server": {"type": "str", "fallback": _env(env_prefix, "SERVER")},
        "port": {"type": "int", "default": default_port, "fallback": _env(env_prefix, "PORT")},
        "auth_username": {"type": "str", "fallback": _env(env_prefix, "USERNAME")},
        "auth_password": {"type": "str", "no_log": True, "fallback": _env(env_prefix, "PASSWORD")},
        "auth_token": {"type": "str", "no_log": True, "fallback": _env(env_prefix, "TOKEN")},
        "validate_certs": {"type": "bool", "default": True, "fallback": _env(env_prefix, "VALIDATE_CERTS")},
        "ca_path": {"type": "path", "fallback": _env(env_prefix, "CA_PATH")},
        "timeout": {"type": "int", "default": 30, "fallback": _env(env_prefix, "TIMEOUT")},
        "allow_plain_http": {"type": "bool", "default": False, "fallback": _env(env_prefix, "ALLOW_PLAIN_HTTP")},
    }
    for name, option in (extra or {}).items():
        option.setdefault("fallback", _env(env_prefix, name.upper().replace("AUTH_", "")))
        spec[name] = option
    return spec


def new_module(client_class, argument_spec, needs_auth=True, **kwargs):
    """An AnsibleModule with the client's connection options merged into argument_spec."""
    spec = dict(client_class.connection_spec())
    spec.update(argument_spec)
    if needs_auth:
        kwargs.setdefault("required_one_of", []).append(("auth_token", "auth_username"))
        kwargs.setdefault("required_together", []).append(("auth_username", "auth_password"))
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)
    if module.params["server"] is None:
        module.fail_json(msg="missing required argument: server. Set it on the task, once for every task with "
                             "module_defaults for group/veeam_community.backup.%s, or in the environment variable %s_SERVER."
                             % (client_class.action_group, client_class.env_prefix))
    return module


def run(module, client_class, work, keep_token=False):
    """Build the API client, call work(client) -> result dict, exit. Never returns."""
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    if module.params.get("timeout") is not None and module.params["timeout"] <= 0:
        module.fail_json(msg="timeout must be a positive number of seconds, got %s." % module.params["timeout"])
    try:
        client = client_class.from_params(module.params, warn=module.warn, keep_token=keep_token)
    except ValueError as exc:
        module.fail_json(msg=str(exc))
    failure = None
    try:
        result = work(client)
    except VeeamApiError as exc:
        failure = exc
    finally:
        client.close()
    if failure is not None:
        module.fail_json(msg=str(failure), **failure.as_result())
    module.exit_json(**result)


class ItemFailed(VeeamApiError):
    """A list module's failed item: which one in the message, and the items done before it in the result."""

    def __init__(self, error, label, list_key, done):
        super().__init__("%s: %s (%d items before it were handled)" % (label, error, len(done)))
        self.error = error
        self.result = {list_key: done, "changed": any(item["changed"] for item in done)}

    def as_result(self):
        return dict(self.error.as_result(), **self.result)


def apply_items(pairs, ensure, list_key, value_key, diff_mode):
    """The list modules' loop: ensure(item, current) for each (label, item, current) in order.

    Returns the module result: per item {item, action, changed, value_key}, and with --diff one diff per changed item.
    """
    results, diffs = [], []
    for label, item, current in pairs:
        try:
            result = ensure(item, current)
        except VeeamApiError as exc:
            raise ItemFailed(exc, label, list_key, results) from None
        results.append({"item": label, "action": _action(item["state"], current, result["changed"]),
                        "changed": result["changed"], value_key: result[value_key]})
        if result["changed"] and "diff" in result:
            diffs.append(dict(result["diff"], before_header=label, after_header=label))
    outcome = {"changed": any(result["changed"] for result in results), list_key: results}
    if diff_mode:
        outcome["diff"] = diffs
    return outcome


def _action(state, current, changed):
    if not changed:
        return "unchanged"
    if state == "absent":
        return "removed"
    return "updated" if current is not None else "created"


LOGIN_OPTIONS = {
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "return_refresh_token": {"type": "bool", "default": False},
}


def login_module_main(client_class, name):
    """The login modules: state=present logs in and returns the token, state=absent revokes auth_token."""
    module = new_module(client_class, LOGIN_OPTIONS, needs_auth=False)
    params = module.params
    if params["state"] == "absent":
        if not params["auth_token"]:
            module.fail_json(msg="%s state=absent revokes auth_token: give the access_token of the login to end." % name)
        run(module, client_class, lambda client: {"changed": client.revoke(check_mode=module.check_mode)})
    if not (params["auth_username"] and params["auth_password"]):
        module.fail_json(msg="auth_username and auth_password are required with state=present: this module logs in to get "
                             "a new token; give both (auth_token is used only with state=absent).")
    run(module, client_class, lambda client: _login(client, params["return_refresh_token"]), keep_token=True)


def _login(client, return_refresh_token):
    token = client.login()
    result = {"changed": False, "access_token": token["access_token"], "expires_in": token.get("expires_in")}
    if return_refresh_token:
        result["refresh_token"] = token.get("refresh_token")
    return result
