"""`make fleet`: the Fleet guide's inventory and playbook against three simulators, one host per appliance.

    python tests/fleet/run_fleet.py --out DIR

Starts three simulators, writes the guide's inventory into DIR/work (its file blocks as printed; the host variables
of each simulator, passwords encrypted with ansible-vault as the guide says), runs the guide's commands, and checks:
one MFA secrets directory for all appliances fails every appliance before any write; --check writes nothing; the
first run onboards the same users (MFA included) and cloud credentials on every appliance, each MFA seed stored in
its own host's directory; the rerun reports changed=0 on every host and writes nothing; with the second simulator
stopped, its two hosts fail and the other four succeed. No secret of any simulator (nor the vault password) may
appear in the output (the harness's scanner). Exits 1 on the first failed check.
"""

import argparse
import secrets
import shutil
import sys
from pathlib import Path

import yaml
from veeam_simulator import harness

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fleet_lab  # noqa: E402 - a sibling module, not a package


def check(condition, message):
    if not condition:
        raise fleet_lab.FleetError(message)


def secret_vars():
    """The vault variables the guide's group_vars refer to: throwaway values, in a 0600 file."""
    values = {"vault_s3_secret_key": "fleet-s3-" + secrets.token_urlsafe(12),
              "vault_azure_shared_key": "fleet-azure-" + secrets.token_urlsafe(12),
              "vault_initial_password": "Fleet-" + secrets.token_urlsafe(12)}
    return {"inventory/group_vars/all/vault.yml": values}


def hosts():
    return [f"{kind}-{site}" for kind in ("vb365", "vbgc") for site in fleet_lab.SITES]


def expect_recap(result, phase, changed=None, failed_hosts=(), expected=None):
    code, seconds, recap = result
    print(f"fleet: {phase}: exit code {code}, {seconds:.1f} s, recap {recap}", flush=True)
    expected = sorted(expected or hosts())
    check(sorted(recap) == expected, f"{phase}: the recap lists {sorted(recap)}, not {expected}")
    for host, counts in recap.items():
        should_fail = host in failed_hosts
        check(bool(counts["failed"]) == should_fail and not counts["unreachable"],
              f"{phase}: {host} has failed={counts['failed']} unreachable={counts['unreachable']}; "
              f"expected {'a failure' if should_fail else 'none'}")
        if changed is not None and not should_fail:
            check(bool(counts["changed"]) == changed, f"{phase}: {host} reports changed={counts['changed']}")
    check((code != 0) == bool(failed_hosts), f"{phase}: ansible-playbook exited with {code}")


def expect_nothing_written(fleet, phase):
    for site, (_simulator, ready) in zip(fleet_lab.SITES, fleet, strict=True):
        written = [f"{entry['method']} {entry['path']}" for entry in fleet_lab.journal(ready) if entry["mutated"]]
        check(not written, f"{phase}: the simulator of {site} was changed: {written}")
        fleet_lab.control(ready, "DELETE", "journal")


