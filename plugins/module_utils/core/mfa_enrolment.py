# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The MFA enrolment of one user, behind each appliance's user MFA module (its API client holds the product's calls and
facts: its product name heads the secret file): issue a secret, keep it where the task asks (mfa_secrets.py), confirm
it, or finish a pending enrolment, or switch MFA off.

validate() checks the options before any request; Enrolment(...).ensure() does the work and returns the module
result. Problems are raised (InputError, VeeamApiError), never fail_json.
"""

from __future__ import annotations

import itertools
import os

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, MissingLibraryError, VeeamApiError, VeeamError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK, SecretInResult
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mfa_secrets import (
    DESTINATIONS,
    destination_problems,
    load_segno,
    SeedFiles,
    secret_data,
    write_qr_code,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.core.result import module_result
from ansible_collections.veeam_community.backup.plugins.module_utils.core.totp import missing_pyotp, totp_now

ARGUMENT_SPEC = {
    "name": {"type": "str", "required": True},
    "state": {"type": "str", "default": "enabled", "choices": ["enabled", "disabled"]},
    "recreate": {"type": "bool", "default": False},
    "verify": {"type": "bool", "default": True},
    "code": {"type": "str", "no_log": True},
    "enrollment_token": {"type": "str", "no_log": True},
    "qr_code_path": {"type": "path"},
    "secret_destination": {"type": "str", "default": "result", "choices": list(DESTINATIONS)},
    "secret_directory": {"type": "path"},
    "vault_path": {"type": "str"},
    "vault_mount_point": {"type": "str"},
    "vault_options": {"type": "dict", "no_log": True},
}
UNCONFIRMED = ("The new secret was issued but its confirmation failed, so the secret is not returned. If the user's MFA "
               "is enabled now, the appliance did confirm it: run the task again with recreate=true to get a secret you "
               "know. Otherwise run the task again.")
# After a failed confirmation with secret_destination=directory: what is on disk, and what a rerun does.
UNCONFIRMED_FIRST = ("The new secret was issued and is in %s, but its confirmation failed. If MFA of %s is enabled now, "
                     "the appliance did accept it and these files hold the secret in use: keep them. Otherwise the "
                     "enrolment is pending: run the task again, which issues a new secret and replaces the files.")
UNCONFIRMED_RECREATE = ("The new secret was issued and is in %s, but its confirmation failed, so the files of the "
                        "previous secret, %s, were kept. The secret in use is the previous one, unless the appliance "
                        "did accept the new one. Run the task again with recreate=true: once a new secret is accepted, "
                        "its files replace these, and the staged files of failed runs are removed.")
NOT_SWAPPED = ("MFA of %s now uses the new secret, which was in %s, but moving it over %s failed: %s. A file that "
               "still ends in .new-<time>-<pid> holds the secret in use: rename it by hand (drop that ending).")
NOT_STORED = ("MFA secret issued, but writing it to %s failed: %s. The enrolment was not accepted, so MFA of %s is as "
              "it was; fix that and run the task again.")
ENROLMENT_OPTIONS = ("recreate", "code", "enrollment_token", "qr_code_path", "secret_directory", "vault_path",
                     "vault_options")


def secret_in_result(params):
    """The secret the result of a run with these options may hold (SecretInResult), or None: for the no_log rule.
    Decided from the options alone, before any request, so also when MFA turns out to be enabled already."""
    if params["state"] != "enabled" or params["code"]:
        return None
    destination = params["secret_destination"]
    if destination == "result":
        return SecretInResult("the new MFA secret (secret_key, qr_string, scratch_codes, enrollment_token) whenever one "
                              "is issued", "Or set secret_destination=directory or vault, which keep the secret out "
                              "of the result.")
    if not params["verify"]:
        return SecretInResult("the enrollment_token of the pending enrolment (verify=false)")
    return None


def validate(params, name_problem):
    """The first problem with the options that needs no request (a message or a MissingLibraryError), or None.

    name_problem(name) is the product's user name rule: a message, or None."""
    problems = itertools.chain([name_problem(params["name"])], _state_problems(params))
    return next((problem for problem in problems if problem), None)


def _state_problems(params):
    if params["state"] == "disabled":
        given = [option for option in ENROLMENT_OPTIONS if params[option]]
        yield "%s only apply to state=enabled." % ", ".join(given) if given else None
    else:
        yield from _enrolment_problems(params)


def _enrolment_problems(params):
    if params["code"] and params["recreate"]:
        yield "code finishes an enrolment and recreate starts a new one: give only one of them."
    if params["recreate"] and not params["verify"]:
        yield ("recreate=true needs verify=true: the old secret stays active until the new one is verified, and a code "
               "for a user whose MFA is enabled is ignored. To give a person a new secret, disable MFA and enrol again.")
    destination = params["secret_destination"]
    if destination == "vault":
        yield ("secret_destination=vault is written by this module's action plugin, which did not run: call the module "
               "as a task (not through a wrapper that bypasses action plugins).")
    if not params["code"]:
        yield from destination_problems(params)
    if params["qr_code_path"]:
        yield _qr_code_path_problem(params["qr_code_path"])
    if params["verify"] and not params["code"]:
        yield missing_pyotp("verify=true (computing the code of the new secret)")


