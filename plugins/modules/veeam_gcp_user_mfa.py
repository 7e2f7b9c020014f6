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
  - veeam_community.backup.vbgc.connection_options
  - veeam_community.backup.vbgc.actiongroup
  - veeam_community.backup.user_mfa
options:
  name:
    description:
      - Name of the user account, which must exist (see M(veeam_community.backup.veeam_gcp_user)).
    type: str
    required: true
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

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mfa_enrolment import (
    ARGUMENT_SPEC,
    Enrolment,
    secret_in_result,
    validate,
)
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.client import VBGCClient, check_user_name


def main():
    module = new_module(VBGCClient, ARGUMENT_SPEC, required_together=[("code", "enrollment_token")])
    check_input(module, validate(module.params, check_user_name))
    run(module, lambda client: Enrolment(client, module.params, module.check_mode, module._diff,
                                         module.warn).ensure(),
        secret=secret_in_result(module.params))


if __name__ == "__main__":
    main()
