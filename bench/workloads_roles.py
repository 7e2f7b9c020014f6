"""Items 7 and 8 of `make bench`: two list roles measured on their own, first run and rerun on a reset simulator.

7. the same N users onboarded through `gcp_users` (VBGC) and through `azure_users` (VBAzure), side by side;
8. N object storage repositories through `m365_object_storage` (VB365): each with its own Amazon S3 credential, a
   folder in a bucket seeded through the simulator's control API, its own encryption key, on a seeded proxy.

The playbooks use only the roles' documented variables (meta/argument_specs.yml), so they measure whatever the roles
do inside. Each run records the wall time, the requests of the product's API (by method and path), the tasks that
reported a change and the role's summary fact. The benchmark fails when a first run does not create every item, or
a rerun changes anything (a task reports a change, a request changes the simulator's state, an item is not unchanged).
"""

import json
import re
from pathlib import Path

import yaml
from lab import play
from machine import loadavg
from veeam_simulator import harness
from workloads import LIST_TASKS, onboarding_lists, request_profile

AZURE_ROLES = ("PortalOperator", "RestoreOperator", "ReadOnlyUser")
PRODUCTS = (("VBGC", "gcp_users", "vbgc"), ("VBAzure", "azure_users", "vbazure"))
# Outside VB365, seeded through the control API: one bucket every Amazon S3 credential sees, two proxies.
BUCKET = {"accountType": "amazonS3Account", "name": "bench-m365-backups", "regionId": "eu-west-1"}
PROXIES = ("bench-proxy-01.example.test", "bench-proxy-02.example.test")
SUMMARY_MARK = "BENCH_SUMMARY "
COUNTED = ("created", "updated", "unchanged")
METHODS = ("GET", "POST", "PUT", "DELETE")


def azure_users(count):
    return [{"name": f"bench-azure-{index:04d}", "description": f"Bench user {index}", "role": AZURE_ROLES[index % 3],
             "password": f"Bench-Azure-Passw0rd-{index:04d}"} for index in range(count)]


def repositories(count):
    """count repositories, each with its own credential, folder and encryption key, on one of the two proxies."""
    return [{"name": f"bench-repo-{index:03d}", "description": f"Bench repository {index}",
             "account": {"account_type": "amazon_s3", "user_name": f"AKIABENCHREPO{index:07d}",
                         "password": f"bench-repo-secret-{index:04d}", "description": f"Bench repository credential {index}"},
             "region_id": BUCKET["regionId"], "bucket": BUCKET["name"], "folder": f"repo-{index:03d}",
             "proxy": PROXIES[index % len(PROXIES)], "retention_type": "snapshot_based", "retention_period_type": "yearly",
             "retention_period": "Years3", "encryption": {"description": f"Bench key {index}",
                                                          "password": f"bench-encryption-passw0rd-{index:04d}"}}
            for index in range(count)]


def input_secrets(settings):
    """The passwords items 7 and 8 give the roles, for the secret scan of the logs."""
    values = [user["password"] for user in azure_users(settings["users"])]
    for repository in repositories(settings["storage"]):
        values += [repository["account"]["password"], repository["encryption"]["password"]]
    return [{"kind": "input password", "value": value} for value in values]


def role_playbook(runner, name, role, variables):
    """The role alone, then its summary fact printed behind SUMMARY_MARK (a debug task: no module, no request)."""
    summary = f"{role}_summary"
    return runner.write(name, play(
        [{"name": "Print the summary for the benchmark", "ansible.builtin.debug": {"msg": SUMMARY_MARK + "{{ %s | to_json }}" % summary}}],
        name=f"{role} alone", vars=variables, roles=[f"veeam_community.backup.{role}"]))


def read_summary(log):
    """The summary fact that role_playbook printed, as {action: count} for its list values."""
    match = re.search(r'"msg": ("%s.*")' % SUMMARY_MARK, Path(log).read_text(encoding="utf-8", errors="replace"))
    if not match:
        return {}
    summary = json.loads(json.loads(match.group(1))[len(SUMMARY_MARK):])
    return {key: len(value) for key, value in summary.items() if isinstance(value, list)}