def _qr_code_path_problem(path):
    if load_segno() is None:
        return MissingLibraryError("segno", "qr_code_path")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
        return "qr_code_path=%s: the directory %s does not exist or is not writable." % (path, directory)
    return None


class Enrolment:
    """One run of an MFA module: params are the module's, warn its warning function; client offers get_user(name),
    mfa_enable(name, recreate), mfa_accept(name, code, token), mfa_disable(name) and names its user_module."""

    def __init__(self, client, params, check_mode, diff_mode, warn):
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.diff_mode = diff_mode
        self.warn = warn
        to_directory = params["secret_destination"] in ("directory",)
        self.files = SeedFiles(params["secret_directory"], params["name"]) if to_directory else None

    def ensure(self):
        name = self.params["name"]
        user = self.client.get_user(name)
        if user is None:
            raise InputError("name=%s: the user does not exist; create it with veeam_community.backup.%s first."
                             % (name, self.client.user_module))
        enabled = bool(user.get("mfaEnabled"))
        if self.params["state"] == "disabled":
            return self._disable(enabled)
        if self.params["code"]:
            return self._finish(enabled)
        return self._enable(enabled)

    def _report(self, changed, enabled, now_enabled, **secrets):
        before = {"name": self.params["name"], "mfaEnabled": enabled}
        after = dict(before, mfaEnabled=now_enabled)
        if changed and self.params["state"] == "enabled" and not self.params["code"]:
            after["secretKey"] = MASK
        return module_result(changed, self.diff_mode, before, after, mfa_enabled=now_enabled, **secrets)

    def _disable(self, enabled):
        if enabled and not self.check_mode:
            self.client.mfa_disable(self.params["name"])
        return self._report(enabled, enabled, False)

    def _finish(self, enabled):
        params = self.params
        if enabled:
            self.warn("MFA of %s is already enabled, so the code was not used: the enrolment it belongs to was finished "
                      "before, or replaced. Nothing changed." % params["name"])
        elif not self.check_mode:
            self.client.mfa_accept(params["name"], params["code"], params["enrollment_token"])
        return self._report(not enabled, enabled, True)

    def _enable(self, enabled):
        params = self.params
        if enabled and not params["recreate"]:
            return self._report(False, enabled, enabled)
        if self.check_mode:
            return self._report(True, enabled, enabled or params["verify"])
        enrolment = self.client.mfa_enable(params["name"], recreate=enabled)
        self._store(enrolment)
        if params["verify"]:
            self._confirm(enrolment, enabled)
        self._swap_in()
        now_enabled = enabled or params["verify"]
        destination = params["secret_destination"]
        if destination != "result":
            token = {} if params["verify"] else {"enrollment_token": enrolment["token"]}
            return self._report(True, enabled, now_enabled, **token)
        return self._report(True, enabled, now_enabled, secret_key=enrolment["secretKey"],
                            qr_string=enrolment["qrString"], scratch_codes=enrolment.get("scratchCodes") or [],
                            enrollment_token=enrolment["token"])

    def _confirm(self, enrolment, enabled):
        try:
            code = totp_now(enrolment["secretKey"], "the issued secretKey")
            self.client.mfa_accept(self.params["name"], code, enrolment["token"])
        except VeeamError as exc:
            raise exc.reworded("%s. %s" % (exc.message.rstrip("."), self._unconfirmed(enabled))) from None

    def _unconfirmed(self, enabled):
        """What is on disk after a failed confirmation, and what to do. Without a secret in use before (a first
        enrolment), the staged files take the place of the others: they may hold the secret in use now."""
        if not self.files:
            return UNCONFIRMED
        new_files, old_files = " and ".join(self.files.staged), " and ".join(self.files.final)
        if enabled:
            return UNCONFIRMED_RECREATE % (new_files, old_files)
        try:
            self.files.swap_in()
            self.files.remove_obsolete()  # MFA was off: no secret staged before is in use (best effort)
        except OSError:
            return UNCONFIRMED_FIRST % (new_files, self.params["name"])
        return UNCONFIRMED_FIRST % (old_files, self.params["name"])

    def _swap_in(self):
        """After the enrolment is accepted (or left pending on purpose): the staged files replace the previous ones."""
        if not self.files:
            return
        try:
            self.files.swap_in()
        except OSError as exc:
            raise VeeamApiError(NOT_SWAPPED % (self.params["name"], " and ".join(self.files.staged),
                                               " and ".join(self.files.final), exc.strerror or exc)) from None
        left = self.files.remove_obsolete()
        if left:
            self.warn("These files hold secrets of failed runs that are no longer in use, and could not be removed: "
                      "%s. Delete them." % ", ".join(left))

    def _store(self, enrolment):
        """Keep the issued secret where it was asked for, before the enrolment is accepted; a directory gets it beside
        the files of the secret in use, which are replaced only once the new one is accepted (_swap_in)."""
        params = self.params
        try:
            if self.files:
                self.files.stage(secret_data(params["name"], enrolment), self.client.product)
            elif params["qr_code_path"]:
                write_qr_code(params["qr_code_path"], enrolment["qrString"])
        except OSError as exc:
            target = ("secret_destination=directory (secret_directory=%s)" % params["secret_directory"]
                      if self.files else "qr_code_path=%s" % params["qr_code_path"])
            raise VeeamApiError(NOT_STORED % (target, exc.strerror or exc, params["name"])) from None
