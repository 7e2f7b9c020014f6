"""Run a command against a fresh simulator.

    python -m veeam_simulator.harness [--config-out FILE] [--env-out FILE] [--scan-output FILE]
                                      [SIMULATOR ARGS...] -- COMMAND [ARGS...]

Starts `veeam-simulator` (free ports unless told otherwise), waits for its ready line, runs COMMAND with the
VEEAM_* connection variables set, stops the simulator and exits with COMMAND's exit code.

With --scan-output, COMMAND's stdout and stderr are also copied into FILE (mode 0600). When COMMAND has
ended, every secret the simulator saw or issued is looked for in FILE; each one found is reported by its
kind, length and line (never its value), and the harness exits with SECRETS_FOUND if COMMAND itself passed.
A Vault token in the harness's own environment (VAULT_TOKEN, e.g. from tools/openbao_dev.py) is looked for too.

Every request the simulator answered is checked against its API's document (strict unless --lenient-requests is
among the SIMULATOR ARGS). When COMMAND has ended, each request that did not conform is reported (method, path and
why) and the harness exits with NONCONFORMANT if COMMAND itself passed.
"""

import json
import os
import queue
import re
import shlex
import ssl
import subprocess
import sys
import tempfile
import threading
import urllib.request
from urllib.parse import quote, quote_plus

from .products import PRODUCTS

READY_TIMEOUT = 30
STOP_TIMEOUT = 10
SECRETS_FOUND = 3
NONCONFORMANT = 4
MIN_SECRET_LENGTH = 6  # shorter values are too likely to appear by chance
MASK = "********"
ENV_SECRETS = ("VAULT_TOKEN",)


class HarnessError(Exception):
    pass


def split_argv(argv):
    """-> ({"--config-out": FILE or None, "--env-out": ..., "--scan-output": ...}, simulator_args, command)"""
    if "--" not in argv:
        raise HarnessError("usage: python -m veeam_simulator.harness [--config-out FILE] [--env-out FILE] "
                           "[--scan-output FILE] [SIMULATOR ARGS...] -- COMMAND [ARGS...]")
    cut = argv.index("--")
    options, command = argv[:cut], argv[cut + 1:]
    if not command:
        raise HarnessError("no COMMAND after --")
    outputs, simulator_args = {"--config-out": None, "--env-out": None, "--scan-output": None}, []
    items = iter(options)
    for item in items:
        name, _, value = item.partition("=")
        if name in outputs:
            outputs[name] = value or next(items, None)
            if not outputs[name]:
                raise HarnessError(f"{name} needs a file name")
        else:
            simulator_args.append(item)
    return outputs, simulator_args, command


class Simulator:
    """A veeam-simulator child process. Its stderr is held back until it is ready (and shown in the error if
    it dies first), then passed through."""

    def __init__(self, args):
        free_ports = [item for product in PRODUCTS for item in (f"--{product.name}-port", "0")]
        command = [sys.executable, "-m", "veeam_simulator", *free_ports, *args]
        pipe = subprocess.PIPE
        self.process = subprocess.Popen(command, stdout=pipe, stderr=pipe, text=True)  # noqa: S603 - our own module
        self.early_stderr = []
        self.passthrough = False
        self.lock = threading.Lock()
        self.lines = queue.Queue()
        self.stderr_pump = threading.Thread(target=self._pump_stderr, daemon=True)
        self.stderr_pump.start()
        threading.Thread(target=self._pump_stdout, daemon=True).start()

    def _pump_stderr(self):
        for line in self.process.stderr:
            with self.lock:
                if self.passthrough:
                    sys.stderr.write(line)
                else:
                    self.early_stderr.append(line)

    def _pump_stdout(self):
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _start_passthrough(self):
        with self.lock:
            sys.stderr.write("".join(self.early_stderr))
            self.passthrough = True

    def wait_ready(self, timeout=READY_TIMEOUT):
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise HarnessError(f"the simulator printed no ready line within {timeout} s") from None
        if line is None:
            self.process.wait()
            self.stderr_pump.join(5)
            raise HarnessError(f"the simulator exited with code {self.process.returncode} before it was ready; "
                               f"its stderr:\n{''.join(self.early_stderr)}")
        self._start_passthrough()
        try:
            return json.loads(line)
        except ValueError:
            raise HarnessError(f"unexpected first line from the simulator: {line!r}") from None

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def connection_env(ready, config_path=None):
    """The VEEAM_* variables for a simulator's ready line; VEEAM_SIMULATOR_CONFIG only with a config file."""
    env = {}
    for product in PRODUCTS:
        prefix = f"VEEAM_{product.name.upper()}"
        env |= {f"{prefix}_SERVER": ready[f"{product.name}_url"], f"{prefix}_USERNAME": ready["username"],
                f"{prefix}_PASSWORD": ready["password"]}
        if ready["ca_path"]:  # none with --no-tls
            env[f"{prefix}_CA_PATH"] = ready["ca_path"]
    if config_path:
        env["VEEAM_SIMULATOR_CONFIG"] = config_path
    return env


