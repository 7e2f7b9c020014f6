# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one owner of the connection options: their argument spec and env fallbacks, their checks, every message
that names one, and the API client built from them.

An API client class states only facts about its API, in the API's terms (see core/api_client.py): product,
short_name, default_port, login_path, mfa_grant and version_header/api_revision. ConnectionOptions turns them into
module options and words the remedies (ADVICE) that the HTTP layer and the client add to their errors. VeeamModule is
the AnsibleModule that holds the ConnectionOptions of its API, as community.hashi_vault's HashiVaultModule holds its
HashiVaultConnectionOptions.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.common.validation import check_required_one_of, check_required_together

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import HttpClient

# The remedies of the HTTP layer and the API clients, said in terms of the connection options.
ADVICE = {
    "no_verify": "validate_certs is false: the server certificate is not checked, so the connection can be intercepted. "
                 "Prefer ca_path with the CA that signed the server certificate.",
    "plain_http_answer": "server and port must name the HTTPS port of the REST API. This is not a certificate problem. "
                         "Use http:// only for a service that really serves plain HTTP (with allow_plain_http: true).",
    "tls_failed": "Set ca_path to the CA certificate that signed the server certificate (for the simulator: the ca_path "
                  "of its ready line), or, only for a lab, validate_certs: false.",
    "ca_unreadable": "Set ca_path to the PEM file of the CA that signed the server certificate.",
    "tls_port": "server is http://%(netloc)s but that port speaks TLS (HTTPS): use https://%(netloc)s (or the bare host "
                "name) so the connection is encrypted.",
    "unreachable": "Check that the server is reachable and that timeout (%(timeout)s s) suits it.",
    "refused": "Check server and port: nothing accepts connections there (is the REST API running, on that port?).",
    "unresolved": "Check server for a typo, and that the controller can resolve that name (DNS, /etc/hosts).",
    "wrong_product": "server and port seem to name another product or another port: the %(product)s REST API listens "
                     "on port %(default_port)s by default. Check server and port (a port in server wins over port).",
    "not_json": "is server pointing at the Veeam REST API?",
    "no_answer": "no answer within timeout=%(timeout)s s",
    "no_credentials": "set auth_username and auth_password, or auth_token.",
    "token_refused": "Get a fresh one with the login module, or give auth_username and auth_password so the module can "
                     "log in again.",
    "login_refused": "Check auth_username and auth_password.",
    "login_rejected": "Check auth_username and auth_password, and api_version.",
    "mfa_refused": "Check auth_mfa_secret (and the controller's clock).",
    "mfa_rejected": "Check auth_mfa_secret (and the controller's clock), and api_version.",
    "mfa_secret_missing": "%(product)s asks for a multi-factor code for auth_username=%(username)s: give auth_mfa_secret, "
                          "the base32 TOTP secret of that account, or log in with an account without MFA.",
    "mfa_secret": "auth_mfa_secret",
    "token_only": "the connection uses auth_token only; give auth_username and auth_password.",
    "own_password": "auth_password is the password of auth_username.",
}


def _env(prefix, name):
    return (env_fallback, ["%s_%s" % (prefix, name)])