def expect_onboarded(fleet, work, passwords):
    """Every simulator has the users of the guide's group_vars (roles, password, MFA) and its cloud credentials; each
    host's MFA seeds are stored in that host's own directory and are the ones its appliance holds."""
    group_vars = work / "inventory" / "group_vars"
    users = yaml.safe_load((group_vars / "vbgc_appliances" / "users.yml").read_text())
    types = {"amazon_s3": "amazonS3Account", "azure_blob": "azureBlobAccount"}
    wanted_accounts = sorted((types[item["account_type"]], item["user_name"], item["description"])
                             for item in yaml.safe_load((group_vars / "vb365_servers" / "accounts.yml").read_text())["m365_cloud_accounts_list"])
    seeds = []
    for site, (_simulator, ready) in zip(fleet_lab.SITES, fleet, strict=True):
        secrets_dir = Path(users["gcp_users_secrets_dir"].replace("~", str(work / "home"), 1).replace("{{ inventory_hostname }}", f"vbgc-{site}"))
        for item in users["gcp_users_list"]:
            user = fleet_lab.control(ready, "GET", f"vbgc/users/{item['name']}")
            check(sorted(role["name"] for role in user["roles"]) == sorted(item["roles"]), f"{site}: {item['name']} has roles {user['roles']}")
            check(user["mfaEnabled"] == item.get("mfa", False), f"{site}: {item['name']} has mfaEnabled={user['mfaEnabled']}")
            valid = fleet_lab.control(ready, "POST", f"vbgc/users/{item['name']}/check_password", {"password": passwords["vault_initial_password"]})
            check(valid["valid"], f"{site}: {item['name']} does not have the password of the group's vault.yml")
            if item.get("mfa"):
                stored = secrets_dir / f"{item['name']}.secret.txt"
                check(stored.is_file() and stored.stat().st_mode & 0o077 == 0, f"{site}: no private {stored}")
                check(yaml.safe_load(stored.read_text())["secret_key"] == user["mfa_secret"],
                      f"{site}: {stored} does not hold the seed the appliance holds for {item['name']}")
                seeds.append(user["mfa_secret"])
        found = fleet_lab.accounts(ready)
        check(found == wanted_accounts, f"{site}: the cloud credentials are {found}, expected {wanted_accounts}")
    check(seeds and len(set(seeds)) == len(seeds), "no MFA seed, or two appliances hold the same one")


def scan(logs, secret_list):
    text = "".join(Path(log).read_text(encoding="utf-8", errors="replace") for log in logs)
    findings = harness.scan_for_secrets(text, secret_list)
    for kind, length, count, _line, masked in findings:
        print(f"fleet: a secret ({kind}, {length} characters) appears {count} time(s) in the output: {masked}", file=sys.stderr)
    check(not findings, f"{len(findings)} secret(s) in the output of the playbook runs")
    print(f"fleet: none of the {len(secret_list)} secrets appears in the output of {len(logs)} runs", flush=True)


class Scenario:
    """The working directory with the guide's inventory, the environment, the guide's commands and the logs so far."""

    def __init__(self, fleet, out):
        self.fleet, self.out, self.work, self.logs = fleet, out, out / "work", []
        shutil.rmtree(self.work, ignore_errors=True)
        (self.work / "home").mkdir(parents=True)
        blocks = fleet_lab.guide_blocks()
        self.secret_files = secret_vars()
        fleet_lab.write_inventory(self.work, fleet, self.secret_files, blocks)
        self.vault_password = secrets.token_urlsafe(24)
        harness.write_private(str(out / "vault-password"), self.vault_password + "\n")
        self.env = fleet_lab.playbook_env({"HOME": str(self.work / "home"), "ANSIBLE_VAULT_PASSWORD_FILE": str(out / "vault-password")})
        self.commands = fleet_lab.guide_commands(blocks)
        playbook = [command for command in self.commands if command.startswith("ansible-playbook ")]
        check(len(playbook) == 1, f"the guide should print one ansible-playbook command, not {playbook}")
        self.playbook = playbook[0]

    def run(self, command, name):
        self.logs.append(self.out / f"{name}.log")
        return fleet_lab.run_shell(command, self.work, self.logs[-1], self.env)

    def last_log(self):
        return self.logs[-1].read_text(encoding="utf-8", errors="replace")

    def prepare(self):
        """The guide's commands before the playbook (ansible-vault encrypt)."""
        for index, command in enumerate(c for c in self.commands if c != self.playbook):
            check(self.run(command, f"step{index}")[0] == 0, f"the guide's command failed: {command}")
        check(all(not path.read_text().startswith("---") for path in self.work.glob("inventory/**/vault.yml")), "a vault.yml is not encrypted")

    def secrets(self, fleet):
        extra = [{"kind": "vault password", "value": self.vault_password}]
        extra += [{"kind": key, "value": value} for values in self.secret_files.values() for key, value in values.items()]
        return extra + [entry for _simulator, ready in fleet for entry in harness.fetch_secrets(ready)]


