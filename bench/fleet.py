"""Item 6 of `make bench`: a fleet of three appliances, one at a time (--forks 1) against all three at once (--forks 3).

Starts three simulators with the harness (tests/fleet/fleet_lab.py), writes the Fleet guide's inventory for them, and
runs the playbook veeam_community.backup.fleet with the profile's numbers of users and cloud credentials per appliance:
first run and rerun, each with --forks 1 and --forks 3, every simulator reset before each first run. Records the wall
time and each appliance's requests (its journal). Fails the benchmark when a run fails, a rerun changes something or a
secret of a simulator shows up in the output.
"""

import shutil
import sys
from pathlib import Path

import yaml
from lab import Lab, leaking_logs
from veeam_simulator import harness

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fleet"))
import fleet_lab  # noqa: E402 - the fleet test's helpers, not a package

FORKS = (1, 3)


def bench_lists(count):
    """count users (no MFA) and count S3 credentials, the same for every appliance."""
    roles = (["Portal Operator"], ["Restore Operator"])
    users = [{"name": f"fleet-user-{index:04d}", "description": f"Fleet user {index}", "roles": roles[index % 2],
              "password": f"Fleet-Passw0rd-{index:04d}"} for index in range(count)]
    accounts = [{"account_type": "amazon_s3", "user_name": f"AKIAFLEET{index:08d}", "password": f"fleet-secret-{index:04d}",
                 "description": f"Fleet credentials {index}"} for index in range(count)]
    return {"gcp_users_list": users, "m365_cloud_accounts_list": accounts}


def write_inventory(out, fleet, count):
    """The guide's inventory in OUT/fleet, the lists in a 0600 extra-vars file. -> (inventory dir, extra-vars file)"""
    work = out / "fleet"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    unused = {"vault_s3_secret_key": "unused-s3-key", "vault_azure_shared_key": "unused-azure-key",
              "vault_initial_password": "Unused-Passw0rd"}  # the guide's group_vars refer to them; the lists below replace them
    fleet_lab.write_inventory(work, fleet, {"inventory/group_vars/all/vault.yml": unused}, fleet_lab.guide_blocks())
    lists = work / "lists.yml"
    harness.write_private(str(lists), "---\n" + yaml.safe_dump(bench_lists(count), sort_keys=False))
    return work / "inventory", lists


def measure(runner, labs, name, extra_args):
    """One run: wall seconds, requests and writes per appliance, hosts that reported a change."""
    for sim in labs:
        sim.clear_journal()
    result = runner.run(name, "veeam_community.backup.fleet", {}, extra_args)
    journals = [sim.journal() for sim in labs]
    recap = fleet_lab.recap(Path(result["log"]).read_text(encoding="utf-8", errors="replace"))
    return {"wall": result["wall"], "rc": result["rc"], "requests": [len(entries) for entries in journals],
            "writes": [sum(1 for entry in entries if entry["mutated"]) for entries in journals],
            "changed_hosts": sorted(host for host, counts in recap.items() if counts["changed"]), "hosts": len(recap)}


def fleet_runs(runner, settings, report):
    count = settings["fleet"]
    fleet = fleet_lab.start(len(fleet_lab.SITES))
    labs = [Lab(ready, simulator) for simulator, ready in fleet]
    try:
        inventory, lists = write_inventory(runner.out, fleet, count)
        runs = []
        for forks in FORKS:
            for sim in labs:
                sim.reset()
            for run_name in ("first", "rerun"):
                args = ["-i", str(inventory), "--forks", str(forks), "-e", f"@{lists}"]
                runs.append(dict(measure(runner, labs, f"fleet_forks{forks}_{run_name}", args), forks=forks, run=run_name))
        secrets = [entry for sim in labs for entry in sim.secrets()]
    finally:
        fleet_lab.stop(fleet)
    check(runner, runs, secrets)
    report["fleet"] = {"appliances": len(fleet), "users": count, "accounts": count, "runs": runs}


def check(runner, runs, secrets):
    for run in runs:
        if run["hosts"] != 2 * len(fleet_lab.SITES):
            runner.failures.append(f"fleet forks {run['forks']} {run['run']}: the recap lists {run['hosts']} hosts, not 6")
        if run["run"] == "rerun" and (run["changed_hosts"] or any(run["writes"])):
            runner.failures.append(f"fleet forks {run['forks']}: the rerun changed {run['changed_hosts']} (writes {run['writes']})")
    leaks = leaking_logs(runner.out.glob("logs/fleet_*.log"), secrets)
    if leaks:
        runner.failures.append(f"fleet: secrets of the simulators show up in {', '.join(log.name for log in leaks)}")


def render(fleet_report):
    runs = {(run["forks"], run["run"]): run for run in fleet_report["runs"]}
    lines = ["", f"## 6. A fleet: {fleet_report['appliances']} appliances, {fleet_report['users']} VBGC users and "
             f"{fleet_report['accounts']} VB365 credentials each", "",
             "The playbook `veeam_community.backup.fleet` with the Fleet guide's inventory: one VB365 host and one VBGC host per "
             "simulator, six hosts. `--forks 1` runs one host at a time, `--forks 3` three at once.", "",
             "| forks | run | wall s | requests per appliance | writes per appliance | hosts changed | wall ratio forks 1 / this |",
             "|---|---|---|---|---|---|---|"]
    for (forks, run_name), run in runs.items():
        serial = runs.get((1, run_name))
        ratio = f"{serial['wall'] / run['wall']:.2f}" if serial and run["wall"] else "n/a"
        lines.append(f"| {forks} | {run_name} | {run['wall']:.1f} | {' / '.join(map(str, run['requests']))} | "
                     f"{' / '.join(map(str, run['writes']))} | {len(run['changed_hosts'])} of {run['hosts']} | {ratio} |")
    return lines
