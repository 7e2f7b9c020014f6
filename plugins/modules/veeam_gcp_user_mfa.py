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
  - O(secret_destination) says where a new secret (seed, C(otpauth://) URI, scratch codes) is kept. With V(directory)
    or V(vault) the secret is written there first, and only when that write has succeeded is the enrolment accepted;
    if it fails, MFA stays as it was and the task fails naming the destination and the reason. Those two destinations
    never return the secret in the task result.
author:
  - Veeam community collection maintainers (@veeam-community)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
  - veeam_community.backup.attributes
  - veeam_community.backup.vbgc
  - veeam_community.backup.vbgc.actiongroup
attributes:
  action:
    support: full
    details: An action plugin writes the secret to Vault (O(secret_destination=vault)) between the module's two steps.
  async:
    support: partial
    details: Not with O(secret_destination=vault), whose steps run one after the other in the action plugin.
  bypass_host_loop:
    support: none
  check_mode:
    details: Predicts the result without writing; no secret is issued, no file and nothing in Vault is written.
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
      - Only with O(secret_destination=result); the QR code is written before the enrolment is accepted.
    type: path
  secret_destination:
    description:
      - Where a newly issued secret is kept. The secret is written there before the enrolment is accepted.
      - V(result) returns it in the task result only (RV(secret_key), RV(qr_string), RV(scratch_codes)); putting
        C(no_log=true) on the task and keeping the secret safe is then the caller's duty.
      - V(directory) writes C(<name>.secret.txt) (secret key, C(otpauth://) URI, scratch codes) and C(<name>.png) (QR
        code) into O(secret_directory) on the host that runs the module, files mode C(0600).
      - V(vault) writes one HashiCorp Vault or OpenBao KV version 2 secret at O(vault_path) with the keys C(secret_key),
        C(otpauth_uri), C(scratch_codes) (list) and C(user), through M(community.hashi_vault.vault_kv2_write).
        Before a secret is issued, the Vault connection and token are checked (in check mode too).
      - With V(directory) and V(vault) the result holds no secret (only RV(enrollment_token) when O(verify=false)).
    type: str
    choices: [result, directory, vault]
    default: result
  secret_directory:
    description:
      - Directory for O(secret_destination=directory), created with mode C(0700) when it does not exist. An existing
        directory that other users can read is refused.
    type: path
  vault_path:
    description:
      - KV version 2 path of this user's secret, relative to O(vault_mount_point), for example C(veeam/vbgc/ops1).
      - Required with O(secret_destination=vault).
    type: str
  vault_mount_point:
    description:
      - Mount point of the KV version 2 secrets engine, for O(secret_destination=vault). Default C(secret).
    type: str
  vault_options:
    description:
      - Connection and authentication options of community.hashi_vault for O(secret_destination=vault), as its modules
        take them, for example C(url), C(auth_method), C(token), C(role_id), C(secret_id), C(ca_cert), C(namespace).
      - Empty, community.hashi_vault's own defaults apply, for example E(VAULT_ADDR) and E(VAULT_TOKEN). Never logged.
    type: dict
notes:
  - With O(secret_destination=result), the returned RV(secret_key), RV(qr_string), RV(scratch_codes) and
    RV(enrollment_token) are secrets. Use C(no_log=true) on the task and store them safely.
  - O(recreate=true) is not available with O(secret_destination=vault); disable MFA and enrol again instead.
requirements:
  - pyotp, to compute codes (O(verify=true) and O(auth_mfa_secret)); for O(secret_destination=vault) also on the controller
  - segno, to write O(qr_code_path) and O(secret_destination=directory)
  - community.hashi_vault and hvac, for O(secret_destination=vault)
seealso:
  - module: veeam_community.backup.veeam_gcp_user
  - module: veeam_community.backup.veeam_gcp_login
"""

EXAMPLES = r"""
- name: Enrol an automation account unattended; its secret goes to Vault (VAULT_ADDR, VAULT_TOKEN) first
  veeam_community.backup.veeam_gcp_user_mfa:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: automation
    secret_destination: vault
    vault_path: veeam/vbgc/automation

- name: Enrol a person; secret and QR code go to a private directory on the controller
  veeam_community.backup.veeam_gcp_user_mfa:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: ops2
    secret_destination: directory
    secret_directory: /root/vbgc-mfa
  delegate_to: localhost

- name: Enrol an automation account unattended and return its secret in the result
  veeam_community.backup.veeam_gcp_user_mfa:
    server: vbgc.example.com
    ca_path: /etc/pki/vbgc-ca.pem
    auth_username: admin
    auth_password: "{{ vbgc_admin_password }}"
    name: automation2
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
  returned: when a secret was issued and O(secret_destination=result)
  type: str
  sample: P6JV3GGODIMXHOUZ2OAXN3S2LQ
qr_string:
  description: C(otpauth://) URI of the secret, for an authenticator app. Sensitive.
  returned: when a secret was issued and O(secret_destination=result)
  type: str
  sample: otpauth://totp/ops1@vbgc?secret=P6JV3GGODIMXHOUZ2OAXN3S2LQ&issuer=vbgc
scratch_codes:
  description: One-time recovery codes. Sensitive.
  returned: when a secret was issued and O(secret_destination=result)
  type: list
  elements: str
  sample: ["12345678", "23456789", "34567890", "45678901", "56789012"]
enrollment_token:
  description: Token of the enrolment, for O(enrollment_token) when a person finishes it later. Sensitive.
  returned: when a secret was issued, with another O(secret_destination) than V(result) only when O(verify=false)
  type: str
  sample: NUY3QjE4QTQ...
"""

import os

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.veeam_community.backup.plugins.module_utils._http import MASK, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils._mfa_secrets import (
    DESTINATIONS,
    destination_problems,
    load_segno,
    secret_data,
    write_directory,
    write_qr_code,
)
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
    "secret_destination": {"type": "str", "default": "result", "choices": list(DESTINATIONS)},
    "secret_directory": {"type": "path"},
    "vault_path": {"type": "str"},
    "vault_mount_point": {"type": "str"},
    "vault_options": {"type": "dict", "no_log": True},
}
UNCONFIRMED = ("The new secret was issued but its confirmation failed, so the secret is not returned. If the user's MFA "
               "is enabled now, the appliance did confirm it: run the task again with recreate=true to get a secret you "
               "know. Otherwise run the task again.")
NOT_STORED = ("MFA secret issued, but writing it to %s failed: %s. The enrolment was not accepted, so MFA of %s is as "
              "it was; fix that and run the task again.")
ENROLMENT_OPTIONS = ("recreate", "code", "enrollment_token", "qr_code_path", "secret_directory", "vault_path",
                     "vault_options")


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
    destination = params["secret_destination"]
    if destination == "vault":
        yield ("secret_destination=vault is written by this module's action plugin, which did not run: call the module "
               "as a task (not through a wrapper that bypasses action plugins).")
    if not params["code"]:
        yield from destination_problems(params)
    if params["qr_code_path"]:
        yield check_qr_code_path(params["qr_code_path"])
    if params["verify"] and not params["code"]:
        yield require_pyotp("verify=true (computing the code of the new secret)")


def check_qr_code_path(path):
    if load_segno() is None:
        return "qr_code_path needs segno. %s" % missing_required_lib("segno")
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory) or not os.access(directory, os.W_OK):
        return "qr_code_path=%s: the directory %s does not exist or is not writable." % (path, directory)
    return None


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
    if enabled:
        module.warn("MFA of %s is already enabled, so the code was not used: the enrolment it belongs to was finished "
                    "before, or replaced. Nothing changed." % params["name"])
    elif not module.check_mode:
        client.mfa_accept(params["name"], params["code"], params["enrollment_token"])
    return report(module, not enabled, enabled, True)


def enable(module, client, enabled):
    params = module.params
    if enabled and not params["recreate"]:
        return report(module, False, enabled, enabled)
    if module.check_mode:
        return report(module, True, enabled, enabled or params["verify"])
    enrolment = client.mfa_enable(params["name"], recreate=enabled)
    store(module, enrolment)
    if params["verify"]:
        try:
            client.mfa_accept(params["name"], totp_now(enrolment["secretKey"], "the issued secretKey"), enrolment["token"])
        except VeeamApiError as exc:
            exc.message = "%s. %s" % (exc.message.rstrip("."), UNCONFIRMED)
            raise
    now_enabled = enabled or params["verify"]
    destination = params["secret_destination"]
    if destination != "result":
        token = {} if params["verify"] else {"enrollment_token": enrolment["token"]}
        return report(module, True, enabled, now_enabled, **token)
    return report(module, True, enabled, now_enabled, secret_key=enrolment["secretKey"],
                  qr_string=enrolment["qrString"], scratch_codes=enrolment.get("scratchCodes") or [],
                  enrollment_token=enrolment["token"])


def store(module, enrolment):
    """Keep the issued secret where it was asked for, before the enrolment is accepted."""
    params = module.params
    to_directory = params["secret_destination"] in ("directory",)
    try:
        if to_directory:
            write_directory(params["secret_directory"], secret_data(params["name"], enrolment))
        elif params["qr_code_path"]:
            write_qr_code(params["qr_code_path"], enrolment["qrString"])
    except OSError as exc:
        target = ("secret_destination=directory (secret_directory=%s)" % params["secret_directory"]
                  if to_directory else "qr_code_path=%s" % params["qr_code_path"])
        module.fail_json(msg=NOT_STORED % (target, exc.strerror or exc, params["name"]))


def main():
    module = new_module(VBGCClient, ARGUMENT_SPEC, required_together=[("code", "enrollment_token")])
    error = validate(module.params)
    if error:
        module.fail_json(msg=error)
    run(module, VBGCClient, lambda client: ensure(module, client))


if __name__ == "__main__":
    main()
