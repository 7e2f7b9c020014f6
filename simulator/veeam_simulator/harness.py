"""Run a command against a fresh simulator.

    python -m veeam_simulator.harness [--config-out FILE] [--env-out FILE] [SIMULATOR ARGS...] -- COMMAND [ARGS...]

Starts `veeam-simulator` (free ports unless told otherwise), waits for its ready line, runs COMMAND with the
VEEAM_* connection variables set, stops the simulator and exits with COMMAND's exit code.
"""

import json
import os
import queue
import shlex
import subprocess
import sys
import tempfile
import threading

READY_TIMEOUT = 30
STOP_TIMEOUT = 10


class HarnessError(Exception):
    pass


def split_argv(argv):
    """-> (config_out, env_out, simulator_args, command)"""
    if "--" not in argv:
        raise HarnessError("usage: python -m veeam_simulator.harness [--config-out FILE] [--env-out FILE] "
                           "[SIMULATOR ARGS...] -- COMMAND [ARGS...]")
    cut = argv.index("--")
    options, command = argv[:cut], argv[cut + 1:]
    if not command:
        raise HarnessError("no COMMAND after --")
    outputs, simulator_args = {"--config-out": None, "--env-out": None}, []
    items = iter(options)
    for item in items:
        name, _, value = item.partition("=")
        if name in outputs:
            outputs[name] = value or next(items, None)
            if not outputs[name]:
                raise HarnessError(f"{name} needs a file name")
        else:
            simulator_args.append(item)
    return outputs["--config-out"], outputs["--env-out"], simulator_args, command


class Simulator:
    """A veeam-simulator child process. Its stderr is held back until it is ready (and shown in the error if
    it dies first), then passed through."""

    def __init__(self, args):
        command = [sys.executable, "-m", "veeam_simulator", "--vb365-port", "0", "--vbgc-port", "0", *args]
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


def connection_env(ready, config_path):
    env = {
        "VEEAM_VB365_SERVER": ready["vb365_url"],
        "VEEAM_VBGC_SERVER": ready["vbgc_url"],
        "VEEAM_VB365_USERNAME": ready["username"],
        "VEEAM_VB365_PASSWORD": ready["password"],
        "VEEAM_VBGC_USERNAME": ready["username"],
        "VEEAM_VBGC_PASSWORD": ready["password"],
        "VEEAM_SIMULATOR_CONFIG": config_path,
    }
    if ready["ca_path"]:  # none with --no-tls
        env["VEEAM_VB365_CA_PATH"] = env["VEEAM_VBGC_CA_PATH"] = ready["ca_path"]
    return env


def config_lines(ready):
    """integration_config.yml for ansible-test; JSON-quoted scalars are valid YAML."""
    values = {
        "vb365_server": ready["vb365_url"],
        "vbgc_server": ready["vbgc_url"],
        "ca_path": ready["ca_path"],
        "sim_username": ready["username"],
        "sim_password": ready["password"],
        "sim_control_url": ready["vb365_url"] + "/_simulator",
    }
    return "".join(f"{key}: {json.dumps(value)}\n" for key, value in values.items())


def write_private(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.chmod(path, 0o600)  # also when the file already existed


def run(argv):
    config_out, env_out, simulator_args, command = split_argv(argv)
    simulator = Simulator(simulator_args)
    temp_config = None
    try:
        ready = simulator.wait_ready()
        if config_out is None:
            fd, temp_config = tempfile.mkstemp(prefix="veeam-simulator-", suffix=".yml")
            os.close(fd)
        config_path = os.path.abspath(config_out or temp_config)
        write_private(config_path, config_lines(ready))
        env = connection_env(ready, config_path)
        if env_out:
            write_private(env_out, "".join(f"export {key}={shlex.quote(value)}\n" for key, value in env.items()))
        try:
            code = subprocess.call(command, env={**os.environ, **env})  # noqa: S603 - running it is the point
        except OSError as exc:
            sys.stderr.write(f"harness: cannot run {command[0]}: {exc}\n")
            return 127
        return code if code >= 0 else 128 - code  # killed by signal N: 128 + N, as a shell reports it
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
