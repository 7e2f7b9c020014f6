"""Items 1 to 5 of `make bench`: what each one sets up in the simulator, the playbooks it runs, and what it records.

1-2. every module's idempotent no-op task: its requests (token and password), its time next to ansible.builtin.ping,
     and the import cost of the module_utils and modules;
3.   onboarding users and credentials through the roles against bench/baseline/onboard.yml (first run and rerun);
4.   veeam_gcp_user_info over many users;
5.   the simulator's throughput.
Each item takes (lab, runner, settings, report) and puts its figures into report; what may not happen (a failed
playbook, a no-op that changes something) goes into runner.failures.
"""

import copy
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import simulator_throughput as throughput
import yaml
from lab import BENCH, play, session_for, span, task_seconds
from machine import loadavg
from veeam_simulator import harness

ROLES = ("Portal Operator", "Restore Operator")
MFA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEH"  # noqa: S105 - a throwaway TOTP secret for the seeded MFA user

# The no-op state (seed_noop_state): three users and three S3 accounts exactly as listed here, and one MFA user.
NOOP_USERS = [{"name": f"benchuser{suffix}", "description": f"Bench user{suffix}", "roles": [role]}
              for suffix, role in (("", "Portal Operator"), ("2", "Restore Operator"), ("3", "Portal Operator"))]
AZURE_USERS = [{"name": f"benchuser{suffix}", "description": f"Bench user{suffix}", "role": role}
               for suffix, role in (("", "PortalOperator"), ("2", "RestoreOperator"), ("3", "PortalOperator"))]
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
    "veeam_azure_user": ("vbazure", AZURE_USERS[0], "user exists with this description and role"),
    "veeam_azure_users": ("vbazure", {"users": AZURE_USERS}, "3 users exist as listed"),
    "veeam_azure_user_info": ("vbazure", {"name": "benchuser"}, "look up one user"),
    "veeam_azure_user_mfa": ("vbazure", {"name": "benchmfa", "state": "enabled"}, "MFA already enabled"),
    "veeam_azure_login": ("vbazure", {}, "log in, keep the token"),
}
LOGIN_MODULES = ("veeam_m365_login", "veeam_gcp_login", "veeam_azure_login")
# Modules whose result may hold a secret: they refuse to run without no_log.
SECRET_RESULT_MODULES = (*LOGIN_MODULES, "veeam_gcp_user_mfa", "veeam_azure_user_mfa")
# Probes from bench/probes (not shipped) that split the per-task cost of veeam_gcp_user_info.
PROBES = {
    "bench_import_only": ("vbgc", {"name": "benchuser"}, "veeam_gcp_user_info without its request (imports, argument spec)"),
    "bench_stdlib_get": ("vbgc", {"name": "benchuser"}, "veeam_gcp_user_info's request with http.client instead of requests"),
}
PROBES_DIR = BENCH / "probes"
LIBRARY = {"ANSIBLE_LIBRARY": str(PROBES_DIR)}

# What the import-time table measures: the libraries, the collection's module_utils, its modules, and the probes.
COLLECTION = "ansible_collections.veeam_community.backup.plugins"
MODULE_UTILS = ("core.http_client", "core.connection", "core.runner", "vb365.client", "vb365.account", "vbgc.client", "vbgc.user",
                "vbazure.client", "vbazure.user")
IMPORT_TARGETS = [
    ("ansible.module_utils.basic", "what every module imports (ping too)"),
    ("requests", "requests, the HTTP library"),
    ("pyotp", "pyotp, TOTP codes (MFA)"),
    ("segno", "segno, QR codes (MFA; veeam_gcp_user_mfa imports it only to write a QR code)"),
    *((f"{COLLECTION}.module_utils.{name}", f"module_utils/{name.replace('.', '/')}.py") for name in MODULE_UTILS),
    *((f"{COLLECTION}.modules.{name}", name) for name in NOOP_TASKS),
    *((name, f"probe {name}") for name in PROBES),
]
IMPORT_PARTS = ("requests", "pyotp", "segno")


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
    azure_users = [dict(user, password="Bench-Passw0rd") for user in AZURE_USERS]  # noqa: S106 - seeded simulator users
    azure_users.append({"name": "benchmfa", "password": "Bench-Passw0rd", "description": "Bench MFA", "role": "RestoreOperator",
                        "mfa_secret": MFA_SECRET})
    sim.seed_vbazure(azure_users)


def noop_playbook(module, count, with_ping):
    """A warm-up, then count measured no-op tasks of the module; with_ping puts an ansible.builtin.ping task before
    each of them, so that the reference runs in the same process and the same conditions."""
    if module in PROBES:
        action, arguments = module, PROBES[module][1]
    else:
        action, arguments = f"veeam_community.backup.{module}", NOOP_TASKS[module][1]
    secret = {"no_log": True} if module in SECRET_RESULT_MODULES else {}
    tasks = [dict({"name": "warm-up", action: copy.deepcopy(arguments)}, **secret)]
    tasks += [{"name": "warm-up ping", "ansible.builtin.ping": {}}] if with_ping else []
    for index in range(count):
        tasks += [{"name": f"reference ping {index + 1}", "ansible.builtin.ping": {}}] if with_ping else []
        tasks.append(dict({"name": f"measured {index + 1}", action: copy.deepcopy(arguments)}, **secret))
    return play(tasks, name=f"{count} no-op tasks of {module}" + (", each after a ping" if with_ping else ""))


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
            env = sim.connection_env(auth)
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
        for file in (source / sub).rglob("*.py"):
            (target / file.relative_to(source / sub)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(file, target / file.relative_to(source / sub))
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


def onboarding(sim, runner, settings, report):
    out = runner.out
    variables = out / "onboarding_vars.yml"
    harness.write_private(str(variables), "---\n# Throwaway inputs for the onboarding benchmark (simulator only).\n"
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
        env = sim.connection_env(auth)
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
    throughput.seed(sim)
    targets = throughput.endpoints(sim.ready, *throughput.logins(sim.session, sim.ready))
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
            with session_for(sim.ready) as fresh:
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
    vbgc_url, vbgc_headers = throughput.endpoints(sim.ready, *throughput.logins(sim.session, sim.ready))["GET /api/v1/users"]
    for limit in (100, 1000):
        done, failed, seconds = throughput.measure(sim.ready, f"{vbgc_url}?offset={count // 2}&limit={limit}", vbgc_headers,
                                                   settings["throughput"] // 10, 1, time.monotonic() + 30)
        rows.append({"endpoint": f"GET /api/v1/users, a page of {limit} of {count + 1} users", "connection": "keep-alive",
                     "threads": 1, "requests": done, "failures": failed, "seconds": seconds})
    report["throughput"] = rows


