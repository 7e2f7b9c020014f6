"""The tables of `make bench`: the report of a run as Markdown (results.md), and as reStructuredText for the
Performance guide (run.py --rst)."""

import csv
import io
import json
import re
import statistics

import fleet
import workloads_roles
from workloads import IMPORT_PARTS, IMPORT_TARGETS


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
    lines += workloads_roles.render(report)
    if report.get("failures"):
        lines += ["", "## Problems", ""] + [f"- {failure}" for failure in report["failures"]]
    return "\n".join(lines) + "\n"


def markdown_to_rst(text, level_chars="~^\""):
    """The results as reStructuredText (headings, paragraphs, csv-tables), with heading levels that fit under a
    section of docs/docsite/rst/performance.rst."""
    out, table = [], []

    def inline(value):
        return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", value)

    def flush():
        if not table:
            return
        rows = [[inline(cell.strip()) or "-" for cell in line.strip().strip("|").split("|")] for line in table if not line.startswith("|---")]
        # csv-table: one line per row, so that a whole run fits on one page of the docs (files stay under 600 lines).
        out.extend(["", ".. csv-table::", "   :header-rows: 1", ""])
        for row in rows:
            text = io.StringIO()
            csv.writer(text, lineterminator="").writerow(row)
            out.append("   " + text.getvalue())
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
