#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_gcp_user_mfa
short_description: Enable or disable multi-factor authentication of a Veeam Backup for Google Cloud user
version_added: 0.1.0
description:
  - Enables or disables multi-factor authentication (MFA, TOTP) of one user account of a Veeam Backup for Google Cloud (VBGC) appliance.
  - Enabling issues a secret. By default (O(verify=true)) the module computes the current code from it and finishes the
    enrolment itself, so an automation account can log in with O(auth_mfa_secret) right away.
  - For a person, O(verify=false) issues the secret (optionally as a QR code in O(qr_code_path)) and leaves the enrolment
    pending; a later run with O(code) from their authenticator and O(enrollment_token) finishes it.
  - Idempotent on whether MFA is enabled; a secret is issued only when MFA is off or O(recreate=true).
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vbgc
  - veeam_community.backup.vbgc.actiongroup
attributes:
  check_mode:
    details: Predicts the result without writing; no secret is issued and no QR code written.
    support: full
  diff_mode:
    details: Shows whether MFA is enabled before and after, and a masked C(secretKey) when a secret is issued.
    support: full
options:
  name:
    description:
      - Name of the user account, which must exist (see M(veeam_community.backup.veeam_gcp_user)).
    type: str
    required: true
  state:
    description:
      - V(enabled) enables MFA (or finishes an enrolment with O(code)), V(disabled) disables it.
    type: str
    choices: [enabled, disabled]
    default: enabled
  recreate:
    description:
      - Issue a new secret even when MFA is already enabled (rotation). Reports a change on every run.
      - Needs O(verify=true); to rotate the secret of a person, disable MFA and enrol again.
    type: bool
    default: false
  verify:
    description:
      - Compute the current code of the new secret (SHA1, 6 digits, 30 seconds) and finish the enrolment at once.
      - With V(false) the enrolment stays pending (RV(mfa_enabled=false)) until a run with O(code) and O(enrollment_token).
        Running the task again while it is pending issues a new secret that replaces the pending one.
    type: bool
    default: true
  code:
    description:
      - Six-digit code from the authenticator of the person who scanned the secret; finishes a pending enrolment.
      - Needs O(enrollment_token). Ignored when MFA is already enabled. Never logged.
    type: str
  enrollment_token:
    description:
      - The RV(enrollment_token) returned by the run that issued the secret. Never logged.
    type: str
  qr_code_path:
    description:
      - When a secret is issued, write its C(otpauth://) URI as a QR code PNG to this file on the host that runs the
        module, created with mode C(0600). Its directory must exist.
      - The file holds the secret; remove it once the person has scanned it.
    type: path
notes:
  - The returned RV(secret_key), RV(qr_string), RV(scratch_codes) and RV(enrollment_token) are secrets. Use C(no_log=true)
    on the task and store them in a vault.
requirements:
  - pyotp, to compute codes (O(verify=true) and O(auth_mfa_secret))
  - segno, to write O(qr_code_path)
seealso:
  - module: veeam_community.backup.veeam_gcp_user
  - module: veeam_community.backup.veeam_gcp_login
"""

EXAMPLES = r"""
- name: Enrol an automation account unattended and keep its secret
  veeam_community.backup.veeam_gcp_user_mfa:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: automation
  register: vbgc_automation_mfa
  no_log: true

- name: Issue a secret for a person as a QR code, enrolment left pending
  veeam_community.backup.veeam_gcp_user_mfa:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: ops1
    verify: false
    qr_code_path: /root/ops1-mfa.png
  register: vbgc_ops1_mfa
  no_log: true

- name: Finish the enrolment with the code the person reads from the authenticator
  veeam_community.backup.veeam_gcp_user_mfa:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: ops1
    code: "{{ ops1_authenticator_code }}"
    enrollment_token: "{{ vbgc_ops1_mfa.enrollment_token }}"
  no_log: true

- name: Turn MFA off
  veeam_community.backup.veeam_gcp_user_mfa:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: ops1
    state: disabled
"""

RETURN = r"""
mfa_enabled:
  description:
    - Whether MFA is enabled after the run (in check mode, would be). V(false) while an enrolment with O(verify=false) is pending.
  returned: always
  type: bool
  sample: true
secret_key:
  description: Base32 TOTP secret that was issued. Sensitive.
  returned: when a secret was issued
  type: str
  sample: P6JV3GGODIMXHOUZ2OAXN3S2LQ
qr_string:
  description: C(otpauth://) URI of the secret, for an authenticator app. Sensitive.
  returned: when a secret was issued
  type: str
  sample: otpauth://totp/ops1@vbgc?secret=P6JV3GGODIMXHOUZ2OAXN3S2LQ&issuer=vbgc
scratch_codes:
  description: One-time recovery codes. Sensitive.
  returned: when a secret was issued
  type: list
  elements: str
  sample: ["12345678", "23456789", "34567890", "45678901", "56789012"]
enrollment_token:
  description: Token of the enrolment, for O(enrollment_token) when a person finishes it later. Sensitive.
  returned: when a secret was issued
  type: str
  sample: NUY3QjE4QTQ...
"""

import importlib
import os

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.veeam_community.backup.plugins.module_utils._http import MASK, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils._module import new_module, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc import (
    VBGCClient,
    check_user_name,
    require_pyotp,
    result_with_diff,
    totp_now,
)

ARGUMENT_SPEC = {
    "name": {"type": "str", "required": True},
    "state": {"type": "str", "default": "enabled", "choices": ["enabled", "disabled"]},
    "recreate": {"type": "bool", "default": False},
    "verify": {"type": "bool", "default": True},
    "code": {"type": "str", "no_log": True},
    "enrollment_token": {"type": "str", "no_log": True},
    "qr_code_path": {"type": "path"},
}
UNCONFIRMED = ("The new secret was issued but its confirmation failed, so the secret is not returned. If the user's MFA "
               "is enabled now, the appliance did confirm it: run the task again with recreate=true to get a secret you "
               "know. Otherwise run the task again.")
ENROLMENT_OPTIONS = ("recreate", "code", "enrollment_token", "qr_code_path")


def validate(params):
    """The first problem with the options that needs no request, or None."""
    problems = [check_user_name(params["name"])]
    if params["state"] == "disabled":
        given = [option for option in ENROLMENT_OPTIONS if params[option]]
        problems.append("%s only apply to state=enabled." % ", ".join(given) if given else None)
    else:
        problems.extend(enrolment_problems(params))
    return next((problem for problem in problems if problem), None)


def enrolment_problems(params):
    if params["code"] and params["recreate"]:
        yield "code finishes an enrolment and recreate starts a new one: give only one of them."
    if params["recreate"] and not params["verify"]:
        yield ("recreate=true needs verify=true: the old secret stays active until the new one is verified, and a code "
               "for a user whose MFA is enabled is ignored. To give a person a new secret, disable MFA and enrol again.")
    if params["qr_code_path"]:
        yield check_qr_code_path(params["qr_code_path"])
    if params["verify"] and not params["code"]:
        yield require_pyotp("verify=true (computing the code of the new secret)")


def load_segno():
    """segno, or None when it is not installed. Imported only when a QR code is asked for: it costs ~25 ms per task."""
    try:
        return importlib.import_module("segno")
    except ImportError:
        return None


def check_qr_code_path(path):
    if load_segno() is None:
        return "qr_code_path needs segno. %s" % missing_required_lib("segno")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
        return "qr_code_path=%s: the directory %s does not exist or is not writable." % (path, directory)
    return None


def write_qr_code(path, uri):
    """Write the QR code PNG through a temporary file that is 0600 from its creation, then move it in place."""
    temp = "%s.%d.tmp" % (path, os.getpid())
    handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(handle, "wb") as png:
            load_segno().make(uri, error="m").save(png, kind="png", scale=6)
        os.replace(temp, path)
    finally:
        if os.path.exists(temp):
            os.remove(temp)


def ensure(module, client):
    params = module.params
    user = client.get_user(params["name"])
    if user is None:
        module.fail_json(msg="name=%s: the user does not exist; create it with veeam_community.backup.veeam_gcp_user first."
                             % params["name"])
    enabled = bool(user.get("mfaEnabled"))
    if params["state"] == "disabled":
        return disable(module, client, enabled)
    if params["code"]:
        return finish(module, client, enabled)
    return enable(module, client, enabled)


def report(module, changed, enabled, now_enabled, **secrets):
    before = {"name": module.params["name"], "mfaEnabled": enabled}
    after = dict(before, mfaEnabled=now_enabled)
    if changed and module.params["state"] == "enabled" and not module.params["code"]:
        after["secretKey"] = MASK
    return result_with_diff(module._diff, changed, before, after, mfa_enabled=now_enabled, **secrets)


def disable(module, client, enabled):
    if enabled and not module.check_mode:
        client.mfa_disable(module.params["name"])
    return report(module, enabled, enabled, False)


def finish(module, client, enabled):
    params = module.params
    if not enabled and not module.check_mode:
        client.mfa_accept(params["name"], params["code"], params["enrollment_token"])
    return report(module, not enabled, enabled, True)


def enable(module, client, enabled):
    params = module.params
    if enabled and not params["recreate"]:
        return report(module, False, enabled, enabled)
    if module.check_mode:
        return report(module, True, enabled, enabled or params["verify"])
    enrolment = client.mfa_enable(params["name"], recreate=enabled)
    if params["verify"]:
        try:
            client.mfa_accept(params["name"], totp_now(enrolment["secretKey"], "the issued secretKey"), enrolment["token"])
        except VeeamApiError as exc:
            exc.message = "%s. %s" % (exc.message.rstrip("."), UNCONFIRMED)
            raise
    if params["qr_code_path"]:
        try:
            write_qr_code(params["qr_code_path"], enrolment["qrString"])
        except OSError as exc:
            module.fail_json(msg="MFA secret issued, but writing qr_code_path=%s failed: %s. Run again with recreate=true "
                                 "or disable and enable MFA to get a new secret." % (params["qr_code_path"], exc.strerror))
    return report(module, True, enabled, enabled or params["verify"], secret_key=enrolment["secretKey"],
                  qr_string=enrolment["qrString"], scratch_codes=enrolment.get("scratchCodes") or [],
                  enrollment_token=enrolment["token"])


def main():
    module = new_module(VBGCClient, ARGUMENT_SPEC, required_together=[("code", "enrollment_token")])
    error = validate(module.params)
    if error:
        module.fail_json(msg=error)
    run(module, VBGCClient, lambda client: ensure(module, client))


if __name__ == "__main__":
    main()