def config_lines(ready, environ=None):
    """integration_config.yml for ansible-test; JSON-quoted scalars are valid YAML. ansible-test passes no environment
    to the targets, so a Vault server around the harness (VAULT_ADDR, VAULT_TOKEN) reaches them as vault_addr and
    vault_token."""
    values = {f"{product.name}_server": ready[f"{product.name}_url"] for product in PRODUCTS}
    values |= {"ca_path": ready["ca_path"], "sim_username": ready["username"], "sim_password": ready["password"],
               "sim_control_url": control_url(ready)}
    values.update({name.lower(): (environ or {})[name] for name in ("VAULT_ADDR", "VAULT_TOKEN") if (environ or {}).get(name)})
    return "".join(f"{key}: {json.dumps(value)}\n" for key, value in values.items())


def control_url(ready):
    """The control API answers on every port; this is the first product's."""
    return ready[f"{PRODUCTS[0].name}_url"] + "/_simulator"


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)  # also when the file already existed


def run_command(command, env, log_path=None):
    """Run command; with log_path, copy its stdout and stderr live to ours and both into log_path (0600). -> exit code"""
    if log_path is None:
        return subprocess.call(command, env=env)  # noqa: S603 - running it is the point
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.chmod(log_path, 0o600)
    lock = threading.Lock()
    with os.fdopen(fd, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # noqa: S603
        pumps = [threading.Thread(target=_tee, args=(stream, target, log, lock), daemon=True)
                 for stream, target in ((process.stdout, sys.stdout), (process.stderr, sys.stderr))]
        for pump in pumps:
            pump.start()
        code = process.wait()
        for pump in pumps:
            pump.join()
    return code


def _tee(stream, target, log, lock):
    """Copy stream to target as it comes, and to log in whole lines, so that the two streams never interleave
    inside a line of the log (a secret split in two would escape the scan)."""
    partial = b""
    for chunk in iter(lambda: stream.read1(65536), b""):
        target.buffer.write(chunk)
        target.flush()
        lines, _, partial = (partial + chunk).rpartition(b"\n")
        if lines:
            with lock:
                log.write(lines + b"\n")
    with lock:
        log.write(partial)
    stream.close()


def control_get(ready, path, purpose):
    """GET one document of the simulator's control API."""
    context = ssl.create_default_context(cafile=ready["ca_path"]) if ready["ca_path"] else None
    try:
        with urllib.request.urlopen(control_url(ready) + path, context=context,  # noqa: S310 - ours
                                    timeout=30) as response:
            return json.load(response)
    except (OSError, ValueError) as exc:
        raise HarnessError(f"cannot read the simulator's {path} for {purpose}: {exc}") from None


def fetch_secrets(ready):
    """[{kind, value}] from the simulator's control API."""
    try:
        return control_get(ready, "/secrets", "--scan-output")["secrets"]
    except KeyError as exc:
        raise HarnessError(f"cannot read the simulator's secrets for --scan-output: {exc}") from None


def report_nonconformant(ready):
    """Print each request that broke its API's document (no values); -> True when there was one."""
    record = control_get(ready, "/conformance", "the request check")
    for entry in record["nonconformant"]:
        sys.stderr.write(f"harness: non-conformant request #{entry['seq']} {entry['api']} {entry['method']} "
                         f"{entry['path']}: {'; '.join(entry['nonconformant'])}\n")
    total = record["nonconformant_total"]
    if total:
        shown = len(record["nonconformant"])
        sys.stderr.write(f"harness: {total} request(s) did not conform to their API's document"
                         f"{'' if shown == total else f' (the last {shown} shown)'}\n")
    return total > 0


def environment_secrets(environ):
    """[{kind, value}] of the secrets the harness was given through its environment rather than the simulator."""
    return [{"kind": name, "value": environ[name]} for name in ENV_SECRETS if environ.get(name)]


def written_forms(value):
    """The ways a value may be written in the output: as is, escaped in a JSON or Python string (ASCII-only or
    not), or URL-encoded."""
    return {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1],
            ascii(value)[1:-1], quote(value, safe=""), quote_plus(value, safe="")}


