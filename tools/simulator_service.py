#!/usr/bin/env python3
"""Keep a simulator running in the background for your own playbooks (`make simulator`, `make simulator-stop`).

    simulator_service.py start DIR [--vb365-port N] [--vbgc-port N] [--vbazure-port N] [--tools BINDIR]
    simulator_service.py stop DIR

start runs veeam-simulator detached, on the given ports of 127.0.0.1, makes sure what object storage needs from
outside VB365 is there (DEMO_BUCKET, an Amazon S3 bucket every S3 credential sees, and DEMO_PROXY, a backup proxy),
and keeps in DIR (mode 0700):
  state.sqlite           the accounts and users, kept across restarts (the admin password too);
  ca.pem, server.pem,    a CA and a server certificate, made once, so the settings stay valid across restarts;
  server.key
  env.sh                 the connection settings to `source` (0600: it holds the admin password), and BINDIR
                         (ansible-playbook and the modules' libraries) at the end of PATH;
  simulator.yml          the same for tools that read the harness's config file (VEEAM_SIMULATOR_CONFIG);
  simulator.pid, simulator.log.
It needs the veeam_simulator package (run it with the python of .venv-demo or .venv).
"""

import argparse
import json
import os
import shlex
import signal
import subprocess
import sys
import ssl
import time
import urllib.error
import urllib.request

import trustme
from veeam_simulator.harness import config_lines, connection_env, write_private
from veeam_simulator.core.tls import SERVER_NAMES

READY_TIMEOUT = 30
STOP_TIMEOUT = 10
# Object storage needs a bucket and a proxy, which live outside VB365: added on every start unless there already.
DEMO_BUCKET = {"accountType": "amazonS3Account", "name": "demo-backups", "regionId": "eu-west-1"}
DEMO_PROXY = {"hostName": "vb365-proxy01.simulator.test"}


def paths(directory):
    names = ("state.sqlite", "ca.pem", "server.pem", "server.key", "env.sh", "simulator.yml", "simulator.pid",
             "simulator.log", "ready.json")
    return {name: os.path.join(directory, name) for name in names}


def running_pid(files):
    """The pid of the simulator this directory started, if it still runs."""
    try:
        with open(files["simulator.pid"], encoding="ascii") as handle:
            pid = int(handle.read().strip())
        command = command_line(pid)
    except (OSError, ValueError, subprocess.CalledProcessError):
        return None
    return pid if b"veeam_simulator" in command else None


def command_line(pid):
    """The command line of a process (/proc on Linux, ps elsewhere)."""
    if os.path.isdir("/proc"):
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    return subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, check=True).stdout


def make_certificates(files):
    if all(os.path.exists(files[name]) for name in ("ca.pem", "server.pem", "server.key")):
        return
    authority = trustme.CA(organization_name="veeam-simulator")
    leaf = authority.issue_cert(*SERVER_NAMES)
    write_private(files["server.key"], leaf.private_key_pem.bytes().decode())
    write_private(files["server.pem"], "".join(blob.bytes().decode() for blob in leaf.cert_chain_pems))
    authority.cert_pem.write_to_path(files["ca.pem"])


def spawn(files, args):
    command = [sys.executable, "-m", "veeam_simulator", "--host", "127.0.0.1", "--vb365-port", str(args.vb365_port),
               "--vbgc-port", str(args.vbgc_port), "--vbazure-port", str(args.vbazure_port), "--state", files["state.sqlite"], "--cert", files["server.pem"],
               "--key", files["server.key"]]
    flags = os.O_WRONLY | os.O_CREAT
    ready = os.open(files["ready.json"], flags | os.O_TRUNC, 0o600)  # the ready line holds the password
    log = os.open(files["simulator.log"], flags | os.O_APPEND, 0o600)
    try:
        return subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=ready, stderr=log, start_new_session=True)
    finally:
        os.close(ready)
        os.close(log)


def wait_ready(process, files):
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        with open(files["ready.json"], encoding="utf-8") as handle:
            line = handle.readline()
        if line.endswith("\n"):
            os.remove(files["ready.json"])
            return json.loads(line)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    with open(files["simulator.log"], encoding="utf-8", errors="replace") as handle:
        tail = handle.readlines()[-5:]
    raise SystemExit("simulator: it did not start; the end of its log:\n" + "".join(tail) +
                     "A port in use? Choose others: make simulator SIMULATOR_VB365_PORT=N SIMULATOR_VBGC_PORT=M "
                     "SIMULATOR_VBAZURE_PORT=P")