def measure_run(sim, runner, name, playbook, extra_args, api, items):
    """One run of a role playbook: wall time, its API's requests, changed tasks, summary counts. -> dict"""
    sim.clear_journal()
    load = loadavg()
    result = runner.run(name, playbook, sim.connection_env(), extra_args)
    entries = [entry for entry in sim.journal() if entry["api"] == api]
    list_tasks = [task for task in result["tasks"] if task["ok"] + task["skipped"] > 1 or task["name"].endswith(LIST_TASKS)]
    tasks = {}
    for task in result["tasks"]:
        tasks[task["name"]] = tasks.get(task["name"], 0) + task["end"] - task["start"]
    return {"wall": result["wall"], "rc": result["rc"], "load": load, "requests": len(entries),
            "methods": {method: sum(1 for entry in entries if entry["method"] == method) for method in METHODS},
            "profile": request_profile(entries, items), "writes": sum(1 for entry in entries if entry["kind"] == "write"),
            "mutated": sum(1 for entry in entries if entry["mutated"]), "changed": sum(task["changed"] for task in result["tasks"]),
            "item_seconds": sum(task["end"] - task["start"] for task in list_tasks), "tasks": tasks,
            "summary": read_summary(result["log"])}


def first_and_rerun(sim, runner, label, playbook, extra_args, api, items):
    """Both runs (the simulator already reset and seeded); a first run that does not create every item, or a rerun
    that changes anything, goes into runner.failures. -> {"first": ..., "rerun": ...}"""
    runs = {}
    for run_name, expected in (("first", "created"), ("rerun", "unchanged")):
        run = runs[run_name] = measure_run(sim, runner, f"{label}_{run_name}", playbook, extra_args, api, items)
        if run["rc"] == 0 and run["summary"].get(expected) != items:
            runner.failures.append(f"{label} {run_name}: {run['summary'].get(expected)} of {items} items {expected}")
        if run_name == "rerun" and (run["changed"] or run["mutated"]):
            runner.failures.append(f"{label}: the rerun changed something (changed={run['changed']}, mutated={run['mutated']})")
    return runs


def write_inputs(runner, name, inputs):
    path = runner.out / f"{name}_vars.yml"
    harness.write_private(str(path), "---\n# Throwaway inputs for the benchmark (simulator only).\n" + yaml.safe_dump(inputs, sort_keys=False))
    return path


# --------------------------------------------------------------------------------------------- item 7

def user_roles(sim, runner, settings, report):
    count = settings["users"]
    inputs = write_inputs(runner, "user_roles", {"bench_vbgc_users": onboarding_lists(count, 0)["bench_users"],
                                                 "bench_vbazure_users": azure_users(count)})
    rows = []
    for product, role, api in PRODUCTS:
        playbook = role_playbook(runner, f"users_{role}", role, {f"{role}_list": f"{{{{ bench_{api}_users }}}}",
                                                                   f"{role}_secrets_dir": str(runner.out / "mfa-secrets")})
        sim.reset()
        runs = first_and_rerun(sim, runner, f"users_{role}", playbook, ["-e", f"@{inputs}"], api, count)
        rows.append({"product": product, "role": role, "runs": runs})
    report["user_roles"] = {"users": count, "rows": rows}