def shared_secrets_place(scenario):
    """One directory, then one Vault path, for the MFA secrets of all appliances: every appliance refused, nothing written
    (the refusal comes before any request, so no Vault server is needed)."""
    appliances = [host for host in hosts() if host.startswith("vbgc-")]
    for name, extra in (("shared-secrets-dir", "-e gcp_users_secrets_dir=~/one-dir-for-all"),
                        ("shared-vault-path", "-e gcp_users_mfa_secret_destination=vault -e gcp_users_mfa_vault_path=veeam/all")):
        result = scenario.run(f"{scenario.playbook} --limit vbgc_appliances {extra}", name)
        expect_recap(result, name, failed_hosts=appliances, expected=appliances)
        place = "~/one-dir-for-all" if name == "shared-secrets-dir" else "secret/veeam/all"
        check("would store their new MFA secrets in the same place" in scenario.last_log(), f"{name}: no word on the shared place")
        check(place.lstrip("~") in scenario.last_log(), f"{name}: the refusal does not name the place {place}")
        expect_nothing_written(scenario.fleet, name)


def expect_conformant(members, phase):
    """No request broke its API's document (the harness prints each one that did)."""
    for _simulator, ready in members:
        check(not harness.report_nonconformant(ready), f"{phase}: requests that their API's document does not declare")


def onboard(scenario):
    expect_recap(scenario.run(scenario.playbook + " --check", "check"), "--check", changed=True)
    expect_nothing_written(scenario.fleet, "--check")
    expect_recap(scenario.run(scenario.playbook, "first"), "first run", changed=True)
    expect_onboarded(scenario.fleet, scenario.work, scenario.secret_files["inventory/group_vars/all/vault.yml"])
    for _simulator, ready in scenario.fleet:
        fleet_lab.control(ready, "DELETE", "journal")
    expect_recap(scenario.run(scenario.playbook, "rerun"), "rerun", changed=False)
    expect_nothing_written(scenario.fleet, "rerun")
    expect_conformant(scenario.fleet, "onboard")


def one_down(scenario):
    """Stop the second simulator (its secrets read first): only its two hosts fail, once each, on 'Connection refused'."""
    seen = scenario.secrets(scenario.fleet)
    scenario.fleet[1][0].stop()
    result = scenario.run(scenario.playbook, "site2-down")
    expect_recap(result, "site2 down", changed=False, failed_hosts=("vb365-site2", "vbgc-site2"))
    failures = [line for line in scenario.last_log().splitlines() if line.startswith("fatal: [")]
    check(len(failures) == 2 and all("Connection refused" in line for line in failures),
          f"site2 down: expected one failure on 'Connection refused' for each site2 host, found {failures}")
    rescued = {host: counts["rescued"] for host, counts in result[2].items() if counts["rescued"]}
    check(rescued == {}, f"site2 down: a role repeated its failure (rescued: {rescued})")
    return seen


def scenario_run(fleet, out):
    scenario = Scenario(fleet, out)
    scenario.prepare()
    shared_secrets_place(scenario)
    onboard(scenario)
    seen = one_down(scenario)
    scan(scenario.logs, seen + scenario.secrets([fleet[0], fleet[2]]))
    expect_conformant([fleet[0], fleet[2]], "site2 down")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="working directory (emptied first)")
    out = Path(parser.parse_args().out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    fleet = fleet_lab.start(len(fleet_lab.SITES))
    try:
        scenario_run(fleet, out)
    except (fleet_lab.FleetError, harness.HarnessError) as exc:
        print(f"fleet: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        fleet_lab.stop(fleet)
    print("fleet: one host per appliance: onboarded on all three, rerun unchanged, one appliance down failed only its hosts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
