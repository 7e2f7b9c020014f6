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

from .core.app import Application
from .core.messages import InputError
from .core.persistence import SnapshotStore
from .core.server import ApiServer
from .core.state import State
from .core.tls import server_context
from .products import BY_NAME, PRODUCTS, VBAZURE
from .settings import ALL as ALL_SETTINGS
from .settings import Settings

VBAZURE_PORT = VBAZURE.default_port


def build_parser():
    parser = argparse.ArgumentParser(prog="veeam-simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    for product in PRODUCTS:
        parser.add_argument(f"--{product.name}-port", type=int, help=_port_help(product))
    parser.add_argument("--username", default="admin", help="the initial administrator of every API")
    parser.add_argument("--password", help="its password (default: a random one, printed in the ready line)")
    parser.add_argument("--state", metavar="FILE", help="SQLite file to load at start and save after each change")
    parser.add_argument("--cert", metavar="FILE", help="PEM server certificate (chain) to serve")
    parser.add_argument("--key", metavar="FILE", help="PEM private key of --cert")
    parser.add_argument("--no-tls", action="store_true", help="serve plain HTTP")
    parser.add_argument("--verbose", action="store_true", help="log every request on stderr")
    for setting in ALL_SETTINGS:
        if setting.option is not None:
            parser.add_argument(f"--{setting.name.replace('_', '-')}", dest=setting.name, **setting.option)
    return parser


def _port_help(product):
    later = "; a free port when every other product's port is 0" if product.free_port_with_others else ""
    return f"{product.title} port; 0 = a free port (default {product.default_port}{later})"


def _default_ports(args):
    """Fill the ports not given; a product that came later takes a free one when every other port is 0."""
    given = {product.name: getattr(args, f"{product.name}_port") for product in PRODUCTS}
    others_free = all(port == 0 for name, port in given.items()
                      if not BY_NAME[name].free_port_with_others)
    for product in PRODUCTS:
        if given[product.name] is None:
            free = product.free_port_with_others and others_free
            setattr(args, f"{product.name}_port", 0 if free else product.default_port)


def parse_args(argv):
    parser = build_parser()
    args = parser.parse_args(argv)
    _default_ports(args)
    if bool(args.cert) != bool(args.key):
        parser.error("--cert and --key go together")
    if args.no_tls and args.cert:
        parser.error("--no-tls and --cert exclude each other")
    for product in PRODUCTS:
        if product.admin_name and not product.admin_name[0].fullmatch(args.username):
            parser.error(f"--username must be {product.admin_name[1]} (the {product.title} user name rule)")
    try:
        args.settings = Settings().merged(_setting_options(args))
    except InputError as exc:
        parser.error(str(exc))
    return args


def _setting_options(args):
    """The settings given on the command line."""
    given = {setting.name: getattr(args, setting.name) for setting in ALL_SETTINGS if setting.option is not None}
    return {key: value for key, value in given.items() if value is not None}


def load_state(args):
    store = SnapshotStore(args.state) if args.state else None
    snapshot = store.load() if store else None
    # Without --password a restart keeps the password the state file was made with.
    password = args.password or (snapshot or {}).get("admin_password") or secrets.token_urlsafe(12) + "&+="
    state = State(args.username, password, args.settings, PRODUCTS, store)
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
    servers = {product.name: ApiServer((args.host, getattr(args, f"{product.name}_port")), app, product.name,
                                       context, args.verbose) for product in PRODUCTS}
    scheme = "http" if args.no_tls else "https"
    urls = {name: url_of(server, scheme) for name, server in servers.items()}
    for name, url in urls.items():
        app.apis[name].base_url = url
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    for server in servers.values():
        threading.Thread(target=server.serve_forever, args=(0.1,), name=server.api_name, daemon=True).start()
    ready = {**{f"{name}_url": url for name, url in urls.items()}, "ca_path": ca_path,
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
    except (OSError, sqlite3.Error, ValueError, KeyError, TypeError) as exc:  # InputError is a ValueError
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