def render_user_roles(user_report):
    count = user_report["users"]
    lines = ["", f"## 7. Onboarding {count} users: VBGC (`gcp_users`) next to VBAzure (`azure_users`)", "",
             "Each role alone on a reset simulator, the same users (description, role, password, no MFA); requests from the "
             "journal of the product's API. List task: the role's one task that takes the whole list.", "",
             "| product | role | run | wall s | list task s | requests | requests per user | writes | changed task results "
             "| created / updated / unchanged | load |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run_name in ("first", "rerun"):
        for row in user_report["rows"]:
            run = row["runs"][run_name]
            lines.append(f"| {row['product']} | `{row['role']}` | {run_name} | {run['wall']:.1f} | {run['item_seconds']:.2f} | "
                         f"{run['requests']} | {run['requests'] / count:.3f} | {run['writes']} | {run['changed']} | "
                         f"{' / '.join(str(run['summary'].get(key, 'n/a')) for key in COUNTED)} | {run['load']} |")
    by_product = {row["product"]: row["runs"] for row in user_report["rows"]}
    if len(by_product) == 2:
        ratios = "; ".join(f"{run_name}: wall {by_product['VBAzure'][run_name]['wall'] / by_product['VBGC'][run_name]['wall']:.2f}, "
                           f"requests {by_product['VBAzure'][run_name]['requests'] / max(by_product['VBGC'][run_name]['requests'], 1):.2f}"
                           for run_name in ("first", "rerun"))
        lines += ["", f"VBAzure / VBGC: {ratios}.", "", "Requests per user, by method and path:", "",
                  "| product | run | which |", "|---|---|---|"]
        lines += [f"| {product} | {run_name} | {runs[run_name]['profile']} |" for run_name in ("first", "rerun")
                  for product, runs in by_product.items()]
    return lines


# --------------------------------------------------------------------------------------------- item 8

def seed_storage(sim):
    """The bucket and the proxies, which live outside VB365, through the control API."""
    sim.control("POST", "vb365/buckets", BUCKET)
    for host in PROXIES:
        sim.control("POST", "vb365/proxies", {"hostName": host})


def object_storage(sim, runner, settings, report):
    count = settings["storage"]
    inputs = write_inputs(runner, "object_storage", {"bench_repositories": repositories(count)})
    playbook = role_playbook(runner, "object_storage", "m365_object_storage",
                             {"m365_object_storage_repositories": "{{ bench_repositories }}"})
    sim.reset()
    seed_storage(sim)
    runs = first_and_rerun(sim, runner, "object_storage", playbook, ["-e", f"@{inputs}"], "vb365", count)
    report["object_storage"] = {"repositories": count, "runs": runs}


def render_object_storage(storage_report):
    count, runs = storage_report["repositories"], storage_report["runs"]
    lines = ["", f"## 8. Object storage: {count} VB365 repositories through `m365_object_storage`", "",
             f"Each repository with its own Amazon S3 credential, its folder in one bucket and its own encryption key, on one of "
             f"{len(PROXIES)} proxies; the bucket and proxies seeded through the simulator's control API, on a reset simulator.", "",
             "| run | wall s | requests | per repository | " + " | ".join(METHODS) + " | writes | changed task results "
             "| created / updated / unchanged | load |", "|---|---|---|---|" + "---|" * len(METHODS) + "---|---|---|---|"]
    for run_name, run in runs.items():
        lines.append(f"| {run_name} | {run['wall']:.1f} | {run['requests']} | {run['requests'] / count:.1f} | "
                     + " | ".join(str(run["methods"][method]) for method in METHODS)
                     + f" | {run['writes']} | {run['changed']} | {' / '.join(str(run['summary'].get(key, 'n/a')) for key in COUNTED)} "
                     f"| {run['load']} |")
    lines += ["", "Requests per repository, by method and path:", "", "| run | which |", "|---|---|"]
    lines += [f"| {run_name} | {run['profile']} |" for run_name, run in runs.items()]
    slow = [name for name, seconds in runs["first"]["tasks"].items() if seconds >= 0.05 * runs["first"]["wall"]]
    lines += ["", "Where the time goes: the role's tasks that took at least 5 % of the first run (seconds, loops summed over "
              "their items):", "", "| task | first s | rerun s |", "|---|---|---|"]
    lines += [f"| {name.split(' : ')[-1]} | {runs['first']['tasks'][name]:.1f} | {runs['rerun']['tasks'].get(name, 0):.1f} |"
              for name in slow]
    return lines


def render(report):
    lines = []
    if report.get("user_roles"):
        lines += render_user_roles(report["user_roles"])
    if report.get("object_storage"):
        lines += render_object_storage(report["object_storage"])
    return lines
