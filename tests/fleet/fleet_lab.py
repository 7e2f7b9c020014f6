"""A fleet of simulated appliances for the fleet test (tests/fleet/run_fleet.py) and the fleet benchmark (bench/fleet.py).

Starts N simulators with the harness, writes the inventory that docs/docsite/rst/fleet.rst prints (its file blocks as
printed, the host variables from the simulators' ready lines, passwords in 0600 files), runs ansible-playbook with the
harness's tee into a 0600 log, and reads the per-host recap and each simulator's request journal.
"""

import json
import os
import re
import shutil
import ssl
import time
import urllib.parse
import urllib.request
from pathlib import Path

import yaml
from veeam_simulator import harness

HERE = Path(__file__).resolve().parent
COLLECTION = HERE.parent.parent
GUIDE = COLLECTION / "docs" / "docsite" / "rst" / "fleet.rst"
SITES = ("site1", "site2", "site3")
RECAP = re.compile(r"^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)"
                   r"\s+rescued=(\d+)\s+ignored=(\d+)", re.MULTILINE)
RECAP_KEYS = ("ok", "changed", "unreachable", "failed", "skipped", "rescued", "ignored")
DOCS_TEST = re.compile(r"^\.\. docs-test: (file|skip) ?(\S*)")


class FleetError(Exception):
    pass


def guide_blocks(path=GUIDE):
    """[(marker, argument, language, text)] for the guide's code blocks, marker being 'file', 'skip' or None."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, marker = [], (None, "")
    for index, line in enumerate(lines):
        found = DOCS_TEST.match(line)
        if found:
            marker = found.groups()
            continue
        block = re.match(r"^( *)\.\. code-block:: (\S+)", line)
        if not block:
            continue
        body, indent = [], None
        for text in lines[index + 1:]:
            if text.strip() and indent is None and not text.lstrip().startswith(":"):
                indent = len(text) - len(text.lstrip())
            if text.strip() and indent is not None and len(text) - len(text.lstrip()) < indent:
                break
            body.append(text[indent:] if indent is not None and text.strip() else "")
        blocks.append((marker[0], marker[1], block.group(2), "\n".join(body).strip("\n") + "\n"))
        marker = (None, "")
    return blocks


def guide_commands(blocks):
    """The '$ ' lines of the guide's console blocks that are not marked skip, in order."""
    return [line[2:] for marker, _a, language, text in blocks if language == "console" and marker != "skip"
            for line in text.splitlines() if line.startswith("$ ")]


def start(count, args=("--host", "127.0.0.1")):
    """count simulators, started together; -> [(Simulator, ready line)]. Stops those already up on a failure."""
    simulators = [harness.Simulator(list(args)) for _index in range(count)]
    try:
        return [(simulator, simulator.wait_ready()) for simulator in simulators]
    except harness.HarnessError:
        for simulator in simulators:
            simulator.stop()
        raise


def stop(fleet):
    for simulator, _ready in fleet:
        simulator.stop()


def host_variables(ready, ca_path):
    """{host kind: (connection variables, secret variables)}: what the guide's host_vars examples hold, for one simulator."""
    vb365 = {"m365_cloud_accounts_server": ready["vb365_url"], "m365_cloud_accounts_ca_path": ca_path,
             "m365_cloud_accounts_auth_username": ready["username"],
             "m365_cloud_accounts_auth_password": "{{ vault_vb365_password }}"}
    vbgc = {"gcp_users_server": ready["vbgc_url"], "gcp_users_ca_path": ca_path,
            "gcp_users_auth_username": ready["username"], "gcp_users_auth_password": "{{ vault_vbgc_password }}"}
    return {"vb365": (vb365, {"vault_vb365_password": ready["password"]}),
            "vbgc": (vbgc, {"vault_vbgc_password": ready["password"]})}


