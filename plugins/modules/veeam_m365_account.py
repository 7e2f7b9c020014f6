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
      - V(on_create) sends O(password) only when the account is created; an existing account keeps its secret
        and the secret never makes the task report a change.
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
    C(PUT /v8/Accounts/{id}), and C(password) only when O(update_password=always). The REST reference does not
    say whether a C(PUT) without C(password) keeps the stored secret; the console's edit keeps it and so does the
    simulator. If your server cleared it, rotate with O(update_password=always) in the same task.
  - If the account is created by someone else between the lookup and the create, the module reads it again and
    continues with the existing account instead of failing.
  - Requests per run when nothing changes are one C(GET) with O(auth_token), or three (token, C(GET), logout)
    with O(auth_username) and O(auth_password).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.actiongroup
attributes:
  check_mode:
    support: full
    details: Sends only C(GET) requests and reports what would change; a created account is returned with C(id=null).
  diff_mode:
    support: full
    details: Shows accountType, userName, description and organizationId; a secret that would be sent shows as C(********).
  platform:
    platforms: all
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

from ansible_collections.veeam_community.backup.plugins.module_utils._compare import changed_fields, make_diff
from ansible_collections.veeam_community.backup.plugins.module_utils._http import MASK, VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils._module import new_module, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365 import (
    ACCOUNT_TYPES,
    VB365Client,
    comparable,
    filter_options,
    may_be_duplicate,
    lowercase_problem,
    normalize_uuid,
    public_view,
    uuid_option_problem,
)


ALWAYS = "always"


def argument_spec():
    spec = filter_options()
    spec["user_name"]["aliases"] = ["access_key", "account_name"]
    spec.update(
        password={"type": "str", "no_log": True, "aliases": ["secret_key", "shared_key"]},
        description={"type": "str"},
        update_password={"type": "str", "choices": ["on_create", ALWAYS], "default": "on_create", "no_log": False},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
    )
    return spec


def argument_problem(params):
    """Everything that can be checked before the first request."""
    if not params["id"] and not (params["account_type"] and params["user_name"]):
        return "give id, or account_type and user_name, to say which account is meant."
    if params["update_password"] == ALWAYS and params["state"] == "present" and not params["password"]:
        return "update_password=always sends password on every run, but password is not set."
    return uuid_option_problem(params) or lowercase_problem(ACCOUNT_TYPES.get(params["account_type"]), params["user_name"])


def desired_fields(params):
    """The readable fields the task sets; None means "leave as it is"."""
    return {
        "accountType": ACCOUNT_TYPES.get(params["account_type"]),
        "userName": params["user_name"],
        "description": params["description"],
        "organizationId": normalize_uuid(params["organization_id"]),
    }


def find_by_identity(client, params):
    return client.find_accounts(ACCOUNT_TYPES.get(params["account_type"]), params["user_name"], params["organization_id"])


def find_current(client, params):
    """The one account the task is about, or None; fails (raises) on several matches."""
    if params["id"]:
        return client.get_account(params["id"])
    matches = find_by_identity(client, params)
    if len(matches) > 1:
        raise VeeamApiError(
            "%d accounts match account_type=%s, user_name=%s, organization_id=%s exactly (ids: %s). Address one with id."
            % (len(matches), params["account_type"], params["user_name"], params["organization_id"],
               ", ".join(str(account.get("id")) for account in matches)))
    return matches[0] if matches else None


def ensure_absent(client, module, current):
    if current is None:
        return result(False, {}, {}, {})
    if not module.check_mode:
        client.delete_account(current["id"])
    return result(True, comparable(current), {}, {})


def ensure_present(client, module, current):
    if current is None:
        try:
            return create(client, module)
        except VeeamApiError as exc:
            current = lost_race(client, module.params, exc)
            if current is None:
                raise
    return update(client, module, current)


def create(client, module):
    params = module.params
    if params["id"]:
        raise VeeamApiError("no account has id %s. Ids are assigned by the server: omit id (give account_type and "
                            "user_name) to create an account." % params["id"])
    if not params["password"]:
        raise VeeamApiError("password is required to create the %s account '%s': the API stores the secret with the "
                            "account. It is optional only for existing accounts." % (params["account_type"], params["user_name"]))
    body = dict(desired_fields(params), description=params["description"] or "")
    account = dict(body, id=None)  # what check mode predicts
    if not module.check_mode:
        account = public_view(client.create_account(dict(body, password=params["password"])))
    return result(True, {}, dict(body, password=MASK), account)


def lost_race(client, params, error):
    """After a refused create: the account someone else created meanwhile, or None."""
    if not may_be_duplicate(error):
        return None
    matches = find_by_identity(client, params)
    return matches[0] if len(matches) == 1 else None


def update(client, module, current):
    params = module.params
    before = comparable(current)
    changes = changed_fields(before, desired_fields(params))
    if "accountType" in changes:
        raise VeeamApiError("account_type=%s does not fit account %s, a %s account: the type of existing cloud credentials "
                            "cannot be changed. Remove it and create a new one." % (params["account_type"], current.get("id"),
                                                                                    before["accountType"]))
    send_password = params["update_password"] == ALWAYS
    if not changes and not send_password:
        return result(False, before, before, public_view(current))
    after = dict(before, **{key: want for key, (_have, want) in changes.items()})
    problem = lowercase_problem(after["accountType"], after["userName"])
    if problem:
        raise VeeamApiError(problem)
    body = dict(after, password=params["password"]) if send_password else after
    account = dict(public_view(current), **after)
    if not module.check_mode:
        account = public_view(client.update_account(current["id"], body) or account)
    return result(True, before, dict(after, password=MASK) if send_password else after, account)


def result(changed, before, after, account):
    return {"changed": changed, "account": account, "diff": make_diff(before, after)}


def main():
    module = new_module(VB365Client, argument_spec())
    problem = argument_problem(module.params)
    if problem:
        module.fail_json(msg=problem)

    def work(client):
        current = find_current(client, module.params)
        if module.params["state"] == "absent":
            return ensure_absent(client, module, current)
        return ensure_present(client, module, current)

    run(module, VB365Client, work)


if __name__ == "__main__":
    main()
