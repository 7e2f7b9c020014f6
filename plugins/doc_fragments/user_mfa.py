# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of the MFA modules (veeam_gcp_user_mfa, veeam_azure_user_mfa): one enrolment (mfa_enrolment.py) and one
action plugin for both appliances, so one text."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
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
      - V(result) returns it in the task result only (RV(secret_key), RV(qr_string), RV(scratch_codes)); the task
        must then have C(no_log=true) (see the notes), and keeping the secret safe is the caller's duty.
      - V(directory) writes C(<name>.secret.txt) (secret key, C(otpauth://) URI, scratch codes) and C(<name>.png) (QR
        code) into O(secret_directory) on the host that runs the module, files mode C(0600). The new files are written
        beside those of the secret in use, as C(<file>.new-<time>-<pid>), and replace them only once the enrolment is
        accepted; a failure never removes the files of the secret in use. A O(name) that is no plain file name (with a
        C(/), C(.) or C(..), a control character, or too long) is refused before any request, not encoded.
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
      - KV version 2 path of this user's secret, relative to O(vault_mount_point), for example C(veeam/ops1).
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
      - Empty, community.hashi_vault's own defaults apply, for example E(VAULT_ADDR), E(VAULT_TOKEN),
        E(VAULT_NAMESPACE) and E(VAULT_CACERT). Never logged.
      - When these options name neither C(auth_method) nor C(token) and E(VEEAM_VAULT_ROLE_ID) is set (with
        E(VEEAM_VAULT_SECRET_ID)), the secret is written after an AppRole login with them. The AWX credential type
        I(Veeam MFA secrets in HashiCorp Vault) injects them; AWX does not inject E(ANSIBLE_HASHI_VAULT_ROLE_ID).
    type: dict
notes:
  - With O(secret_destination=result), the returned RV(secret_key), RV(qr_string), RV(scratch_codes) and
    RV(enrollment_token) are secrets, and so is RV(enrollment_token) with O(verify=false) whatever the destination.
    Such a task (O(state=enabled) without O(code)) must have C(no_log=true). Without it the module fails before any
    request, in check mode too, so that a forgotten C(no_log) never shows a secret. The registered variable still
    holds the values. This breaks playbooks that ran such a task without C(no_log). Add C(no_log=true), or choose
    O(secret_destination=directory) or V(vault), which keep the secret out of the result.
  - With C(ANSIBLE_NO_TARGET_SYSLOG) set, Ansible tells every module that its task has C(no_log), so this check cannot
    stop a task without it.
  - After a failed confirmation with O(secret_destination=directory), the message says which files hold which secret.
    A first enrolment leaves the new files in place (they hold the secret in use if the appliance did accept it);
    a rotation (O(recreate=true)) keeps the previous files and leaves the new ones staged beside them. Rerun the task
    (with O(recreate=true) for a rotation); once a new secret is accepted, staged files of failed runs are removed.
  - O(recreate=true) is not available with O(secret_destination=vault); disable MFA and enrol again instead.
requirements:
  - pyotp, to compute codes (O(verify=true) and O(auth_mfa_secret)); for O(secret_destination=vault) also on the controller
  - segno, to write O(qr_code_path) and O(secret_destination=directory)
  - community.hashi_vault and hvac, for O(secret_destination=vault)
"""