def write_settings(files, ready, tools):
    ready = {**ready, "ca_path": files["ca.pem"]}  # the CA, not the served chain
    write_private(files["simulator.yml"], config_lines(ready))
    env = connection_env(ready, files["simulator.yml"])
    lines = [f"export {key}={shlex.quote(value)}\n" for key, value in env.items()]
    if tools:  # last on PATH: an ansible-playbook of your own comes first
        lines.append(f'export PATH="${{PATH:+$PATH:}}"{shlex.quote(os.path.abspath(tools))}\n')
    write_private(files["env.sh"], "".join(lines))
    return env


def seed_object_storage(files, vb365_url):
    """Add DEMO_BUCKET and DEMO_PROXY through the control API; 409: there already (the state outlives restarts)."""
    context = ssl.create_default_context(cafile=files["ca.pem"])
    for kind, body in (("buckets", DEMO_BUCKET), ("proxies", DEMO_PROXY)):
        url = f"{vb365_url}/_simulator/vb365/{kind}"  # https: the simulator this script started
        request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"},  # noqa: S310
                                         method="POST")
        try:
            urllib.request.urlopen(request, context=context, timeout=10).close()  # noqa: S310
        except urllib.error.HTTPError as exc:
            if exc.code != 409:
                raise


def start(args):
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    files = paths(directory)
    pid = running_pid(files)
    if pid is None:
        make_certificates(files)
        process = spawn(files, args)
        ready = wait_ready(process, files)
        with open(files["simulator.pid"], "w", encoding="ascii") as handle:
            handle.write(f"{process.pid}\n")
        env = write_settings(files, ready, args.tools)
        seed_object_storage(files, env["VEEAM_VB365_SERVER"])
        print(f"simulator: started (pid {process.pid})")
    else:
        with open(files["simulator.yml"], encoding="utf-8") as handle:
            config = {key: json.loads(value) for key, _, value in (line.partition(": ") for line in handle)}
        env = {"VEEAM_VB365_SERVER": config["vb365_server"], "VEEAM_VBGC_SERVER": config["vbgc_server"],
               "VEEAM_VBAZURE_SERVER": config.get("vbazure_server", "-"), "VEEAM_VB365_USERNAME": config["sim_username"]}
        print(f"simulator: already running (pid {pid})")
    print(f"  VB365 REST API {env['VEEAM_VB365_SERVER']}, VBGC REST API {env['VEEAM_VBGC_SERVER']}, "
          f"VBAzure REST API {env['VEEAM_VBAZURE_SERVER']}, administrator {env['VEEAM_VB365_USERNAME']}")
    print(f"  connection settings for your shell (CA, user, password): source {files['env.sh']}")
    print(f"  for object storage: the S3 bucket {DEMO_BUCKET['name']} ({DEMO_BUCKET['regionId']}) and the proxy "
          f"{DEMO_PROXY['hostName']}")
    print(f"  state kept in {directory} across restarts; stop it with: make simulator-stop")
    return 0


def stop(args):
    files = paths(os.path.abspath(args.dir))
    pid = running_pid(files)
    if pid is None:
        print("simulator: not running")
    else:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while running_pid(files) and time.monotonic() < deadline:
            time.sleep(0.1)
        if running_pid(files):
            os.kill(pid, signal.SIGKILL)
        print(f"simulator: stopped (pid {pid}); its state stays in {os.path.abspath(args.dir)}")
    if os.path.exists(files["simulator.pid"]):
        os.remove(files["simulator.pid"])
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("start", "stop"))
    parser.add_argument("dir", help="where the simulator keeps its state, certificates and settings")
    parser.add_argument("--vb365-port", type=int, default=4443)
    parser.add_argument("--vbgc-port", type=int, default=13140)
    parser.add_argument("--vbazure-port", type=int, default=8443)
    parser.add_argument("--tools", help="a bin directory (ansible-playbook) that env.sh adds at the end of PATH")
    args = parser.parse_args(argv)
    return start(args) if args.action == "start" else stop(args)


if __name__ == "__main__":
    sys.exit(main())