class ConnectionOptions:
    """The connection options of one API client class: spec, env fallbacks (VEEAM_<SHORT_NAME>_*), checks, client."""

    def __init__(self, client_class):
        self.client_class = client_class

    @property
    def env_prefix(self):
        return "VEEAM_%s" % self.client_class.short_name.upper()

    @property
    def action_group(self):
        """The module_defaults group of the product's modules (meta/runtime.yml)."""
        return self.client_class.short_name.lower()

    def argument_spec(self):
        """The connection options of the API (see the product doc fragments), each with an env fallback."""
        prefix, client_class = self.env_prefix, self.client_class
        spec = {
            # Not required here: problem() says where a missing server could have come from.
            "server": {"type": "str", "fallback": _env(prefix, "SERVER")},
            "port": {"type": "int", "default": client_class.default_port, "fallback": _env(prefix, "PORT")},
            "auth_username": {"type": "str", "fallback": _env(prefix, "USERNAME")},
            "auth_password": {"type": "str", "no_log": True, "fallback": _env(prefix, "PASSWORD")},
            "auth_token": {"type": "str", "no_log": True, "fallback": _env(prefix, "TOKEN")},
            "validate_certs": {"type": "bool", "default": True, "fallback": _env(prefix, "VALIDATE_CERTS")},
            "ca_path": {"type": "path", "fallback": _env(prefix, "CA_PATH")},
            "timeout": {"type": "int", "default": 30, "fallback": _env(prefix, "TIMEOUT")},
            "allow_plain_http": {"type": "bool", "default": False, "fallback": _env(prefix, "ALLOW_PLAIN_HTTP")},
        }
        if client_class.version_header:
            spec["api_version"] = {"type": "str", "default": client_class.api_revision, "fallback": _env(prefix, "API_VERSION")}
        if client_class.mfa_grant:
            spec["auth_mfa_secret"] = {"type": "str", "no_log": True, "fallback": _env(prefix, "MFA_SECRET")}
        return spec

    def problem(self, params, needs_auth=True):
        """Why the options cannot be used before any request, else None.

        The credentials are checked after the server: without a server (a shell without the environment variables)
        the first thing to say is that none is set, not that the credentials are missing too."""
        prefix = self.env_prefix
        if params["server"] is None:
            return ("no server is set (neither the server option nor the environment variable %s_SERVER). Set it on the "
                    "task, once for every task with module_defaults for group/veeam_community.backup.%s, or in %s_SERVER. "
                    "For the simulator of the collection's repository, run `source build/simulator/env.sh` (written by "
                    "make simulator) in the shell that runs ansible-playbook: it sets the server, CA and credentials."
                    % (prefix, self.action_group, prefix))
        if not needs_auth:
            return None
        given = {name: value for name, value in params.items() if value is not None}
        try:
            check_required_one_of([("auth_token", "auth_username")], given)
            check_required_together([("auth_username", "auth_password")], given)
        except TypeError as exc:
            return "%s (or the environment variables %s_TOKEN, %s_USERNAME and %s_PASSWORD)." % (
                to_native(exc), prefix, prefix, prefix)
        return None

    @staticmethod
    def login_problem(params, module_name):
        """Why a login module (module_name) cannot do what its state asks with these options, else None."""
        if params["state"] == "absent":
            if not params["auth_token"]:
                return "%s state=absent revokes auth_token: give the access_token of the login to end." % module_name
            return None
        if not (params["auth_username"] and params["auth_password"]):
            return ("auth_username and auth_password are required with state=present: this module logs in to get a new "
                    "token; give both (auth_token is used only with state=absent).")
        return None

    def build_client(self, params, warn=None, keep_token=False):
        """The API client for the options in params. Raises InputError, naming the option, on bad input."""
        if params.get("timeout") is not None and params["timeout"] <= 0:
            raise InputError("timeout must be a positive number of seconds, got %s." % params["timeout"])
        base_url = build_base_url(params["server"], params["port"])
        self._check_plain_http(base_url, params, warn)
        if params.get("ca_path") and not os.path.exists(params["ca_path"]):
            raise InputError("ca_path=%s does not exist: give the PEM file of the CA certificate that signed the server "
                             "certificate." % params["ca_path"])
        http = HttpClient(
            base_url, validate_certs=params["validate_certs"], ca_path=params.get("ca_path"),
            timeout=params["timeout"], headers=self._headers(params), warn=warn, advice=ADVICE,
        )
        mfa = {"mfa_secret": params.get("auth_mfa_secret")} if self.client_class.mfa_grant else {}
        return self.client_class(http, username=params.get("auth_username"), password=params.get("auth_password"),
                                 token=params.get("auth_token"), keep_token=keep_token, **mfa)

    def _headers(self, params):
        header = self.client_class.version_header
        if not header:
            return {}
        if not params.get("api_version"):
            raise InputError("api_version is empty: give the REST API revision, e.g. %s." % self.client_class.api_revision)
        return {header: params["api_version"]}

    def _check_plain_http(self, base_url, params, warn):
        """Refuse http:// unless allow_plain_http; warn when it is allowed."""
        if not base_url.startswith("http://"):
            return
        if not params.get("allow_plain_http"):
            raise InputError(
                "server=%s uses plain http://, which sends the password and tokens unencrypted: use https:// (the "
                "default for a bare host name). Only on a network you trust, allow it with allow_plain_http: true (or "
                "%s_ALLOW_PLAIN_HTTP=true)." % (params["server"], self.env_prefix))
        if warn:
            warn("allow_plain_http is true and server is %s: the password and tokens cross the network unencrypted. "
                 "Use https:// outside a lab." % base_url)


class VeeamModule(AnsibleModule):
    """An AnsibleModule with the connection options of one API merged into its argument spec and checked.

    self.connection is their ConnectionOptions; client() builds the API client from them (core/runner.py calls it)."""

    def __init__(self, client_class, argument_spec, needs_auth=True, **kwargs):
        self.connection = ConnectionOptions(client_class)
        spec = self.connection.argument_spec()
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, supports_check_mode=True, **kwargs)
        problem = self.connection.problem(self.params, needs_auth)
        if problem:
            self.fail_json(msg=problem)

    def client(self, keep_token=False):
        """The API client of this task's connection options. Raises InputError on bad input."""
        return self.connection.build_client(self.params, warn=self.warn, keep_token=keep_token)


def new_module(client_class, argument_spec, needs_auth=True, **kwargs):
    """The VeeamModule of a module whose API client is client_class, with its own options in argument_spec."""
    return VeeamModule(client_class, argument_spec, needs_auth=needs_auth, **kwargs)


def build_base_url(server, port, option_name="server"):
    """Turn the server option (host, IP, or https://host[:port]) into a base URL without a path.

    Raises InputError with a message naming the option and the fix.
    """
    server = (server or "").strip()
    if not server:
        raise InputError("%s is empty: give the host name or IP of the Veeam server, e.g. backup.example.com." % option_name)
    candidate = server if "://" in server else "https://" + server
    parts = urlsplit(candidate)
    if parts.scheme not in ("https", "http"):
        raise InputError("%s=%s uses the scheme '%s': use https://host[:port] or a bare host name." % (option_name, server, parts.scheme))
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InputError(
            "%s=%s contains a path or query: give only the scheme, host and port (for example https://%s); "
            "the module adds the API path itself." % (option_name, server, parts.netloc)
        )
    if not parts.hostname:
        raise InputError("%s=%s has no host name." % (option_name, server))
    try:
        url_port = parts.port
    except ValueError:
        raise InputError("%s=%s has an invalid port." % (option_name, server)) from None
    host = "[%s]" % parts.hostname if ":" in parts.hostname else parts.hostname
    return "%s://%s:%d" % (parts.scheme, host, url_port or port)
