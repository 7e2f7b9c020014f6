# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one owner of the connection options: their argument spec and env fallbacks, their checks, and the API
client built from them.

An API client class (vb365.py, vbgc.py) declares only its product facts: env_prefix, default_port, action_group,
extra_options, header_options and client_arguments. Every message that names a connection option is written here.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.common.validation import check_required_one_of, check_required_together

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import HttpClient


def _env(prefix, name):
    return (env_fallback, ["%s_%s" % (prefix, name)])


def connection_spec(client_class):
    """The connection options of one API (see the vb365/vbgc doc fragments), each with an env fallback."""
    prefix = client_class.env_prefix
    spec = {
        # Not required here: new_module() says where a missing server could have come from.
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
    for name, option in client_class.extra_options.items():
        spec[name] = dict(option, fallback=option.get("fallback", _env(prefix, name.upper().replace("AUTH_", ""))))
    return spec


def new_module(client_class, argument_spec, needs_auth=True, **kwargs):
    """An AnsibleModule with the client's connection options merged into argument_spec.

    The credentials are checked after the server: without a server (a shell without the environment variables) the
    first thing to say is that none is set, not that the credentials are missing too."""
    spec = connection_spec(client_class)
    spec.update(argument_spec)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **kwargs)
    module.client_class = client_class  # run() builds this API client
    if module.params["server"] is None:
        module.fail_json(msg="no server is set (neither the server option nor the environment variable %s_SERVER). Set "
                             "it on the task, once for every task with module_defaults for group/veeam_community.backup.%s, "
                             "or in %s_SERVER. For the simulator of the collection's repository, run "
                             "`source build/simulator/env.sh` (written by make simulator) in the shell that runs "
                             "ansible-playbook: it sets the server, CA and credentials."
                             % (client_class.env_prefix, client_class.action_group, client_class.env_prefix))
    if needs_auth:
        given = {name: value for name, value in module.params.items() if value is not None}
        try:
            check_required_one_of([("auth_token", "auth_username")], given)
            check_required_together([("auth_username", "auth_password")], given)
        except TypeError as exc:
            module.fail_json(msg="%s (or the environment variables %s_TOKEN, %s_USERNAME and %s_PASSWORD)." % (
                to_native(exc), client_class.env_prefix, client_class.env_prefix, client_class.env_prefix))
    return module


# The HTTP layer's remedies, said in terms of the connection options.
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
}


def build_client(client_class, params, warn=None, keep_token=False):
    """The API client for the connection options in params. Raises InputError, naming the option, on bad input."""
    if params.get("timeout") is not None and params["timeout"] <= 0:
        raise InputError("timeout must be a positive number of seconds, got %s." % params["timeout"])
    base_url = build_base_url(params["server"], params["port"])
    _check_plain_http(client_class, base_url, params, warn)
    if params.get("ca_path") and not os.path.exists(params["ca_path"]):
        raise InputError("ca_path=%s does not exist: give the PEM file of the CA certificate that signed the server "
                         "certificate." % params["ca_path"])
    http = HttpClient(
        base_url, validate_certs=params["validate_certs"], ca_path=params.get("ca_path"),
        timeout=params["timeout"], headers=_headers(client_class, params), warn=warn, advice=ADVICE,
    )
    arguments = {keyword: params.get(option) for option, keyword in client_class.client_arguments.items()}
    return client_class(http, username=params.get("auth_username"), password=params.get("auth_password"),
                        token=params.get("auth_token"), keep_token=keep_token, **arguments)


def _headers(client_class, params):
    headers = {}
    for option, (header, what) in client_class.header_options.items():
        if not params.get(option):
            raise InputError("%s is empty: give %s." % (option, what))
        headers[header] = params[option]
    return headers


def _check_plain_http(client_class, base_url, params, warn):
    """Refuse http:// unless allow_plain_http; warn when it is allowed."""
    if not base_url.startswith("http://"):
        return
    if not params.get("allow_plain_http"):
        raise InputError(
            "server=%s uses plain http://, which sends the password and tokens unencrypted: use https:// (the "
            "default for a bare host name). Only on a network you trust, allow it with allow_plain_http: true (or "
            "%s_ALLOW_PLAIN_HTTP=true)." % (params["server"], client_class.env_prefix))
    if warn:
        warn("allow_plain_http is true and server is %s: the password and tokens cross the network unencrypted. "
             "Use https:// outside a lab." % base_url)


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
