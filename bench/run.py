"""`make bench`: what the collection costs per task, per item and per request, measured against the simulator.

    python bench/run.py [--collections-path DIR] [--out DIR] [--profile quick|default|full] [--sections 1,2,3,4,5,6]
    python bench/run.py --rst build/bench/results.json   # an earlier run's tables as reStructuredText

Starts one simulator on 127.0.0.1, writes the playbooks and inventory it needs into the output
directory (default build/bench), runs ansible-playbook (ANSIBLE_COLLECTIONS_PATH = the directory that
holds ansible_collections/veeam_community/backup, default .build), reads the simulator journal, and prints
five Markdown tables; item 6 (bench/fleet.py) adds three simulators for a fleet. results.md and results.json go
to the output directory.

These are benchmarks, not tests: nothing passes or fails on speed. The run fails only when a playbook
fails, a no-op task or a rerun changes something, the roles and the baseline do not end in the same state,
or a secret shows up in a playbook's output. Loopback only; every wait and loop is bounded; the
simulator is stopped at the end. What the figures mean: docs/docsite/rst/performance.rst.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import simulator_throughput as throughput  # noqa: E402 - a sibling script, not a package
import fleet  # noqa: E402, I001 - item 6, a sibling script

API_VERSION = "1.4-rev0"
ROLES = ("Portal Operator", "Restore Operator")
PLAYBOOK_TIMEOUT = 900  # seconds; a hung run stops the benchmark instead of blocking it
MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"  # noqa: S105 - a throwaway TOTP secret for the seeded MFA user

PROFILES = {
    # tasks: N no-op tasks per module (item 2); password_tasks: tasks per module that only count the requests of a login
    # (item 1); users/accounts: onboarding size (item 3); list: seeded users (item 4); throughput: requests per row (item 5);
    # fleet: users and credentials per appliance (item 6).
    # default is what make bench runs: the sizes for items 3 and 4, and the largest N that keeps make bench,
    # cold .venv setup included, under 15 minutes on 2 cores (the onboarding baseline alone takes about 8).
    "quick": {"tasks": 5, "password_tasks": 2, "users": 20, "accounts": 20, "list": 2000, "throughput": 300, "fleet": 10},
    "default": {"tasks": 10, "password_tasks": 2, "users": 200, "accounts": 200, "list": 10000, "throughput": 1000, "fleet": 50},
    # full: N = 50, the example, for steadier per-task figures; about 6 minutes more than default.
    "full": {"tasks": 50, "password_tasks": 3, "users": 200, "accounts": 200, "list": 10000, "throughput": 2000, "fleet": 50},
}

# The no-op state (seed_noop_state): three users and three S3 accounts exactly as listed here, and one MFA user.
NOOP_USERS = [{"name": f"benchuser{suffix}", "description": f"Bench user{suffix}", "roles": [role]}
              for suffix, role in (("", "Portal Operator"), ("2", "Restore Operator"), ("3", "Portal Operator"))]
NOOP_ACCOUNTS = [{"account_type": "amazon_s3", "user_name": f"AKIABENCHNOOP000{index}", "description": f"Bench account {index}"}
                 for index in (1, 2, 3)]

# One idempotent no-op task per module, against the state that seed_noop_state() creates.
# (api, arguments, what the task does)
NOOP_TASKS = {
    "veeam_m365_account": ("vb365", NOOP_ACCOUNTS[0], "account exists with this description"),
    "veeam_m365_accounts": ("vb365", {"accounts": NOOP_ACCOUNTS}, "3 accounts exist as listed"),
    "veeam_m365_account_info": ("vb365", {"account_type": "amazon_s3", "user_name": "AKIABENCHNOOP0001"}, "look up one account"),
    "veeam_m365_login": ("vb365", {}, "log in, keep the token"),
    "veeam_gcp_user": ("vbgc", NOOP_USERS[0], "user exists with this description and role"),
    "veeam_gcp_users": ("vbgc", {"users": NOOP_USERS}, "3 users exist as listed"),
    "veeam_gcp_user_info": ("vbgc", {"name": "benchuser"}, "look up one user"),
    "veeam_gcp_roles_info": ("vbgc", {}, "list the roles"),
    "veeam_gcp_user_mfa": ("vbgc", {"name": "benchmfa", "state": "enabled"}, "MFA already enabled"),
    "veeam_gcp_login": ("vbgc", {}, "log in, keep the token"),
}
LOGIN_MODULES = ("veeam_m365_login", "veeam_gcp_login")
# Probes from bench/probes (not shipped) that split the per-task cost of veeam_gcp_user_info.
PROBES = {
    "bench_import_only": ("vbgc", {"name": "benchuser"}, "veeam_gcp_user_info without its request (imports, argument spec)"),
    "bench_stdlib_get": ("vbgc", {"name": "benchuser"}, "veeam_gcp_user_info's request with http.client instead of requests"),
}
PROBES_DIR = BENCH / "probes"
LIBRARY = {"ANSIBLE_LIBRARY": str(PROBES_DIR)}
PREFIX = {"vb365": "VEEAM_VB365", "vbgc": "VEEAM_VBGC"}

# What the import-time table measures: the libraries, the collection's module_utils, its modules, and the probes.
COLLECTION = "ansible_collections.veeam_community.backup.plugins"
MODULE_UTILS = ("_http", "_module", "vb365", "vb365_account", "vbgc", "vbgc_user")
IMPORT_TARGETS = [
    ("ansible.module_utils.basic", "what every module imports (ping too)"),
    ("requests", "requests, the HTTP library"),
    ("pyotp", "pyotp, TOTP codes (MFA)"),
    ("segno", "segno, QR codes (MFA; veeam_gcp_user_mfa imports it only to write a QR code)"),
    *((f"{COLLECTION}.module_utils.{name}", f"module_utils/{name}.py") for name in MODULE_UTILS),
    *((f"{COLLECTION}.modules.{name}", name) for name in NOOP_TASKS),
    *((name, f"probe {name}") for name in PROBES),
]
IMPORT_PARTS = ("requests", "pyotp", "segno")


# --------------------------------------------------------------------------------------------- simulator

class Simulator:
    """One veeam-simulator process on loopback, its ready line, and its control API."""

    def __init__(self, log_path):
        command = [sys.executable, "-m", "veeam_simulator", "--host", "127.0.0.1", "--vb365-port", "0", "--vbgc-port", "0"]
        self.log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=self.log, text=True)  # noqa: S603 - fixed argv
        line = []
        reader = threading.Thread(target=lambda: line.append(self.process.stdout.readline()), daemon=True)
        reader.start()
        reader.join(30)
        if not line or not line[0]:
            self.stop()
            raise SystemExit(f"bench: the simulator did not print its ready line within 30 s; see {log_path}")
        self.ready = json.loads(line[0])
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.verify = self.ready["ca_path"]
        self.control_url = self.ready["vb365_url"] + "/_simulator"
        self.issued = []  # tokens this driver obtained, for the secret scan of the logs

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()

    def control(self, method, path, payload=None):
        response = self.session.request(method, f"{self.control_url}/{path}", json=payload, timeout=120)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        self.control("POST", "reset")

    def seed(self, users=(), accounts=()):
        return self.control("POST", "seed", {"vbgc_users": list(users), "vb365_accounts": list(accounts)})

    def clear_journal(self):
        self.control("DELETE", "journal")

    def journal(self):
        return self.control("GET", "journal")["entries"]

    def token(self, api):
        """A fresh access token (the login is journaled: call it before clear_journal)."""
        form = {"grant_type": "password", "username": self.ready["username"], "password": self.ready["password"]}
        if api == "vb365":
            url, headers = self.ready["vb365_url"] + "/v8/token", {}
        else:
            url, headers = self.ready["vbgc_url"] + "/api/v1/token", {"x-api-version": API_VERSION}
        response = self.session.post(url, data=form, headers=headers, timeout=30)
        response.raise_for_status()
        token = response.json()["access_token"]
        self.issued.append(token)
        return token

    def connection_env(self, auth="password", tokens=None):
        """The VEEAM_* variables the harness would set; with auth='token', VEEAM_*_TOKEN instead of the credentials."""
        env = {}
        for api, prefix in PREFIX.items():
            env[f"{prefix}_SERVER"] = self.ready[f"{api}_url"]
            env[f"{prefix}_CA_PATH"] = self.ready["ca_path"]
            if auth == "token":
                env[f"{prefix}_TOKEN"] = tokens[api]
            else:
                env[f"{prefix}_USERNAME"] = self.ready["username"]
                env[f"{prefix}_PASSWORD"] = self.ready["password"]
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


# --------------------------------------------------------------------------------------------- ansible

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

    def run(self, name, playbook, connection_env, extra_args=(), extra_env=None):
        """Run a playbook; returns {"wall", "rc", "tasks": [...from bench_timer...], "log"}."""
        timings = self.out / "timings" / f"{name}.json"
        log = self.out / "logs" / f"{name}.log"
        timings.unlink(missing_ok=True)
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


def span(tasks, prefix):
    """Seconds from the start of the first task named prefix* to the end of the last one, and their outcomes."""
    chosen = [task for task in tasks if task["name"].startswith(prefix)]
    if not chosen:
        return None, {}
    totals = {key: sum(task[key] for task in chosen) for key in ("ok", "changed", "skipped", "failed")}
    return chosen[-1]["end"] - chosen[0]["start"], totals


def scan_logs(logs, secrets):
    """Names of the log files that contain any of the secrets (none may: every task that handles one has no_log)."""
    secrets = [secret for secret in set(secrets) if secret and len(secret) >= 8]
    leaks = []
    for log in sorted(Path(logs).glob("*.log")):
        text = log.read_text(errors="replace")
        if any(secret in text for secret in secrets):
            leaks.append(log.name)
    return leaks


class CpuMeter:
    """CPU seconds the whole machine spent busy, minus those of this driver, its children and the simulator:
    what other processes took while a section ran (the benchmark shares the machine). Linux /proc only."""

    def __init__(self, simulator_pid):
        self.simulator_pid = simulator_pid
        self.tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def sample(self):
        try:
            with open("/proc/stat", encoding="utf-8") as stat:
                fields = [int(value) for value in stat.readline().split()[1:]]
            busy = (sum(fields[:8]) - fields[3] - fields[4]) / self.tick  # all but idle and iowait
            with open(f"/proc/{self.simulator_pid}/stat", encoding="utf-8") as stat:
                simulator = sum(int(value) for value in stat.read().rsplit(")", 1)[1].split()[11:13]) / self.tick
        except (OSError, ValueError, IndexError):
            return None
        times = os.times()
        return time.monotonic(), busy, times.user + times.system + times.children_user + times.children_system + simulator

    @staticmethod
    def others(start, end):
        """Average number of CPUs that other processes kept busy between two samples."""
        if not start or not end or end[0] <= start[0]:
            return None
        return max(0.0, (end[1] - start[1]) - (end[2] - start[2])) / (end[0] - start[0])


def loadavg():
    try:
        return "%.2f" % os.getloadavg()[0]
    except OSError:
        return "n/a"


# --------------------------------------------------------------------------------------------- journal

NAME_SEGMENT = re.compile(r"/api/v1/users/(?!roles$)[^/]+")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def normal_path(path):
    return UUID.sub("{id}", NAME_SEGMENT.sub("/api/v1/users/{name}", path))


def request_profile(entries, per):
    """'2x GET /path, 1x POST /path' per task (counts divided by per), in order of first appearance."""
    counts = {}
    for entry in entries:
        key = f"{entry['method']} {normal_path(entry['path'])}"
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{count / per:g}× {key}" for key, count in counts.items()) or "none"


# --------------------------------------------------------------------------------------------- item 1 and 2

def seed_noop_state(sim):
    sim.reset()
    users = [dict(user, password="Bench-Passw0rd") for user in NOOP_USERS]  # noqa: S106 - seeded simulator users
    users.append({"name": "benchmfa", "password": "Bench-Passw0rd", "roles": ["Restore Operator"], "mfa_secret": MFA_SECRET})
    accounts = [{"accountType": "amazonS3Account", "userName": account["user_name"], "password": "bench-secret",
                 "description": account["description"]} for account in NOOP_ACCOUNTS]
    sim.seed(users=users, accounts=accounts)


def noop_playbook(module, count, with_ping):
    """A warm-up, then count measured no-op tasks of the module; with_ping puts an ansible.builtin.ping task before
    each of them, so that the reference runs in the same process and the same conditions."""
    if module in PROBES:
        action, arguments = module, PROBES[module][1]
    else:
        action, arguments = f"veeam_community.backup.{module}", NOOP_TASKS[module][1]
    secret = {"no_log": True} if module in LOGIN_MODULES else {}
    tasks = [dict({"name": "warm-up", action: copy.deepcopy(arguments)}, **secret)]
    tasks += [{"name": "warm-up ping", "ansible.builtin.ping": {}}] if with_ping else []
    for index in range(count):
        tasks += [{"name": f"reference ping {index + 1}", "ansible.builtin.ping": {}}] if with_ping else []
        tasks.append(dict({"name": f"measured {index + 1}", action: copy.deepcopy(arguments)}, **secret))
    return play(tasks, name=f"{count} no-op tasks of {module}" + (", each after a ping" if with_ping else ""))


def task_seconds(tasks, prefix):
    """Sum of the durations of the tasks named prefix*, and their outcomes."""
    chosen = [task for task in tasks if task["name"].startswith(prefix)]
    totals = {key: sum(task[key] for task in chosen) for key in ("ok", "changed", "skipped", "failed")}
    return (sum(task["end"] - task["start"] for task in chosen) if chosen else None), totals


def per_task_runs(sim, runner, settings, report):
    count, password_count = settings["tasks"], settings["password_tasks"]
    seed_noop_state(sim)
    rows = []
    chosen = [(module, task) for module, task in list(NOOP_TASKS.items()) + list(PROBES.items())
              if not settings.get("modules") or module in settings["modules"]]
    for module, (api, _arguments, what) in chosen:
        row = {"module": module, "what": what, "api": api, "probe": module in PROBES, "token": None}
        # The timed mode gets N tasks, each after a ping: with a token, or with a password for the login modules
        # (they have no other mode). The password mode of the other modules only counts requests.
        if module in LOGIN_MODULES:
            modes = (("password", count, True),)
        elif module in PROBES:
            modes = (("token", count, True),)
        else:
            modes = (("token", count, True), ("password", password_count, False))
        for auth, tasks, timed in modes:
            env = sim.connection_env(auth, {api_name: sim.token(api_name) for api_name in PREFIX} if auth == "token" else None)
            name = f"per_task_{module}_{auth}"
            sim.clear_journal()
            result = runner.run(name, runner.write(name, noop_playbook(module, tasks, timed)), env,
                                extra_env=LIBRARY if module in PROBES else None)
            entries = [entry for entry in sim.journal() if entry["api"] == api]
            seconds, outcome = task_seconds(result["tasks"], "measured")
            total = tasks + 1  # the warm-up task counts for the journal
            row[auth] = {
                "tasks": tasks, "timed": timed, "seconds": seconds, "ping_seconds": task_seconds(result["tasks"], "reference ping")[0],
                "requests": len(entries) / total, "profile": request_profile(entries, total), "changed": outcome.get("changed", 0),
                "mutated": sum(1 for entry in entries if entry["mutated"]), "rc": result["rc"],
            }
            if outcome.get("changed") or row[auth]["mutated"]:
                runner.failures.append(f"{name}: a no-op task changed something ({outcome}, mutated={row[auth]['mutated']})")
        rows.append(row)
    report["per_task"] = {"tasks": count, "password_tasks": password_count, "rows": rows}


def import_costs(collections_path, out, repeats=5):
    """Median cumulative import time (ms) per target, with Ansible's basic imported first; sources compiled every
    time (no bytecode cache), as in an AnsiballZ payload."""
    tree = out / "importtime"
    shutil.rmtree(tree, ignore_errors=True)
    source = Path(collections_path) / "ansible_collections" / "veeam_community" / "backup" / "plugins"
    for sub in ("module_utils", "modules"):
        target = tree / "ansible_collections" / "veeam_community" / "backup" / "plugins" / sub
        target.mkdir(parents=True)
        for file in (source / sub).glob("*.py"):
            shutil.copy(file, target / file.name)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join((str(tree), str(PROBES_DIR))), PYTHONDONTWRITEBYTECODE="1")
    results = {}
    for target, _what in IMPORT_TARGETS:
        samples = {}
        preload = "" if target == "ansible.module_utils.basic" else "import ansible.module_utils.basic; "
        for _ in range(repeats):
            stderr = subprocess.run([sys.executable, "-X", "importtime", "-c", f"{preload}import {target}"],  # noqa: S603 - fixed argv
                                    env=env, capture_output=True, text=True, check=False, timeout=60).stderr
            for line in stderr.splitlines():
                match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)$", line)
                if match and match.group(3) in (target, *IMPORT_PARTS):
                    samples.setdefault(match.group(3), []).append(int(match.group(1)) / 1000)
        results[target] = {name: statistics.median(values) for name, values in samples.items()}
    return results


# --------------------------------------------------------------------------------------------- item 3

def onboarding_lists(users, accounts):
    role_sets = [[ROLES[0]], [ROLES[1]], list(ROLES)]
    bench_users = [{"name": f"bench-user-{index:04d}", "description": f"Bench user {index}", "roles": role_sets[index % 3],
                    "password": f"Bench-Passw0rd-{index:04d}"} for index in range(users)]
    types = ("amazon_s3", "azure_blob", "s3_compatible")
    bench_accounts = []
    for index in range(accounts):
        kind = types[index % 3]
        name = f"benchstore{index:04d}" if kind == "azure_blob" else f"AKIABENCH{index:08d}"
        bench_accounts.append({"account_type": kind, "user_name": name, "password": f"bench-secret-{index:04d}",
                               "description": f"Bench credentials {index}"})
    return {"bench_users": bench_users, "bench_accounts": bench_accounts}


# The roles' tasks that take the whole list (roles/*/tasks): their time is the roles' per-item work.
LIST_TASKS = ("Ensure each account is present or absent", "Ensure each user is present or absent")


def write_private(path, text):
    """Write a file that holds passwords with mode 0600 from its creation (even throwaway ones)."""
    path.unlink(missing_ok=True)
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w", encoding="utf-8") as handle:
        handle.write(text)


def onboarding(sim, runner, settings, report):
    out = runner.out
    variables = out / "onboarding_vars.yml"
    write_private(variables, "---\n# Throwaway inputs for the onboarding benchmark (simulator only).\n"
                  + yaml.safe_dump(onboarding_lists(settings["users"], settings["accounts"]), sort_keys=False))
    collection = runner.write("onboard_collection", play(
        [], name="Onboard with the collection's roles",
        vars={"m365_cloud_accounts_list": "{{ bench_accounts }}", "gcp_users_list": "{{ bench_users }}",
              "gcp_users_secrets_dir": str(out / "mfa-secrets")},
        roles=["veeam_community.backup.m365_cloud_accounts", "veeam_community.backup.gcp_users"]))
    playbooks = {"collection": collection, "baseline": BENCH / "baseline" / "onboard.yml"}
    results, digests = {}, {}
    for side in ("collection", "baseline"):
        sim.reset()
        for run_name in ("first", "rerun"):
            sim.clear_journal()
            load = loadavg()
            result = runner.run(f"onboard_{side}_{run_name}", playbooks[side], sim.connection_env(), ["-e", f"@{variables}"])
            entries = sim.journal()
            changed = sum(task["changed"] for task in result["tasks"])
            # The per-item work: the baseline's loop tasks, the roles' one list task per product.
            loops = [task for task in result["tasks"] if task["ok"] + task["skipped"] > 1 or task["name"].endswith(LIST_TASKS)]
            results[(side, run_name)] = {
                "wall": result["wall"], "requests": len(entries), "writes": sum(1 for e in entries if e["kind"] == "write"),
                "mutated": sum(1 for e in entries if e["mutated"]), "changed": changed, "load": load, "rc": result["rc"],
                "item_seconds": sum(task["end"] - task["start"] for task in loops),
            }
            if run_name == "rerun" and (changed or results[(side, run_name)]["mutated"]):
                runner.failures.append(f"onboard {side}: the rerun changed something (changed={changed})")
        digests[side] = sim.state_digest()
    expected_users, expected_accounts = settings["users"] + 1, settings["accounts"]  # + the admin
    for side, digest in digests.items():
        if len(digest["users"]) != expected_users or len(digest["accounts"]) != expected_accounts:
            runner.failures.append(f"onboard {side}: {len(digest['users'])} users and {len(digest['accounts'])} accounts "
                                   f"instead of {expected_users} and {expected_accounts}")
    same_state = digests["collection"] == digests["baseline"]
    if not same_state:
        runner.failures.append("onboard: the collection's roles and the baseline did not produce the same users and accounts")
    report["onboarding"] = {"users": settings["users"], "accounts": settings["accounts"], "same_state": same_state,
                            "runs": {f"{side}/{run}": value for (side, run), value in results.items()}}


# --------------------------------------------------------------------------------------------- item 4

def seed_list_users(sim, count):
    """Reset, then seed count users in batches; returns the seconds it took."""
    sim.reset()
    started = time.monotonic()
    for first in range(0, count, 5000):
        sim.seed(users=[{"name": f"list-user-{index:05d}", "password": "Bench-Passw0rd", "roles": ["Restore Operator"]}
                        for index in range(first, min(first + 5000, count))])
    return time.monotonic() - started


def listing(sim, runner, settings, report):
    count = settings["list"]
    seed_seconds = seed_list_users(sim, count)
    playbook = runner.write("listing", play([
        {"name": "measured listing", "veeam_community.backup.veeam_gcp_user_info": {}, "register": "listed"},
        {"name": "Check the count", "ansible.builtin.assert": {"that": [f"listed.users | length == {count + 1}"], "quiet": True}},
    ], name=f"List {count + 1} users"))
    runs = []
    for auth in ("token", "password"):
        env = sim.connection_env(auth, {api: sim.token(api) for api in PREFIX} if auth == "token" else None)
        sim.clear_journal()
        result = runner.run(f"listing_{auth}", playbook, env)
        entries = [entry for entry in sim.journal() if entry["api"] == "vbgc"]
        seconds, _ = span(result["tasks"], "measured")
        runs.append({"auth": auth, "task_seconds": seconds, "wall": result["wall"], "requests": len(entries),
                     "pages": sum(1 for e in entries if e["method"] == "GET"), "rc": result["rc"]})
    report["listing"] = {"users": count + 1, "seed_seconds": seed_seconds, "runs": runs}


# --------------------------------------------------------------------------------------------- item 5

def simulator_throughput(sim, settings, report):
    sim.reset()
    session = throughput.session_for(sim.ready)
    throughput.seed(session, sim.ready)
    targets = throughput.endpoints(sim.ready, *throughput.login(session, sim.ready))
    rows = []
    for threads in (1, 2):
        for name, (url, headers) in targets.items():
            done, failed, seconds = throughput.measure(sim.ready, url, headers, settings["throughput"], threads, time.monotonic() + 30)
            rows.append({"endpoint": name, "connection": "keep-alive", "threads": threads, "requests": done,
                         "failures": failed, "seconds": seconds})
    # What a module process does: a new TLS connection for its first request.
    for name, (url, headers) in targets.items():
        done = failed = 0
        started = time.monotonic()
        for _ in range(settings["throughput"] // 4):
            with throughput.session_for(sim.ready) as fresh:
                if fresh.get(url, headers=headers, timeout=30).status_code == 200:
                    done += 1
                else:
                    failed += 1
            if time.monotonic() - started > 30:
                break
        rows.append({"endpoint": name, "connection": "new TLS connection each", "threads": 1, "requests": done,
                     "failures": failed, "seconds": time.monotonic() - started})
    # What item 4 asks for: one page of 100 out of the listing's users.
    count = settings["list"]
    seed_list_users(sim, count)  # a reset: the tokens are gone
    vbgc_url, vbgc_headers = throughput.endpoints(sim.ready, *throughput.login(session, sim.ready))["GET /api/v1/users"]
    for limit in (100, 1000):
        done, failed, seconds = throughput.measure(sim.ready, f"{vbgc_url}?offset={count // 2}&limit={limit}", vbgc_headers,
                                                   settings["throughput"] // 10, 1, time.monotonic() + 30)
        rows.append({"endpoint": f"GET /api/v1/users, a page of {limit} of {count + 1} users", "connection": "keep-alive",
                     "threads": 1, "requests": done, "failures": failed, "seconds": seconds})
    report["throughput"] = rows


# --------------------------------------------------------------------------------------------- report

def machine():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((line.split(":", 1)[1].strip() for line in info if line.startswith("model name")), cpu)
    except OSError:
        pass
    memory = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as info:
            memory = "%.0f GiB RAM" % (int(info.readline().split()[1]) / 1024 / 1024)
    except (OSError, ValueError, IndexError):
        pass
    ansible = subprocess.run([str(Path(sys.executable).parent / "ansible"), "--version"], capture_output=True, text=True,  # noqa: S603
                             check=False, timeout=60).stdout.splitlines()
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory": memory, "python": platform.python_version(),
            "ansible": ansible[0].strip() if ansible else "unknown", "os": platform.platform()}


def fmt(value, digits=2):
    return "n/a" if value is None else f"{value:.{digits}f}"


def render_header(report):
    meta = report["meta"]
    machine_info = meta["machine"]
    loads = ", ".join(f"item {key}: {value}" for key, value in meta["load"].items())
    others = ", ".join(f"item {key}: {value}" for key, value in meta.get("others", {}).items())
    seconds = ", ".join(f"item {key}: {value} s" for key, value in meta.get("seconds", {}).items())
    return [
        f"# veeam_community.backup benchmarks, {meta['date']}",
        "",
        f"Machine: {machine_info['cpus']} CPUs ({machine_info['cpu']}), {machine_info['memory']}, {machine_info['os']}; "
        f"Python {machine_info['python']}, {machine_info['ansible']}. Profile `{meta['profile']}` ({json.dumps(meta['settings'])}). "
        f"Load average (1 min) before each item: {loads}. CPUs kept busy by other processes during each item "
        f"(the benchmark itself uses about one): {others or 'n/a'}. Duration: {seconds or 'n/a'}; total {meta['total_seconds']:.0f} s.",
    ]


def render_requests(per_task):
    lines = ["", "## 1. Requests per idempotent no-op task (simulator journal)", "",
             "| module | no-op task | auth_token: requests | which | auth_username/auth_password: requests | which |",
             "|---|---|---|---|---|---|"]
    for row in (row for row in per_task["rows"] if not row.get("probe")):
        token, password = row.get("token"), row.get("password")
        lines.append("| {} | {} | {} | {} | {} | {} |".format(
            row["module"], row["what"], fmt(token["requests"], 0) if token else "n/a (logs in)", token["profile"] if token else "",
            fmt(password["requests"], 0) if password else "n/a", password["profile"] if password else ""))
    return lines


def render_per_task(per_task, imports):
    count = per_task["tasks"]
    timed = [row["token"] or row["password"] for row in per_task["rows"]]
    pings = [measured["ping_seconds"] / measured["tasks"] for measured in timed if measured.get("ping_seconds")]
    lines = ["", f"## 2. Per-task cost: {count} no-op tasks of each module, each after an `ansible.builtin.ping` task in the same playbook", "",
             f"`ansible.builtin.ping` per task over all playbooks: median {fmt(statistics.median(pings) if pings else None, 3)} s, "
             f"range {fmt(min(pings) if pings else None, 3)} to {fmt(max(pings) if pings else None, 3)} s. "
             "The ratio divides each module's time by the time of the pings in its own playbook.", "",
             "| module | auth | tasks | module s | ping s | module s per task | ratio to ping | requests per task |",
             "|---|---|---|---|---|---|---|---|"]
    modules = [row for row in per_task["rows"] if not row.get("probe")]
    probes = [row for row in per_task["rows"] if row.get("probe")]
    for row in modules + ([{"header": True}] if probes else []) + probes:
        if row.get("header"):
            lines.append("| *probes (bench/probes, not shipped)* | | | | | | | |")
            continue
        auth = "token" if row.get("token") else "password"
        measured = row[auth]
        per = measured["seconds"] / measured["tasks"] if measured["seconds"] else None
        ratio = measured["seconds"] / measured["ping_seconds"] if measured["seconds"] and measured.get("ping_seconds") else None
        label = f"{row['module']}: {row['what']}" if row.get("probe") else row["module"]
        lines.append(f"| {label} | {'auth_token' if auth == 'token' else 'auth_username/password'} | {measured['tasks']} | "
                     f"{fmt(measured['seconds'])} | {fmt(measured.get('ping_seconds'))} | {fmt(per, 3)} | {fmt(ratio)} | "
                     f"{fmt(measured['requests'], 0)} |")
    if imports:
        basic = imports.get("ansible.module_utils.basic", {}).get("ansible.module_utils.basic")
        lines += ["", "Import cost (`python -X importtime`, median of 5, milliseconds; sources compiled on every import as in an "
                  f"AnsiballZ payload). `ansible.module_utils.basic` alone: {fmt(basic, 1)} ms, paid by every module, ping included. "
                  "The rows below come on top of it:", "",
                  "| import | total | of which requests | of which pyotp | of which segno | the rest (own code, standard library) |",
                  "|---|---|---|---|---|---|"]
        for target, what in IMPORT_TARGETS[1:]:
            measured = imports.get(target, {})
            if target not in measured:
                continue
            cells = [fmt(measured[name], 1) if name in measured else "-" for name in (target, *IMPORT_PARTS)]
            rest = measured[target] - sum(measured.get(name, 0) for name in IMPORT_PARTS) if target not in IMPORT_PARTS else None
            lines.append(f"| {what} | " + " | ".join(cells) + f" | {fmt(rest, 1) if rest is not None else '-'} |")
    return lines


def render_onboarding(onboarding_report):
    runs = onboarding_report["runs"]
    lines = ["", f"## 3. Onboarding {onboarding_report['users']} VBGC users and {onboarding_report['accounts']} VB365 credentials", "",
             "Collection: the roles `m365_cloud_accounts` and `gcp_users`. Baseline: `bench/baseline/onboard.yml` "
             "(`ansible.builtin.uri`: token, a GET per item, POST or PUT where needed, logout). Same inputs; "
             + ("both end in the same state." if onboarding_report["same_state"] else "**the end states differ**."), "",
             "| run | collection s | collection requests | baseline s | baseline requests | wall ratio baseline/collection "
             "| request ratio | load |",
             "|---|---|---|---|---|---|---|---|"]
    for run_name in ("first", "rerun"):
        mine, theirs = runs[f"collection/{run_name}"], runs[f"baseline/{run_name}"]
        lines.append(f"| {run_name} | {fmt(mine['wall'], 1)} | {mine['requests']} | {fmt(theirs['wall'], 1)} | {theirs['requests']} | "
                     f"{fmt(theirs['wall'] / mine['wall'])} | {fmt(theirs['requests'] / mine['requests'] if mine['requests'] else None)} | "
                     f"{mine['load']} / {theirs['load']} |")
    items = onboarding_report["users"] + onboarding_report["accounts"]
    lines += ["", "Where the time goes: the per-item work (the baseline's loop tasks; the roles' one list task per product) "
              "and the rest (playbook start, log in, reads, checks, summary, log out):", "",
              "| side | run | wall s | per-item work s | per item s | rest s | requests | writes |", "|---|---|---|---|---|---|---|---|"]
    for side in ("collection", "baseline"):
        for run_name in ("first", "rerun"):
            run = runs.get(f"{side}/{run_name}")
            if run:
                lines.append(f"| {side} | {run_name} | {fmt(run['wall'], 1)} | {fmt(run['item_seconds'], 1)} | "
                             f"{fmt(run['item_seconds'] / items, 3)} | {fmt(run['wall'] - run['item_seconds'], 1)} | "
                             f"{run['requests']} | {run['writes']} |")
    return lines


def render_listing(listing_report):
    lines = ["", f"## 4. Listing: `veeam_gcp_user_info` over {listing_report['users']} users", "",
             f"Seeded through the control API in {fmt(listing_report['seed_seconds'], 1)} s.", "",
             "| auth | requests | of which GET pages | task seconds | playbook wall s |", "|---|---|---|---|---|"]
    for run in listing_report["runs"]:
        lines.append(f"| {run['auth']} | {run['requests']} | {run['pages']} | {fmt(run['task_seconds'])} | {fmt(run['wall'], 1)} |")
    return lines


def render_throughput(rows):
    lines = ["", "## 5. Simulator throughput (loopback)", "",
             "| endpoint | connection | client threads | requests | failures | seconds | requests/s |", "|---|---|---|---|---|---|---|"]
    for row in rows:
        rate = row["requests"] / row["seconds"] if row["seconds"] else None
        lines.append(f"| {row['endpoint']} | {row['connection']} | {row['threads']} | {row['requests']} | {row['failures']} | "
                     f"{fmt(row['seconds'])} | {fmt(rate, 0)} |")
    return lines


def render(report):
    lines = render_header(report)
    if report.get("per_task"):
        lines += render_requests(report["per_task"]) + render_per_task(report["per_task"], report.get("imports"))
    if report.get("onboarding"):
        lines += render_onboarding(report["onboarding"])
    if report.get("listing"):
        lines += render_listing(report["listing"])
    if report.get("throughput"):
        lines += render_throughput(report["throughput"])
    if report.get("fleet"):
        lines += fleet.render(report["fleet"])
    if report.get("failures"):
        lines += ["", "## Problems", ""] + [f"- {failure}" for failure in report["failures"]]
    return "\n".join(lines) + "\n"


def markdown_to_rst(text, level_chars="~^\""):
    """The results as reStructuredText (headings, paragraphs, list-tables), with heading levels that fit under a
    section of docs/docsite/rst/performance.rst."""
    out, table = [], []

    def inline(value):
        return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", value)

    def flush():
        if not table:
            return
        rows = [[inline(cell.strip()) or "-" for cell in line.strip().strip("|").split("|")] for line in table if not line.startswith("|---")]
        out.extend(["", ".. list-table::", "   :header-rows: 1", ""])
        for row in rows:
            out.append("   * - " + row[0])
            out.extend("     - " + cell for cell in row[1:])
        out.append("")
        table.clear()

    for line in text.splitlines():
        if line.startswith("|"):
            table.append(line)
            continue
        flush()
        heading = re.match(r"^(#+) (.*)$", line)
        if heading:
            title = inline(heading.group(2))
            out.extend([title, level_chars[min(len(heading.group(1)), len(level_chars)) - 1] * len(title)])
        else:
            out.append(inline(line))
    flush()
    return "\n".join(out) + "\n"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collections-path", default=os.environ.get("BENCH_COLLECTIONS_PATH", str(REPO / ".build")),
                        help="the directory that holds ansible_collections/ (default: .build, as make build-tree makes it)")
    parser.add_argument("--out", default=str(REPO / "build" / "bench"), help="output directory (default build/bench)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default=os.environ.get("BENCH_PROFILE", "default"))
    parser.add_argument("--sections", default="1,2,3,4,5,6", help="comma-separated items to run (1 and 2 run together)")
    parser.add_argument("--modules", help="items 1 and 2: only these comma-separated modules and probes")
    parser.add_argument("--rst", metavar="RESULTS_JSON", help="only print the tables of an earlier run as reStructuredText")
    for key in PROFILES["default"]:
        parser.add_argument("--" + key.replace("_", "-"), type=int, help=f"override the profile's {key}")
    args = parser.parse_args()
    settings = dict(PROFILES[args.profile])
    for key in settings:
        if getattr(args, key) is not None:
            settings[key] = getattr(args, key)
    settings["modules"] = [name.strip() for name in args.modules.split(",")] if args.modules else None
    return args, settings


def run_sections(sim, runner, settings, sections, report):
    """The six items, in order; the load average before each and the CPU other processes took during each go into the report."""
    def per_task(sim, runner, settings, report):
        per_task_runs(sim, runner, settings, report)
        report["imports"] = import_costs(runner.collections_path, runner.out)

    meter = CpuMeter(sim.process.pid)
    steps = (("1-2", per_task), ("3", onboarding), ("4", listing),
             ("5", lambda sim, _runner, settings, report: simulator_throughput(sim, settings, report)),
             ("6", lambda _sim, runner, settings, report: fleet.fleet_runs(runner, settings, report)))
    for section, step in steps:
        if set(section.split("-")) & sections:
            report["meta"]["load"][section] = loadavg()
            start = meter.sample()
            began = time.monotonic()
            step(sim, runner, settings, report)
            report["meta"]["seconds"][section] = "%.0f" % (time.monotonic() - began)
            others = CpuMeter.others(start, meter.sample())
            report["meta"]["others"][section] = "n/a" if others is None else "%.2f" % others


def main():
    args, settings = parse_arguments()
    if args.rst:
        sys.stdout.write(markdown_to_rst(render(json.loads(Path(args.rst).read_text()))))
        return 0
    collections_path = Path(args.collections_path).resolve()
    if not (collections_path / "ansible_collections" / "veeam_community" / "backup" / "galaxy.yml").exists():
        raise SystemExit(f"bench: no collection under {collections_path}/ansible_collections/veeam_community/backup (run make build-tree)")
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report = {"meta": {"date": datetime.date.today().isoformat(), "profile": args.profile, "settings": settings,
                       "machine": machine(), "load": {}, "others": {}, "seconds": {}}}
    runner = Runner(out, collections_path)
    sim = Simulator(out / "simulator.log")
    try:
        run_sections(sim, runner, settings, {part.strip() for part in args.sections.split(",")}, report)
    finally:
        sim.stop()
    inputs = onboarding_lists(settings["users"], settings["accounts"])
    secrets = [sim.ready["password"], MFA_SECRET, *sim.issued] + [item["password"] for items in inputs.values() for item in items]
    leaks = scan_logs(out / "logs", secrets)
    if leaks:
        runner.failures.append(f"a secret shows up in the output of: {', '.join(leaks)}")
    report["meta"]["total_seconds"] = time.monotonic() - started
    report["failures"] = runner.failures
    text = render(report)
    (out / "results.md").write_text(text)
    (out / "results.json").write_text(json.dumps(report, indent=1, default=str))
    sys.stdout.write(text)
    print(f"\nbench: results in {out / 'results.md'}, logs in {out / 'logs'}")
    return 1 if runner.failures else 0


if __name__ == "__main__":
    sys.exit(main())