def find_secret(text, value):
    """The matches of value in text. A value of digits only (a scratch code) must not be part of a longer
    number, or random digits in the output (temporary directory names, timestamps) would match it by chance."""
    forms = [form for form in written_forms(value) if form in text]  # a fast pre-check: most secrets are absent
    if not forms:
        return []
    pattern = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return list(re.finditer(f"(?<![0-9])(?:{pattern})(?![0-9])" if value.isdigit() else pattern, text))


def scan_for_secrets(text, secrets):
    """[(kind, length, count, first line number, that line with every secret masked)] per secret found."""
    kinds = {entry["value"]: entry["kind"] for entry in secrets if len(entry["value"]) >= MIN_SECRET_LENGTH}
    findings = []
    for value, kind in kinds.items():
        hits = find_secret(text, value)
        if hits:
            start = text.rfind("\n", 0, hits[0].start()) + 1
            end = text.find("\n", hits[0].end())
            line = text[start:] if end < 0 else text[start:end]
            findings.append((kind, len(value), len(hits), text.count("\n", 0, start) + 1, mask_all(line, kinds)))
    return findings


def mask_all(line, values):
    for value in sorted(values, key=len, reverse=True):
        for match in reversed(find_secret(line, value)):
            line = line[:match.start()] + MASK + line[match.end():]
    return line[:300]


def report_secrets(log_path, secrets):
    """Scan the log; print each finding (never a value); -> True when something was found."""
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    findings = scan_for_secrets(text, secrets)
    for kind, length, count, line_number, line in findings:
        sys.stderr.write(f"harness: a secret ({kind}, {length} characters) appears {count} time(s) in the output, "
                         f"first on line {line_number} of {log_path}: {line}\n")
    if findings:
        sys.stderr.write(f"harness: {len(findings)} secret(s) leaked into the output of the command\n")
    else:
        sys.stderr.write(f"harness: none of the {len(secrets)} secrets the simulator saw appears in {log_path}\n")
    return bool(findings)


def run(argv):
    outputs, simulator_args, command = split_argv(argv)
    config_out, env_out, scan_output = outputs["--config-out"], outputs["--env-out"], outputs["--scan-output"]
    simulator = Simulator(simulator_args)
    temp_config = None
    try:
        ready = simulator.wait_ready()
        if config_out is None:
            fd, temp_config = tempfile.mkstemp(prefix="veeam-simulator-", suffix=".yml")
            os.close(fd)
        config_path = os.path.abspath(config_out or temp_config)
        write_private(config_path, config_lines(ready, os.environ))
        env = connection_env(ready, config_path)
        if env_out:
            write_private(env_out, "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items()))
        try:
            code = run_command(command, {**os.environ, **env}, scan_output)
        except OSError as exc:
            sys.stderr.write(f"harness: cannot run {command[0]}: {exc}\n")
            return 127
        code = code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as a shell reports it
        if scan_output and report_secrets(scan_output, fetch_secrets(ready) + environment_secrets(os.environ)) and code == 0:
            return SECRETS_FOUND
        return NONCONFORMANT if report_nonconformant(ready) and code == 0 else code
    finally:
        simulator.stop()
        if temp_config:
            os.unlink(temp_config)


def main(argv=None):
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except HarnessError as exc:
        sys.stderr.write(f"harness: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
