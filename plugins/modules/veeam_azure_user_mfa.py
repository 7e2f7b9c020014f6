#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_azure_user_mfa
short_description: Enable or disable multi-factor authentication of a Veeam Backup for Microsoft Azure user
version_added: 0.2.0
description:
  - Enables or disables multi-factor authentication (MFA, TOTP) of one user account of a Veeam Backup for Microsoft Azure (VBAzure) appliance.
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
  - veeam_community.backup.vbazure
  - veeam_community.backup.vbazure.actiongroup
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
      - Name of the user account, which must exist (see M(veeam_community.backup.veeam_azure_user)).
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
      - KV version 2 path of this user's secret, relative to O(vault_mount_point), for example C(veeam/vbazure/ops1).
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
  - module: veeam_community.backup.veeam_azure_user
  - module: veeam_community.backup.veeam_azure_login
"""

EXAMPLES = r"""
- name: Enrol an automation account unattended; its secret goes to Vault (VAULT_ADDR, VAULT_TOKEN) first
  veeam_community.backup.veeam_azure_user_mfa:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
    name: automation
    secret_destination: vault
    vault_path: veeam/vbazure/automation

- name: Enrol a person; secret and QR code go to a private directory on the controller
  veeam_community.backup.veeam_azure_user_mfa:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
    name: ops2
    secret_destination: directory
    secret_directory: /root/vbazure-mfa
  delegate_to: localhost

- name: Enrol an automation account unattended and return its secret in the result
  veeam_community.backup.veeam_azure_user_mfa:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
    name: automation2
  register: vbazure_automation_mfa
  no_log: true

- name: Issue a secret for a person as a QR code, enrolment left pending
  veeam_community.backup.veeam_azure_user_mfa:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
    name: ops1
    verify: false
    qr_code_path: /root/ops1-mfa.png
  register: vbazure_ops1_mfa
  no_log: true

- name: Finish the enrolment with the code the person reads from the authenticator
  veeam_community.backup.veeam_azure_user_mfa:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
    name: ops1
    code: "{{ ops1_authenticator_code }}"
    enrollment_token: "{{ vbazure_ops1_mfa.enrollment_token }}"
  no_log: true

- name: Turn MFA off
  veeam_community.backup.veeam_azure_user_mfa:
    server: vbazure.example.com
    ca_path: /etc/pki/vbazure-ca.pem
    auth_username: admin
    auth_password: "{{ vbazure_admin_password }}"
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
  sample: otpauth://totp/ops1%40vbazure?secret=P6JV3GGODIMXHOUZ2OAXN3S2LQ&issuer=vbazure
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

from ansible_collections.veeam_community.backup.plugins.module_utils._connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils._runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.mfa_enrolment import ARGUMENT_SPEC, Enrolment, validate
from ansible_collections.veeam_community.backup.plugins.module_utils.vbazure import VBAzureClient, check_user_name


def main():
    module = new_module(VBAzureClient, ARGUMENT_SPEC, required_together=[("code", "enrollment_token")])
    check_input(module, validate(module.params, check_user_name))
    run(module, VBAzureClient, lambda client: Enrolment(client, module.params, module.check_mode, module._diff,
                                                        module.warn).ensure())


if __name__ == "__main__":
    main()
