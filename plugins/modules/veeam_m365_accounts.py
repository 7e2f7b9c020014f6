#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_accounts
short_description: Manage a list of cloud accounts of Veeam Backup for Microsoft 365 in one task
version_added: 0.2.0
description:
  - Creates, updates or removes many cloud credentials (C(/v8/Accounts)) of Veeam Backup for Microsoft 365 in one task
    (one process, one HTTP session, one read of the account list).
  - Each item of O(accounts) takes the options of M(veeam_community.backup.veeam_m365_account) and is handled by the same
    code, so the result for an item is what M(veeam_community.backup.veeam_m365_account) would report for it.
  - Every item is checked before the first write, first on its own, then against the server (new accounts without a
    secret, unknown ids, items that match several accounts). One problem fails the task and nothing is changed.
  - Use M(veeam_community.backup.veeam_m365_account) for one account; use this module (or the
    R(m365_cloud_accounts role,ansible_collections.veeam_community.backup.m365_cloud_accounts_role)) for a list, where a
    loop over M(veeam_community.backup.veeam_m365_account) would start one module process per item.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  accounts:
    description:
      - The accounts, handled in this order. An account may appear only once.
    type: list
    elements: dict
    required: true
    suboptions:
      account_type:
        description:
          - Kind of cloud service, V(azure_blob), V(amazon_s3) or V(s3_compatible) (see M(veeam_community.backup.veeam_m365_account)).
          - Required with O(accounts[].user_name) unless O(accounts[].id) is given.
        type: str
        choices: [azure_blob, amazon_s3, s3_compatible]
      user_name:
        description:
          - The Azure storage account name (lowercase), or the S3 access key. Compared exactly and case-sensitively.
        type: str
        aliases: [access_key, account_name]
      password:
        description:
          - The Azure shared key, or the S3 secret key. Required to create an account. Never logged, never shown in a diff.
        type: str
        aliases: [secret_key, shared_key]
      description:
        description:
          - Free text shown in the console. Omit it to leave the current description as it is.
        type: str
      organization_id:
        description:
          - Id (uuid) of the Microsoft 365 organization the account belongs to. Part of the identity.
        type: str
      id:
        description:
          - Id (uuid) of an existing account, to address it directly.
        type: str
      update_password:
        description:
          - V(on_create) sends O(accounts[].password) when the account is created, and along with an update of
            another field (a server may replace the whole account on update); it never makes the item report a
            change by itself, so give the current secret.
          - V(always) sends it on every run and always reports C(changed) (the API never returns the stored secret).
        type: str
        choices: [on_create, always]
        default: on_create
      state:
        description:
          - V(present) creates or updates the account, V(absent) removes it.
        type: str
        choices: [present, absent]
        default: present
notes:
  - A run reads the account list once (one request), then makes one request per write. With O(auth_username) it adds a
    login and a logout. A loop of M(veeam_community.backup.veeam_m365_account) makes at least one request and starts one
    process per item.
  - When a write fails, the task fails naming the item; the items before it have been applied (see RV(accounts) of the
    failure) and the ones after it have not. Running the task again finishes the list.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
attributes:
  check_mode:
    details: Predicts the result of every item without writing; a new account has C(id=null).
    support: full
  diff_mode:
    details: Shows each changed account before and after, one diff per item; secrets are masked.
    support: full
seealso:
  - module: veeam_community.backup.veeam_m365_account
  - module: veeam_community.backup.veeam_m365_account_info
"""

EXAMPLES = r"""
- name: Register the object storage credentials in one task
  veeam_community.backup.veeam_m365_accounts:
    server: vb365.example.com
    ca_path: /etc/pki/vb365-ca.pem
    auth_username: admin
    auth_password: "{{ vb365_admin_password }}"
    accounts:
      - account_type: azure_blob
        user_name: contosobackup
        password: "{{ contoso_shared_key }}"
        description: Contoso backup storage
      - account_type: amazon_s3
        access_key: AKIAIOSFODNN7EXAMPLE
        secret_key: "{{ aws_secret_key }}"
      - account_type: amazon_s3
        access_key: AKIAOLDKEY0000000000
        state: absent
"""

RETURN = r"""
accounts:
  description:
    - One entry per item of O(accounts), in the same order; on a failure, the items handled before it.
  returned: always
  type: list
  elements: dict
  contains:
    item:
      description: Which account the item names, C(<account_type> <user_name>) or C(id <id>).
      type: str
    action:
      description: What was done (in check mode, what would be done).
      type: str
      choices: [created, updated, removed, unchanged]
    changed:
      description: Whether the item changed the server.
      type: bool
    account:
      description: The account as M(veeam_community.backup.veeam_m365_account) returns it; empty when removed or absent.
      type: dict
  sample:
    - item: azure_blob contosobackup
      action: created
      changed: true
      account:
        id: 8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a
        accountType: azureBlobAccount
        userName: contosobackup
        description: Contoso backup storage
        organizationId: null
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.account import ACCOUNT, account_spec


def argument_spec():
    return {"accounts": {"type": "list", "elements": "dict", "required": True, "options": account_spec()}}


def main():
    module = new_module(VB365Client, argument_spec())
    check_input(module, ACCOUNT.refusal(module.params["accounts"]))
    run(module, lambda client: ACCOUNT.ensure_all(client, module.params["accounts"], module.check_mode, module._diff))


if __name__ == "__main__":
    main()
