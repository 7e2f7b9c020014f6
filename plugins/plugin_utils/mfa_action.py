# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The action plugin of every appliance's user MFA module (each product's plugin names its facts in a subclass): keeps a
new secret in Vault / OpenBao before the enrolment is accepted.

The module does the enrolment; for secret_destination=vault the plugin runs it in its two steps (issue the secret
with the enrolment left pending, then finish it with the current code) and writes the secret in between with
community.hashi_vault.vault_kv2_write, so that no Vault client lives in this collection. Every other call goes
to the module unchanged.
"""

from __future__ import annotations

import itertools
import os

from ansible.errors import AnsibleError
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import VeeamError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK, unlogged_secret_problem
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mfa_secrets import (
    VAULT_OPTIONS,
    destination_problems,
    secret_data,
    vault_problems,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.core.totp import totp_now
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mfa_enrolment import secret_in_result

KV2_WRITE = "community.hashi_vault.vault_kv2_write"
# What an AWX Vault credential injects for an AppRole login: AWX refuses to inject the ANSIBLE_HASHI_VAULT_* variables
# community.hashi_vault reads (it reads VAULT_ADDR, VAULT_TOKEN, VAULT_NAMESPACE and VAULT_CACERT itself).
APPROLE_ENV = ("VEEAM_VAULT_ROLE_ID", "VEEAM_VAULT_SECRET_ID")
DESTINATION = "secret_destination"
NOT_STORED = ("MFA secret issued, but writing it to secret_destination=vault (%s) failed: %s. The enrolment was not "
              "accepted, so MFA of %s is as it was; fix that and run the task again.")
NO_VAULT = ("secret_destination=vault: Vault is not usable for %s: %s. No secret was issued; MFA of %s is as it was. "
            "Check vault_options (url, token or auth_method) or VAULT_ADDR and VAULT_TOKEN (or VEEAM_VAULT_ROLE_ID and "
            "VEEAM_VAULT_SECRET_ID for an AppRole login).")
NOT_ACCEPTED = ("The new secret is in Vault (%s), but finishing the enrolment failed: %s. If MFA of %s is enabled now, "
                "the appliance did accept it and the secret in Vault is the active one; otherwise run the task again "
                "(it issues and stores a new secret).")


class UserMfaAction(ActionBase):
    """The base of a product's ActionModule, which sets vault_path_example: a vault_path for the messages."""

    _supports_check_mode = True
    _supports_async = True
    vault_path_example = None

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = dict(self._task.args)
        if args.get("secret_destination") != "vault" or args.get("state", "enabled") != "enabled":
            wrap_async = self._task.async_val
            result.update(self._execute_module(task_vars=task_vars, wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        if self._task.async_val:
            result.update(failed=True, msg="secret_destination=vault runs several steps and cannot run with async: "
                                           "remove async and poll from the task.")
            return result
        try:
            result.update(VaultEnrolment(self, args, task_vars).run())
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def run_module(self, name, args, task_vars, check_mode=None):
        """Run a module with args; check_mode True/False overrides the task's for this call only. Always no_log: the
        steps' results hold the secret and stay inside this plugin, whose own result holds none (unless checked)."""
        saved, saved_no_log = self._task.check_mode, self._task.no_log
        self._task.no_log = True
        if check_mode is not None:
            self._task.check_mode = check_mode
        try:
            return self._execute_module(module_name=name, module_args=args, task_vars=task_vars)
        except AnsibleError as exc:
            needs = "the collection community.hashi_vault (and the Python library hvac) is needed: " if name else ""
            return {"failed": True, "msg": needs + str(exc)}
        finally:
            self._task.check_mode, self._task.no_log = saved, saved_no_log


class VaultEnrolment:
    """One enrolment whose secret goes to a KV v2 secret: check Vault, issue, write, accept."""

    def __init__(self, action, args, task_vars):
        self.action, self.task_vars = action, task_vars
        self.name = args.get("name")
        self.verify = boolean(args.get("verify", True), strict=False)
        self.vault = {key: args.pop(key, None) for key in VAULT_OPTIONS}
        self.vault["vault_mount_point"] = self.vault["vault_mount_point"] or "secret"
        self.module_args = dict(args, **{DESTINATION: "result"})
        self.where = "vault_path=%s, vault_mount_point=%s" % (self.vault["vault_path"],
                                                              self.vault["vault_mount_point"])
        self.warnings = []

    def run(self):
        options = dict(self.module_args, **{DESTINATION: "vault"}, **self.vault)
        problems = itertools.chain(destination_problems(options), vault_problems(options, self.action.vault_path_example))
        problem = next(problems, None)
        if not problem and not isinstance(self.vault["vault_options"] or {}, dict):
            problem = "vault_options must be a dict of community.hashi_vault connection options."
        if not problem:
            secret = secret_in_result({"state": "enabled", "code": None, DESTINATION: "vault", "verify": self.verify})
            problem = unlogged_secret_problem(self.action._task.no_log, secret)
        if problem:
            return {"failed": True, "msg": problem}
        probe = self.module(check_mode=True, verify=False)
        if probe.get("failed") or not probe.get("changed"):
            return self.finish(probe)
        checked = self.write({"user": self.name}, check_mode=True)
        if checked.get("failed"):
            return self.finish({"failed": True, "msg": NO_VAULT % (self.where, reason(checked), self.name)})
        if self.action._task.check_mode:
            return self.finish(probe, mfa_enabled=self.verify)
        return self.enrol()

    def enrol(self):
        issued = self.module(verify=False)
        if issued.get("failed") or not issued.get("changed"):
            return self.finish(issued)
        enrolment = {"secretKey": issued["secret_key"], "qrString": issued["qr_string"],
                     "scratchCodes": issued.get("scratch_codes")}
        written = self.write(secret_data(self.name, enrolment), check_mode=False)
        if written.get("failed"):
            return self.finish({"failed": True, "msg": NOT_STORED % (self.where, reason(written), self.name)})
        if not self.verify:
            return self.finish(issued, mfa_enabled=False, enrollment_token=issued["enrollment_token"])
        return self.accept(issued)

    def accept(self, issued):
        try:
            code = totp_now(issued["secret_key"], "the issued secretKey")
        except VeeamError as exc:
            return self.finish({"failed": True, "msg": NOT_ACCEPTED % (self.where, exc.message, self.name)})
        accepted = self.module(code=code, enrollment_token=issued["enrollment_token"])
        if accepted.get("failed"):
            return self.finish({"failed": True, "msg": NOT_ACCEPTED % (self.where, reason(accepted), self.name)})
        return self.finish(issued, mfa_enabled=True)

    def module(self, check_mode=None, **options):
        outcome = self.action.run_module(None, dict(self.module_args, **options), self.task_vars, check_mode)
        self.warnings.extend(outcome.get("warnings") or [])
        return outcome

    def write(self, data, check_mode):
        args = dict(login_options(self.vault["vault_options"], os.environ), data=data,
                    engine_mount_point=self.vault["vault_mount_point"], path=self.vault["vault_path"])
        if args.get("auth_method", "token") == "token":
            args.setdefault("token_validate", True)
        outcome = self.action.run_module(KV2_WRITE, args, self.task_vars, check_mode=check_mode)
        self.warnings.extend(outcome.get("warnings") or [])
        if outcome.get("msg"):
            outcome["msg"] = shown_path(str(outcome["msg"]), self.vault["vault_path"], self.name, data)
        return outcome

    def finish(self, outcome, **overrides):
        """The task result: never a secret; the diff and the options as the caller gave them."""
        keep = ("failed", "msg", "changed", "mfa_enabled", "diff", "invocation")
        result = {key: outcome[key] for key in keep if key in outcome}
        result.update(overrides)
        if "diff" in result and "mfa_enabled" in result:
            result["diff"] = dict(result["diff"], after=dict(result["diff"].get("after") or {},
                                                             mfaEnabled=result["mfa_enabled"]))
        if "invocation" in result:
            given = dict(result["invocation"].get("module_args") or {}, verify=self.verify, **{DESTINATION: "vault"},
                         vault_path=self.vault["vault_path"], vault_mount_point=self.vault["vault_mount_point"],
                         vault_options=MASK if self.vault["vault_options"] else {})
            given.pop("code", None)
            result["invocation"] = {"module_args": given}
        if self.warnings:
            result["warnings"] = self.warnings
        return result


def reason(outcome):
    """Why a module run failed, in one line: its message, else its exception's (ansible-core 2.19+ hands an unhandled
    exception over as an ErrorSummary), else the last line of its traceback."""
    message = str(outcome.get("msg") or "")
    if message and not message.startswith("MODULE FAILURE"):
        return message.rstrip(".")
    exception = outcome.get("exception")
    event = getattr(exception, "event", None)
    if getattr(event, "msg", None):
        return event.msg.rstrip(".")
    detail = outcome.get("module_stderr") or exception or ""
    lines = [line.strip() for line in str(detail).splitlines() if line.strip()]
    return (lines[-1] if lines else message or "failed without a message").rstrip(".")


def login_options(options, environ):
    """vault_options; when they name no way to log in and the environment holds an AppRole (VEEAM_VAULT_ROLE_ID), that
    AppRole login."""
    options = dict(options or {})
    role_id, secret_id = (environ.get(name) for name in APPROLE_ENV)
    if options.get("auth_method") or options.get("token") or not role_id:
        return options
    return dict(options, auth_method="approle", role_id=role_id, secret_id=secret_id or None)


def shown_path(message, path, name, data):
    """message with the Vault path shown as given. The module masks every value of its no_log data in its output, so
    the user name (data's "user") shows as ******** in the path; a user name is no secret. Left masked when a secret
    of data is part of the path: showing the path would show it."""
    secrets = [str(item) for key, value in data.items() if key != "user"
               for item in (value if isinstance(value, list) else [value]) if item]
    if not path or not name or any(secret in path for secret in secrets):
        return message
    return message.replace(path.replace(name, MASK), path)
