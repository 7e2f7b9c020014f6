"""veeam-simulator: serve VB365, VBGC and VBAzure on three ports from one state, print one JSON ready line on stdout."""

import argparse
import ipaddress
import json
import secrets
import shutil
import signal
import sqlite3
import sys
import threading

from .app import Application
from .model import PUT_MODES, Settings, parse_lowercase_rule
from .persistence import SnapshotStore
from .server import ApiServer
from .state import State
from .tls import server_context
from .vbgc import NAME_RULE

VBAZURE_PORT = 8443

def build_parser():
    parser = argparse.ArgumentParser(prog="veeam-simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--vb365-port", type=int, default=4443, help="VB365 port; 0 = a free port (default 4443)")
    parser.add_argument("--vbgc-port", type=int, default=13140, help="VBGC port; 0 = a free port (default 13140)")
    parser.add_argument("--vbazure-port", type=int,
                        help="VBAzure port; 0 = a free port (default 8443, the appliance itself answers on 443; "
                             "a free port when --vb365-port and --vbgc-port are both 0)")
    parser.add_argument("--username", default="admin", help="the initial administrator of every API")
    parser.add_argument("--password", help="its password (default: a random one, printed in the ready line)")
    parser.add_argument("--state", metavar="FILE", help="SQLite file to load at start and save after each change")
    parser.add_argument("--cert", metavar="FILE", help="PEM server certificate (chain) to serve")
    parser.add_argument("--key", metavar="FILE", help="PEM private key of --cert")
    parser.add_argument("--no-tls", action="store_true", help="serve plain HTTP")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    parser.add_argument("--vb365-token-lifetime", type=int, metavar="SECONDS", help="default 3600")
    parser.add_argument("--vbgc-token-lifetime", type=int, metavar="SECONDS", help="default 900")
    parser.add_argument("--vbazure-token-lifetime", type=int, metavar="SECONDS", help="default 3600")
    parser.add_argument("--lowercase-rule", metavar="RULE",
                        help="account types whose userName must be lowercase: all, none or a comma-separated list "
                             "(default azureBlobAccount)")
    parser.add_argument("--vb365-put", choices=PUT_MODES,
                        help="PUT /v8/Accounts/{id}: merge keeps fields left out, the password too; replace refuses "
                             "a PUT without password (default merge)")
    parser.add_argument("--lenient-requests", action="store_true",
                        help="drop query parameters the API's document does not declare, as a server that ignores "
                             "them would (default: answer 400, the request is marked non-conformant)")
    parser.add_argument("--password-min-length", type=int, metavar="N", help="VBGC password policy (default 8)")
    return parser


def parse_args(argv):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.vbazure_port is None:  # callers written for two APIs that ask for free ports get one here too
        args.vbazure_port = 0 if args.vb365_port == args.vbgc_port == 0 else VBAZURE_PORT
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")
    if args.no_tls and args.cert:
        parser.error("--no-tls and --cert exclude each other")
    if not NAME_RULE.fullmatch(args.username):
        parser.error("--username must be 1-32 characters of a-z, 0-9, _ and - (the VBGC user name rule)")
    try:
        args.settings = Settings().merged(_setting_options(args))
    except ValueError as exc:
        parser.error(str(exc))
    return args


def _setting_options(args):
    options = {"vb365_token_lifetime": args.vb365_token_lifetime, "vbgc_token_lifetime": args.vbgc_token_lifetime,
               "vbazure_token_lifetime": args.vbazure_token_lifetime,
               "password_min_length": args.password_min_length, "vb365_put": args.vb365_put,
               "lenient_requests": args.lenient_requests or None,
               "lowercase_rule": None if args.lowercase_rule is None else parse_lowercase_rule(args.lowercase_rule)}
    return {key: value for key, value in options.items() if value is not None}


def load_state(args):
    store = SnapshotStore(args.state) if args.state else None
    snapshot = store.load() if store else None
    # Without --password a restart keeps the password the state file was made with.
    password = args.password or (snapshot or {}).get("admin_password") or secrets.token_urlsafe(12) + "&+="
    state = State(args.username, password, args.settings, store)
    if snapshot:
        state.restore(snapshot)
    state.persist()
    return state


def reachable_host(host):
    """The address a client should use: a wildcard bind address is reached on loopback."""
    address = ipaddress.ip_address(host)
    if address.is_unspecified:
        return "::1" if address.version == 6 else "127.0.0.1"
    return host


def url_of(server, scheme):
    host, port = server.server_address[:2]
    host = reachable_host(host)
    return f"{scheme}://[{host}]:{port}" if ":" in host else f"{scheme}://{host}:{port}"


def serve(args, state):
    context, ca_path, temp_dir = (None, None, None) if args.no_tls else server_context(args.cert, args.key)
    try:
        run_servers(args, state, context, ca_path)
    finally:
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)


def run_servers(args, state, context, ca_path):
    app = Application(state)
    servers = {name: ApiServer((args.host, port), app, name, context, args.verbose)
               for name, port in (("vb365", args.vb365_port), ("vbgc", args.vbgc_port),
                                  ("vbazure", args.vbazure_port))}
    scheme = "http" if args.no_tls else "https"
    urls = {name: url_of(server, scheme) for name, server in servers.items()}
    app.apis["vb365"].base_url = urls["vb365"]
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    for server in servers.values():
        threading.Thread(target=server.serve_forever, args=(0.1,), name=server.api_name, daemon=True).start()
    ready = {"vb365_url": urls["vb365"], "vbgc_url": urls["vbgc"], "vbazure_url": urls["vbazure"], "ca_path": ca_path,
             "username": state.admin_username, "password": state.admin_password}
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    stop.wait()
    for server in servers.values():
        server.shutdown()
        server.server_close()


def main(argv=None):
    args = parse_args(argv)
    try:
        state = load_state(args)
    except (OSError, sqlite3.Error, ValueError, KeyError, TypeError) as exc:
        sys.stderr.write(f"veeam-simulator: cannot load state {args.state}: {exc}\n")
        return 2
    try:
        serve(args, state)
    except OSError as exc:
        sys.stderr.write(f"veeam-simulator: {exc}\n")
        return 1
    finally:
        if state.store:
            state.store.close()
    return 0
