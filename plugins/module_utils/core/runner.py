# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How every module runs: build the API client (the module's connection options, core/connection.py), call the work
function, exit.

The one place that turns a failure (VeeamApiError, InputError, a missing library) into fail_json, that logs
out a token the module minted, and that refuses, before any request, a task whose result would hold a secret
without no_log (a module declares that with run(..., secret=SecretInResult(...))). Also the login modules, which
are only connection options and a token.
"""

from __future__ import annotations

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, MissingLibraryError, VeeamError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import SecretInResult, unlogged_secret_problem


def failure_message(error):
    """The fail_json msg of an error; a missing library adds Ansible's install hint."""
    if isinstance(error, MissingLibraryError):
        return "%s %s" % (error.message, missing_required_lib(error.library))
    return str(error)


def check_input(module, problem):
    """Fail the task before any request when problem (a message, or an InputError) says the options cannot be used."""
    if isinstance(problem, VeeamError):
        module.fail_json(msg=failure_message(problem))
    if problem:
        module.fail_json(msg=problem)


def run(module, work, keep_token=False, secret=None):
    """Build the API client, call work(client) -> result dict, exit. Never returns.

    secret: a SecretInResult when the result of this run would hold a secret; the task must then have no_log."""
    check_input(module, unlogged_secret_problem(module.no_log, secret))
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        client = module.client(keep_token)
    except InputError as exc:
        module.fail_json(msg=failure_message(exc))
    failure = None
    try:
        result = work(client)
    except VeeamError as exc:
        failure = exc
    finally:
        client.close()
    if failure is not None:
        module.fail_json(msg=failure_message(failure), **failure.as_result())
    module.exit_json(**result)


LOGIN_OPTIONS = {
    "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    "return_refresh_token": {"type": "bool", "default": False},
}


def login_module_main(client_class, name):
    """The login modules: state=present logs in and returns the token, state=absent revokes auth_token."""
    module = new_module(client_class, LOGIN_OPTIONS, needs_auth=False)
    params = module.params
    check_input(module, module.connection.login_problem(params, name))
    if params["state"] == "absent":
        run(module, lambda client: {"changed": client.revoke(check_mode=module.check_mode)})
    tokens = "access_token and refresh_token" if params["return_refresh_token"] else "access_token"
    run(module, lambda client: token_result(client.login(), params["return_refresh_token"]), keep_token=True,
        secret=SecretInResult("the token of a new session (%s), which acts as %s" % (tokens, params["auth_username"])))


def token_result(token, return_refresh_token):
    """The result of a login: the access token, its lifetime, and the refresh token only when asked for."""
    result = {"changed": False, "access_token": token["access_token"], "expires_in": token.get("expires_in")}
    if return_refresh_token:
        result["refresh_token"] = token.get("refresh_token")
    return result
