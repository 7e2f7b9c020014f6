#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_account_info
short_description: List cloud accounts of Veeam Backup for Microsoft 365
version_added: 0.1.0
description:
  - Lists the cloud credentials (C(/v8/Accounts)) of a Veeam Backup for Microsoft 365 server, that is Azure Blob
    storage accounts, Amazon S3 and S3-compatible access keys. Secrets are never returned by the API.
  - Every filter is optional and they combine; without any, all accounts are returned.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  id:
    description:
      - Only the account with this id (uuid). No match gives an empty list, not an error.
    type: str
  account_type:
    description:
      - Only accounts of this kind (C(azureBlobAccount), C(amazonS3Account), C(amazonS3CompatibleAccount) in the API).
    type: str
    choices: [azure_blob, amazon_s3, s3_compatible]
  user_name:
    description:
      - Only the accounts whose storage account name or access key is exactly this, case-sensitively
        (C(backup) matches neither C(backup1) nor C(Backup)).
    type: str
  name_pattern:
    description:
      - Only the accounts whose name matches this pattern, evaluated by the server, where C(*) stands for any run
        of characters and C(?) for one character (case-insensitive on the servers seen so far).
      - Cannot be combined with O(id).
    type: str
  organization_id:
    description:
      - Only the accounts of the Microsoft 365 organization with this id (uuid).
    type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.attributes.info_module
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
seealso:
  - module: veeam_community.backup.veeam_m365_account
"""

EXAMPLES = r"""
- name: All cloud accounts
  veeam_community.backup.veeam_m365_account_info:
    server: vb365.example.com
    auth_username: CORP\backupadmin
    auth_password: "{{ vb365_admin_password }}"
  register: vb365_accounts

- name: The Amazon S3 keys whose name starts with AKIA
  veeam_community.backup.veeam_m365_account_info:
    server: vb365.example.com
    auth_username: CORP\backupadmin
    auth_password: "{{ vb365_admin_password }}"
    account_type: amazon_s3
    name_pattern: AKIA*
  register: vb365_s3_keys

- name: Exactly one Azure storage account
  veeam_community.backup.veeam_m365_account_info:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    account_type: azure_blob
    user_name: contosobackup
  register: vb365_contoso

- name: Show its id
  ansible.builtin.debug:
    msg: "{{ vb365_contoso.accounts | map(attribute='id') | list }}"
"""

RETURN = r"""
accounts:
  description: The matching accounts as the API returns them (without secrets), in the server's order.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a
      accountType: amazonS3Account
      userName: AKIAIOSFODNN7EXAMPLE
      description: AWS bucket for mailbox backups
      organizationId: null
      _links:
        self:
          href: https://vb365.example.com:4443/v8/Accounts/8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import (
    ACCOUNT_TYPES,
    VB365Client,
    filter_options,
    matches,
    normalize_uuid,
    public_view,
    uuid_option_problem,
)


def argument_spec():
    return dict(filter_options(), name_pattern={"type": "str"})


def exact_criteria(params):
    """The filters checked on every returned account (the server's own filtering is not trusted for equality)."""
    criteria = {
        "accountType": ACCOUNT_TYPES.get(params["account_type"]),
        "userName": params["user_name"],
        "organizationId": normalize_uuid(params["organization_id"]),
    }
    return {key: value for key, value in criteria.items() if value is not None}


def fetch(client, params):
    if params["id"]:
        account = client.get_account(params["id"])
        return [account] if account else []
    return client.list_accounts(ACCOUNT_TYPES.get(params["account_type"]), params["name_pattern"] or params["user_name"],
                                params["organization_id"])


def main():
    module = new_module(VB365Client, argument_spec(), mutually_exclusive=[("id", "name_pattern")])
    check_input(module, uuid_option_problem(module.params))

    def work(client):
        criteria = exact_criteria(module.params)
        accounts = [public_view(account) for account in fetch(client, module.params) if matches(account, criteria)]
        return {"changed": False, "accounts": accounts}

    run(module, work)


if __name__ == "__main__":
    main()
