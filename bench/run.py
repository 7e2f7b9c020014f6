"""`make bench`: what the collection costs per task, per item and per request, measured against the simulator.

    python bench/run.py [--collections-path DIR] [--out DIR] [--profile quick|default|full] [--sections 1,2,3,4,5,6,7,8]
    python bench/run.py --rst build/bench/results.json   # an earlier run's tables as reStructuredText

Starts one simulator on 127.0.0.1, writes the playbooks and inventory it needs into the output
directory (default build/bench), runs ansible-playbook (ANSIBLE_COLLECTIONS_PATH = the directory that
holds ansible_collections/veeam_community/backup, default .build), reads the simulator journal, and prints
Markdown tables; item 6 (bench/fleet.py) adds three simulators for a fleet. results.md and results.json go
to the output directory.

These are benchmarks, not tests: nothing passes or fails on speed. The run fails only when a playbook
fails, a no-op task or a rerun changes something, the roles and the baseline do not end in the same state,
or a secret shows up in a playbook's output. Loopback only; every wait and loop is bounded; the
simulator is stopped at the end. What the figures mean: docs/docsite/rst/performance.rst.

Files: run.py (this CLI and the order of the items), lab.py (the simulators, started by the harness, and the
playbook runner), workloads.py (items 1 to 5), fleet.py (item 6), workloads_roles.py (items 7 and 8: gcp_users next to
azure_users, m365_object_storage), tables.py (the tables), machine.py (the machine and its load),
simulator_throughput.py (item 5's measurement, also a script of its own).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))
import fleet  # noqa: E402 - item 6, a sibling script
import lab  # noqa: E402 - sibling modules, not a package
import tables  # noqa: E402
import workloads  # noqa: E402
import workloads_roles  # noqa: E402
from machine import CpuMeter, loadavg, machine  # noqa: E402, I001

PROFILES = {
    # tasks: N no-op tasks per module (item 2); password_tasks: tasks per module that only count the requests of a login
    # (item 1); users/accounts: onboarding size (item 3); list: seeded users (item 4); throughput: requests per row (item 5);
    # fleet: users and credentials per appliance (item 6); item 7 onboards `users` users per product; storage: repositories
    # (item 8).
    # default is what make bench runs: the sizes for items 3 and 4, and the largest N that keeps make bench,
    # cold .venv setup included, under 15 minutes on 2 cores (the onboarding baseline alone takes about 8).
    "quick": {"tasks": 5, "password_tasks": 2, "users": 20, "accounts": 20, "list": 2000, "throughput": 300, "fleet": 10,
              "storage": 5},
    "default": {"tasks": 10, "password_tasks": 2, "users": 200, "accounts": 200, "list": 10000, "throughput": 1000, "fleet": 50,
                "storage": 50},
    # full: N = 50, the example, for steadier per-task figures; about 6 minutes more than default.
    "full": {"tasks": 50, "password_tasks": 3, "users": 200, "accounts": 200, "list": 10000, "throughput": 2000, "fleet": 50,
             "storage": 50},
}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collections-path", default=os.environ.get("BENCH_COLLECTIONS_PATH", str(REPO / ".build")),
                        help="the directory that holds ansible_collections/ (default: .build, as make build-tree makes it)")
    parser.add_argument("--out", default=str(REPO / "build" / "bench"), help="output directory (default build/bench)")
    parser.add_argument("--profile", choices=sorted(PROFILES), default=os.environ.get("BENCH_PROFILE", "default"))
    parser.add_argument("--sections", default="1,2,3,4,5,6,7,8", help="comma-separated items to run (1 and 2 run together)")
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
    """The eight items, in order; the load average before each and the CPU other processes took during each go into the report."""
    def per_task(sim, runner, settings, report):
        workloads.per_task_runs(sim, runner, settings, report)
        report["imports"] = workloads.import_costs(runner.collections_path, runner.out)
        runner.failures.extend(f"import cost: {target} could not be imported (renamed? see IMPORT_TARGETS in bench/workloads.py)"
                               for target, measured in report["imports"].items() if target not in measured)

    meter = CpuMeter(sim.simulator.process.pid)
    steps = (("1-2", per_task), ("3", workloads.onboarding), ("4", workloads.listing),
             ("5", lambda sim, _runner, settings, report: workloads.simulator_throughput(sim, settings, report)),
             ("6", lambda _sim, runner, settings, report: fleet.fleet_runs(runner, settings, report)),
             ("7", workloads_roles.user_roles), ("8", workloads_roles.object_storage))
    for section, step in steps:
        if set(section.split("-")) & sections:
            report["meta"]["load"][section] = loadavg()
            start = meter.sample()
            began = time.monotonic()
            step(sim, runner, settings, report)
            report["meta"]["seconds"][section] = "%.0f" % (time.monotonic() - began)
            others = CpuMeter.others(start, meter.sample())
            report["meta"]["others"][section] = "n/a" if others is None else "%.2f" % others


def input_secrets(settings):
    """The passwords given to the roles, as the harness's scan takes them (the simulator sees them only when they are sent)."""
    inputs = workloads.onboarding_lists(settings["users"], settings["accounts"])
    return ([{"kind": "input password", "value": item["password"]} for items in inputs.values() for item in items]
            + workloads_roles.input_secrets(settings))


def run_all(args, settings, out, collections_path):
    """The chosen items against one simulator, then the secret scan of every playbook's log. -> (report, failures)"""
    report = {"meta": {"date": datetime.date.today().isoformat(), "profile": args.profile, "settings": settings,
                       "machine": machine(), "load": {}, "others": {}, "seconds": {}}}
    runner = lab.Runner(out, collections_path)
    (sim,) = lab.start()
    try:
        run_sections(sim, runner, settings, {part.strip() for part in args.sections.split(",")}, report)
        secrets = sim.secrets() + input_secrets(settings)
    finally:
        sim.stop()
    leaks = lab.leaking_logs((out / "logs").glob("*.log"), secrets)
    if leaks:
        runner.failures.append(f"a secret shows up in the output of: {', '.join(Path(log).name for log in leaks)}")
    return report, runner.failures


def main():
    args, settings = parse_arguments()
    if args.rst:
        sys.stdout.write(tables.markdown_to_rst(tables.render(json.loads(Path(args.rst).read_text()))))
        return 0
    collections_path = Path(args.collections_path).resolve()
    if not (collections_path / "ansible_collections" / "veeam_community" / "backup" / "galaxy.yml").exists():
        raise SystemExit(f"bench: no collection under {collections_path}/ansible_collections/veeam_community/backup (run make build-tree)")
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report, failures = run_all(args, settings, out, collections_path)
    report["meta"]["total_seconds"] = time.monotonic() - started
    report["failures"] = failures
    text = tables.render(report)
    (out / "results.md").write_text(text)
    (out / "results.json").write_text(json.dumps(report, indent=1, default=str))
    sys.stdout.write(text)
    print(f"\nbench: results in {out / 'results.md'}, logs in {out / 'logs'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
