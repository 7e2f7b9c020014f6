#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_account
short_description: Manage one cloud account (Azure Blob, Amazon S3, S3-compatible) in Veeam Backup for Microsoft 365
version_added: 0.1.0
description:
  - Creates, updates or removes one set of cloud credentials (C(/v8/Accounts)) that Veeam Backup for Microsoft 365
    object storage repositories use to reach Azure Blob storage, Amazon S3 or an S3-compatible service.
  - An account is identified by O(account_type), O(user_name) and O(organization_id), compared exactly and
    case-sensitively; or directly by O(id).
  - The stored secret cannot be read back from the API, so whether it is sent again is decided by O(update_password).
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  account_type:
    description:
      - Kind of cloud service. V(azure_blob) is an Azure storage account, V(amazon_s3) an AWS access key,
        V(s3_compatible) an access key of an S3-compatible service (Wasabi, IBM, MinIO and so on).
      - Sent as the API values C(azureBlobAccount), C(amazonS3Account), C(amazonS3CompatibleAccount).
      - Required with O(user_name) unless O(id) is given.
      - The type of an existing account cannot be changed; remove the account and create a new one instead.
    type: str
    choices: [azure_blob, amazon_s3, s3_compatible]
  user_name:
    description:
      - The Azure storage account name, or the S3 access key.
      - Compared exactly and case-sensitively. The API's own C(name) filter is a case-insensitive wildcard
        pattern, so the module uses it only to narrow the search; C(backup) never matches C(backup1) or C(Backup).
      - For O(account_type=azure_blob) it must be lowercase (Azure's rule for storage account names); the module
        refuses uppercase before any change. S3 access keys are sent exactly as given, uppercase included.
        A server that applies the lowercase rule to S3 keys too refuses them; the task then fails naming the rule
        and creates nothing.
      - When no account has this exact name but one of the same type differs only in case, the module creates the
        new account and warns, naming the other one's id (a typo in the case of an access key shows this way).
    type: str
    aliases: [access_key, account_name]
  password:
    description:
      - The Azure shared key, or the S3 secret key. Never logged, never shown in a diff.
      - Required to create an account; not needed to update or remove one.
    type: str
    aliases: [secret_key, shared_key]
  description:
    description:
      - Free text shown in the console. Omit it to leave the current description as it is.
    type: str
  organization_id:
    description:
      - Id (uuid) of the backed-up Microsoft 365 organization the account belongs to. Part of the identity;
        omit it for an account that belongs to no organization.
    type: str
  id:
    description:
      - Id (uuid) of an existing account, to address it directly. The fields given alongside it are then
        compared and updated (its type excepted).
      - Ids are assigned by the server, so an account cannot be created with a given id.
    type: str
  update_password:
    description:
      - V(on_create) sends O(password) when the account is created, and along with an update of another field
        (see the notes); the secret never makes the task report a change, so give the account's current secret.
      - V(always) sends O(password) on every run and always reports C(changed), because the API never returns
        the stored secret, so the module cannot tell whether it already has this value. Use it to rotate a key.
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description:
      - V(present) creates or updates the account, V(absent) removes it.
      - To remove, give O(id), or O(account_type) and O(user_name).
      - An account that an object storage repository uses cannot be removed; the task then fails and changes nothing.
    type: str
    choices: [present, absent]
    default: present
notes:
  - An update sends the whole object (C(accountType), C(userName), C(description), C(organizationId)) with
    C(PUT /v8/Accounts/{id}), and C(password) whenever the task has O(password). The REST reference does not say
    whether a C(PUT) without C(password) keeps the stored secret (merge) or replaces the whole account (replace).
    Sending the secret works with both; with O(update_password=on_create) give the account's current secret, so
    nothing is rotated, and C(changed) still reflects only the readable fields.
  - Without O(password), an update is sent without the secret. A server that replaces the whole account refuses
    it; the task then fails saying that this server needs O(password) to change the account, and nothing changes.
  - If the account is created by someone else between the lookup and the create, the module reads it again and
    continues with the existing account instead of failing.
  - Requests per run when nothing changes are one C(GET) with O(auth_token), or three (token, C(GET), logout)
    with O(auth_username) and O(auth_password).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
attributes:
  check_mode:
    support: full
    details: Sends only C(GET) requests and reports what would change; a created account is returned with C(id=null).
  diff_mode:
    support: full
    details: Shows accountType, userName, description and organizationId; a secret that would be sent shows as C(********).
seealso:
  - module: veeam_community.backup.veeam_m365_account_info
  - module: veeam_community.backup.veeam_m365_login
"""

EXAMPLES = r"""
- name: Azure Blob storage account (the storage account name is lowercase)
  veeam_community.backup.veeam_m365_account:
    server: vb365.example.com
    auth_username: CORP\backupadmin
    auth_password: "{{ vb365_admin_password }}"
    account_type: azure_blob
    user_name: contosobackup
    password: "{{ azure_shared_key }}"
    description: Contoso backup storage

- name: Amazon S3 access key (sent as given, uppercase included)
  veeam_community.backup.veeam_m365_account:
    server: vb365.example.com
    auth_username: CORP\backupadmin
    auth_password: "{{ vb365_admin_password }}"
    account_type: amazon_s3
    access_key: AKIAIOSFODNN7EXAMPLE
    secret_key: "{{ aws_secret_key }}"
    description: AWS bucket for mailbox backups

- name: S3-compatible key scoped to one organization
  veeam_community.backup.veeam_m365_account:
    server: vb365.example.com
    auth_username: CORP\backupadmin
    auth_password: "{{ vb365_admin_password }}"
    account_type: s3_compatible
    access_key: WASABIKEY0001
    secret_key: "{{ wasabi_secret_key }}"
    organization_id: 3f2504e0-4f89-11d3-9a0c-0305e82c3301

- name: Rotate the secret key (reports changed on every run)
  veeam_community.backup.veeam_m365_account:
    server: vb365.example.com
    auth_username: CORP\backupadmin
    auth_password: "{{ vb365_admin_password }}"
    account_type: amazon_s3
    access_key: AKIAIOSFODNN7EXAMPLE
    secret_key: "{{ aws_new_secret_key }}"
    update_password: always

- name: Log in once and reuse the token for several accounts
  module_defaults:
    group/veeam_community.backup.vb365:
      server: vb365.example.com
      auth_token: "{{ vb365_login.access_token }}"
  block:
    - name: Log in
      veeam_community.backup.veeam_m365_login:
        auth_username: CORP\backupadmin
        auth_password: "{{ vb365_admin_password }}"
      register: vb365_login
      no_log: true

    - name: Describe an account found by its id
      veeam_community.backup.veeam_m365_account:
        id: 8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a
        description: Managed by Ansible

    - name: Remove an old key
      veeam_community.backup.veeam_m365_account:
        account_type: amazon_s3
        access_key: AKIAOLDKEY0000000000
        state: absent
"""

RETURN = r"""
account:
  description:
    - The account as the API returns it (the secret never is). Empty when O(state=absent).
    - In check mode an account that would be created has C(id=null).
  returned: always
  type: dict
  sample:
    id: 8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a
    accountType: azureBlobAccount
    userName: contosobackup
    description: Contoso backup storage
    organizationId: null
    _links:
      self:
        href: https://vb365.example.com:4443/v8/Accounts/8a0b7d5e-2f1c-4c6b-9a3e-5d7f1e2c4b6a
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.account import ACCOUNT, account_spec


def main():
    module = new_module(VB365Client, account_spec())
    check_input(module, ACCOUNT.input_problem(module.params))
    run(module, lambda client: ACCOUNT.ensure(client, module.params, module.check_mode, module._diff))


if __name__ == "__main__":
    main()