def write_yaml(path, data, private=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "---\n" + yaml.safe_dump(data, sort_keys=False)
    if private:
        harness.write_private(str(path), text)
    else:
        path.write_text(text, encoding="utf-8")


def write_inventory(workdir, fleet, secret_vars, blocks):
    """The guide's file blocks as printed, then host_vars/<kind>-<site>/{connection,vault}.yml (vault.yml 0600) per
    simulator, with a copy of its CA certificate in ca/<site>.pem (it outlives the simulator), and secret_vars (the
    vault variables the guide's group_vars refer to) in 0600 files. Checks that the host variables written are exactly
    those the guide's host_vars examples show."""
    for marker, name, _language, text in blocks:
        if marker == "file":
            target = workdir / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    printed = printed_host_vars(blocks)
    (workdir / "ca").mkdir(exist_ok=True)
    for site, (_simulator, ready) in zip(SITES, fleet, strict=True):
        ca_path = workdir / "ca" / f"{site}.pem"
        shutil.copyfile(ready["ca_path"], ca_path)
        for kind, (connection, secrets) in host_variables(ready, str(ca_path)).items():
            host_dir = workdir / "inventory" / "host_vars" / f"{kind}-{site}"
            for file_name, data in (("connection.yml", connection), ("vault.yml", secrets)):
                if set(data) != set(printed.get((kind, file_name), {})):
                    raise FleetError(f"the guide's host_vars/{kind}-*/{file_name} example shows {sorted(printed.get((kind, file_name), {}))}, "
                                     f"the test writes {sorted(data)}: keep them in step")
                write_yaml(host_dir / file_name, data, private=file_name == "vault.yml")
    for relative, data in secret_vars.items():
        write_yaml(workdir / relative, data, private=True)


def printed_host_vars(blocks):
    """{(kind, file name): variables} of the guide's skipped host_vars examples (their first line names the file)."""
    found = {}
    for marker, _argument, _language, text in blocks:
        first = text.splitlines()[0] if text.strip() else ""
        match = re.match(r"^# inventory/host_vars/(vb365|vbgc)-\S+/(\S+\.yml)", first)
        if marker == "skip" and match:
            found[match.groups()] = yaml.safe_load(text) or {}
    return found


def run_shell(command, workdir, log_path, env):
    """Run a command line with bash in workdir, its output live on ours and in log_path (0600). -> (exit code, seconds, {host: recap})"""
    began = time.monotonic()
    previous = os.getcwd()
    os.chdir(workdir)
    try:
        code = harness.run_command(["bash", "-c", command], env, str(log_path))
    finally:
        os.chdir(previous)
    seconds = time.monotonic() - began
    return code, seconds, recap(Path(log_path).read_text(encoding="utf-8", errors="replace"))


def recap(text):
    """{host: {ok, changed, unreachable, failed, ...}} from the last PLAY RECAP in text."""
    tail = text.rsplit("PLAY RECAP", 1)[-1] if "PLAY RECAP" in text else ""
    return {match.group(1): dict(zip(RECAP_KEYS, map(int, match.groups()[1:]), strict=True)) for match in RECAP.finditer(tail)}


def playbook_env(extra=None):
    """Our environment without any VEEAM_* variable, so the host variables are the only connection settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("VEEAM_")}
    env.update({"ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_NOCOLOR": "1", "ANSIBLE_RETRY_FILES_ENABLED": "0"})
    env.update(extra or {})
    return env


def control(ready, method, path, payload=None):
    """A call to the simulator's control API (/_simulator/...). -> the decoded JSON body, or None."""
    context = ssl.create_default_context(cafile=ready["ca_path"])
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(ready["vb365_url"] + "/_simulator/" + path, data=data, method=method,  # noqa: S310
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=60) as response:  # noqa: S310 - our own simulator
        body = response.read()
    return json.loads(body) if body else None


def journal(ready):
    return control(ready, "GET", "journal")["entries"]


def accounts(ready):
    """[(accountType, userName, description)] of the VB365 cloud credentials, through the REST API."""
    context = ssl.create_default_context(cafile=ready["ca_path"])
    form = urllib.parse.urlencode({"grant_type": "password", "username": ready["username"], "password": ready["password"]})
    login = urllib.request.Request(ready["vb365_url"] + "/v8/token", data=form.encode(), method="POST")  # noqa: S310
    with urllib.request.urlopen(login, context=context, timeout=60) as response:  # noqa: S310
        token = json.load(response)["access_token"]
    listing = urllib.request.Request(ready["vb365_url"] + "/v8/Accounts", headers={"Authorization": "Bearer " + token})  # noqa: S310
    with urllib.request.urlopen(listing, context=context, timeout=60) as response:  # noqa: S310
        return sorted((item["accountType"], item["userName"], item.get("description") or "") for item in json.load(response))
