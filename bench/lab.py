"""The bench's lab: simulators started by the harness, their control API, and ansible-playbook runs against them.

Every benchmark item uses these: `Lab` (a simulator and its control API, REST tokens and connection variables),
`Runner` (playbooks written into OUT/playbooks, run with the bench_timer callback, logs in OUT/logs) and
`leaking_logs` (the harness's secret scan over those logs).
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests
import yaml
from veeam_simulator import harness

BENCH = Path(__file__).resolve().parent
API_VERSION = "1.4-rev0"
PREFIX = {"vb365": "VEEAM_VB365", "vbgc": "VEEAM_VBGC", "vbazure": "VEEAM_VBAZURE"}
PLAYBOOK_TIMEOUT = 900  # seconds; a hung run stops the benchmark instead of blocking it
TIMEOUT = 30  # seconds per REST request: every wait is bounded


def session_for(ready):
    """A keep-alive session that trusts the simulator's CA and ignores proxies."""
    session = requests.Session()
    session.trust_env = False
    session.verify = ready["ca_path"]
    return session


def login(session, ready, api):
    """A fresh access token for api ('vb365', 'vbgc' or 'vbazure'); the login is journaled."""
    form = {"grant_type": "password", "username": ready["username"], "password": ready["password"]}
    if api == "vb365":
        url, headers = ready["vb365_url"] + "/v8/token", {}
    elif api == "vbazure":
        url, headers = ready["vbazure_url"] + "/api/oauth2/token", {}
    else:
        url, headers = ready["vbgc_url"] + "/api/v1/token", {"x-api-version": API_VERSION}
    response = session.post(url, data=form, headers=headers, timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()["access_token"]


def start(count=1):
    """count simulators on 127.0.0.1, started by the harness; -> [Lab]. Stops those already up on a failure."""
    simulators = [harness.Simulator(["--host", "127.0.0.1"]) for _index in range(count)]
    try:
        return [Lab(simulator.wait_ready(), simulator) for simulator in simulators]
    except harness.HarnessError as exc:
        for simulator in simulators:
            simulator.stop()
        raise SystemExit(f"bench: {exc}") from None


class Lab:
    """One simulator: its ready line, its control API, its tokens and the VEEAM_* variables for it."""

    def __init__(self, ready, simulator=None):
        self.ready = ready
        self.simulator = simulator
        self.session = session_for(ready)
        self.control_url = ready["vb365_url"] + "/_simulator"

    def stop(self):
        if self.simulator:
            self.simulator.stop()

    def control(self, method, path, payload=None):
        response = self.session.request(method, f"{self.control_url}/{path}", json=payload, timeout=120)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.control("POST", "reset")

    def seed(self, users=(), accounts=()):
        return self.control("POST", "seed", {"vbgc_users": list(users), "vb365_accounts": list(accounts)})

    def seed_vbazure(self, users):
        return self.control("POST", "vbazure/seed", {"users": list(users)})

    def clear_journal(self):
        self.control("DELETE", "journal")

    def journal(self):
        return self.control("GET", "journal")["entries"]

    def secrets(self):
        """Every secret the simulator saw or issued since it started ([{kind, value}]), for the secret scan."""
        return harness.fetch_secrets(self.ready)

    def token(self, api):
        """A fresh access token (the login is journaled: call it before clear_journal)."""
        return login(self.session, self.ready, api)

    def connection_env(self, auth="password"):
        """The harness's VEEAM_* variables; with auth='token', a fresh VEEAM_*_TOKEN instead of the credentials."""
        env = harness.connection_env(self.ready)
        if auth == "token":
            for api, prefix in PREFIX.items():
                del env[f"{prefix}_USERNAME"], env[f"{prefix}_PASSWORD"]
                env[f"{prefix}_TOKEN"] = self.token(api)
        return env

    def state_digest(self):
        """What the onboarding produced: users (name, description, role names) and accounts (type, name, description)."""
        headers = {"Authorization": "Bearer " + self.token("vbgc"), "x-api-version": API_VERSION}
        users, offset = [], 0
        for _page in range(1000):
            body = self.session.get(self.ready["vbgc_url"] + "/api/v1/users", params={"offset": offset, "limit": 1000},
                                    headers=headers, timeout=60).json()
            users += body["data"]
            offset += len(body["data"])
            if not body["data"] or offset >= body["pagination"]["total"]:
                break
        accounts = self.session.get(self.ready["vb365_url"] + "/v8/Accounts",
                                    headers={"Authorization": "Bearer " + self.token("vb365")}, timeout=60).json()
        return {
            "users": sorted((u["name"], u.get("description") or "", tuple(sorted(r["name"] for r in u["roles"]))) for u in users),
            "accounts": sorted((a["accountType"], a["userName"], a.get("description") or "") for a in accounts),
        }


class Runner:
    """Writes playbooks into OUT/playbooks and runs them with the bench_timer callback; logs go to OUT/logs."""

    def __init__(self, out, collections_path):
        self.out = out
        self.collections_path = collections_path
        self.bin = Path(sys.executable).parent
        for sub in ("playbooks", "logs", "timings"):
            (out / sub).mkdir(parents=True, exist_ok=True)
        self.inventory = out / "inventory.ini"
        self.inventory.write_text(f"localhost ansible_connection=local ansible_python_interpreter={sys.executable}\n")
        self.failures = []

    def write(self, name, plays):
        path = self.out / "playbooks" / f"{name}.yml"
        path.write_text("---\n" + yaml.safe_dump(plays, sort_keys=False, width=160))
        return path

    def environment(self, connection_env, extra_env, timings):
        env = {key: value for key, value in os.environ.items() if not key.startswith(("VEEAM_", "ANSIBLE_"))}
        env.update(connection_env)
        env.update(extra_env or {})
        env.update({
            "PATH": f"{self.bin}{os.pathsep}{env.get('PATH', '')}",
            "ANSIBLE_COLLECTIONS_PATH": str(self.collections_path),
            "ANSIBLE_CALLBACK_PLUGINS": str(BENCH / "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
            "BENCH_TIMER_OUT": str(timings),
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
        })
        return env

    def run(self, name, playbook, connection_env, extra_args=(), extra_env=None):
        """Run a playbook; returns {"wall", "rc", "tasks": [...from bench_timer...], "log"}."""
        timings = self.out / "timings" / f"{name}.json"
        log = self.out / "logs" / f"{name}.log"
        timings.unlink(missing_ok=True)
        env = self.environment(connection_env, extra_env, timings)
        command = [str(self.bin / "ansible-playbook"), "-i", str(self.inventory), str(playbook), *extra_args]
        started = time.monotonic()
        with open(log, "w", encoding="utf-8") as output:
            try:
                rc = subprocess.run(command, cwd=self.out, env=env, stdout=output, stderr=subprocess.STDOUT,  # noqa: S603 - fixed argv
                                    timeout=PLAYBOOK_TIMEOUT, check=False).returncode
            except subprocess.TimeoutExpired:
                rc = "timeout"
        wall = time.monotonic() - started
        tasks = json.loads(timings.read_text())["tasks"] if timings.exists() else []
        if rc != 0:
            self.failures.append(f"{name}: ansible-playbook exited with {rc}; see {log}")
        return {"wall": wall, "rc": rc, "tasks": tasks, "log": str(log)}


def play(tasks, name="bench", **extra):
    return [dict({"name": name, "hosts": "localhost", "gather_facts": False}, **extra, tasks=tasks)]


def chosen_tasks(tasks, prefix):
    """The tasks named prefix*, and the sums of their outcomes."""
    chosen = [task for task in tasks if task["name"].startswith(prefix)]
    return chosen, {key: sum(task[key] for task in chosen) for key in ("ok", "changed", "skipped", "failed")}


def span(tasks, prefix):
    """Seconds from the start of the first task named prefix* to the end of the last one, and their outcomes."""
    chosen, totals = chosen_tasks(tasks, prefix)
    return (chosen[-1]["end"] - chosen[0]["start"] if chosen else None), totals


def task_seconds(tasks, prefix):
    """Sum of the durations of the tasks named prefix*, and their outcomes."""
    chosen, totals = chosen_tasks(tasks, prefix)
    return (sum(task["end"] - task["start"] for task in chosen) if chosen else None), totals


def leaking_logs(logs, secrets):
    """The logs (paths) in which the harness's scan finds any of the secrets ([{kind, value}]); none may hold one."""
    return [log for log in sorted(logs) if harness.scan_for_secrets(Path(log).read_text(errors="replace"), secrets)]
