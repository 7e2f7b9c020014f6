#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_repositories
short_description: Manage a list of object storage backup repositories of Veeam Backup for Microsoft 365 in one task
version_added: 0.2.0
description:
  - Adds, updates or removes many object storage backup repositories (C(/v8/BackupRepositories)) in one task (one
    process, one HTTP session), each identified by its name (unique on the server whatever its case).
  - Each item of O(repositories) takes the options of M(veeam_community.backup.veeam_m365_repository) and is handled
    by the same code, so the result for an item is what that module would report for it.
  - The names in the items (accounts, proxies, proxy pools, encryption keys) are resolved to ids from one read of
    each list.
  - Every item is checked before the first write, first on its own, then against the server (names that resolve to
    nothing, fields the API cannot change once the repository exists, what a new repository lacks, a folder that is
    not in its bucket). One problem fails the task and nothing is changed.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  repositories:
    description:
      - The repositories, handled in this order. A name may appear only once.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Name of the repository.
        type: str
        required: true
      description:
        description: Free text. Omit it to leave the current description as it is.
        type: str
      account:
        description:
          - The cloud account (C(/v8/Accounts)) that sees the bucket, given by O(repositories[].account.id), or by
            O(repositories[].account.account_type) and O(repositories[].account.user_name) (and
            O(repositories[].account.organization_id)), compared exactly as M(veeam_community.backup.veeam_m365_account)
            does. Its type decides the storage kind.
          - Required to add a repository. On an existing one, another account of the same type that sees the same
            bucket may replace it (a credential rotation).
        type: dict
        suboptions:
          id:
            description: Id (uuid) of the account.
            type: str
          account_type:
            description: Kind of the account.
            type: str
            choices: [azure_blob, amazon_s3, s3_compatible]
          user_name:
            description: The Azure storage account name or the S3 access key, compared exactly.
            type: str
          organization_id:
            description: Id (uuid) of the Microsoft 365 organization the account belongs to.
            type: str
      region_type:
        description:
          - Amazon S3 (V(Global), V(USGovernment), V(China)) or Azure (V(Global), V(Germany), V(China), V(Government))
            region type. Not used for S3-compatible storage.
        type: str
        default: Global
      region_id:
        description: Amazon S3 region id, for example V(eu-west-1). Only for Amazon S3 accounts.
        type: str
      service_point:
        description: Endpoint address of S3-compatible storage. Required for S3-compatible accounts.
        type: str
      custom_region_id:
        description: Region id of S3-compatible storage; V(us-east-1) when omitted.
        type: str
      trust_server_certificate:
        description: Trust the S3-compatible endpoint's certificate whatever it is. Prefer O(repositories[].trusted_certificate_thumbprint).
        type: bool
        default: false
      trusted_certificate_thumbprint:
        description: Thumbprint of the S3-compatible endpoint's self-signed certificate, to trust that one only.
        type: str
      bucket:
        description: Bucket (or Azure container) name. Required to add a repository; cannot be changed afterwards.
        type: str
      folder:
        description:
          - Folder in the bucket; it must exist (see M(veeam_community.backup.veeam_m365_object_storage_folders)).
            Required to add a repository; cannot be changed afterwards.
        type: str
      proxy:
        description: Host name of the backup proxy, case-insensitive. Give this or O(repositories[].proxy_pool) to add a repository.
        type: str
      proxy_pool:
        description: Name of the backup proxy pool, case-insensitive.
        type: str
      retention_type:
        description:
          - V(snapshot_based) or V(item_level). Required to add a repository; cannot be changed afterwards.
        type: str
        choices: [item_level, snapshot_based]
      retention_period_type:
        description: Unit of O(repositories[].retention_period).
        type: str
        choices: [daily, monthly, yearly]
      retention_period:
        description:
          - How long backups are kept. A number of days or months, or for V(yearly) one of V(Year1), V(Years2),
            V(Years3), V(Years5), V(Years7), V(Years10), V(Years25), V(Keep).
        type: str
      size_limit_gb:
        description: Size limit in GB; V(0) is no limit. Omit it to leave the setting as it is.
        type: int
      immutability_days:
        description:
          - Immutability period in days; V(0) is no immutability. Whether immutability is on cannot be changed after
            creation; the period can.
        type: int
      encryption_key:
        description:
          - Description of the encryption key (see M(veeam_community.backup.veeam_m365_encryption_keys)) to encrypt
            the data with; V('') means no encryption. Whether a repository is encrypted cannot be changed after
            creation; the key can be replaced by another one.
        type: str
      storage_type:
        description:
          - The object storage type of a repository on an V(s3_compatible) account, as
            O(veeam_community.backup.veeam_m365_repository#module:storage_type) takes it. Cannot be changed after creation.
        type: str
        choices: [amazon_s3_compatible, wasabi_cloud, ibm_cloud]
      cleanup_schedule:
        description:
          - When the retention clean-up runs, as O(veeam_community.backup.veeam_m365_repository#module:cleanup_schedule)
            takes it. Suboptions left out keep what the server has.
        type: dict
        suboptions:
          frequency:
            description: V(daily) or V(monthly) clean-up. Required with O(repositories[].cleanup_schedule.time).
            type: str
            choices: [daily, monthly]
          time:
            description: Time of day, C(HH:MM) or C(HH:MM:SS) on a 24-hour clock, quoted in YAML.
            type: str
          days:
            description: Days of a V(daily) clean-up.
            type: str
            choices: [everyday, workdays, weekends, monday, tuesday, wednesday, thursday, friday, saturday, sunday]
          day_number:
            description: Which O(repositories[].cleanup_schedule.day_of_week) of the month a V(monthly) clean-up runs on.
            type: str
            choices: [first, second, third, fourth, last]
          day_of_week:
            description: Day of the week of a V(monthly) clean-up.
            type: str
            choices: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]
      state:
        description:
          - V(present) adds or updates the repository.
          - V(absent) removes it from the configuration; the folder and the backup data in it stay in the bucket.
        type: str
        choices: [present, absent]
        default: present
notes:
  - A run reads the repository list once, and once each, only when an item needs it, the account list, the
    encryption keys, the proxies and the proxy pools; for a repository to add, the folders of its bucket (once per
    bucket). Then one request per write. With O(auth_username) it adds a login and a logout.
  - The retention clean-up schedule is not managed; an update sends it back as it is.
  - When a write fails, the task fails naming the item; the items before it have been applied (see RV(repositories)
    of the failure) and the ones after it have not. Running the task again finishes the list.
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
  - veeam_community.backup.vb365_storage.created_earlier
attributes:
  check_mode:
    support: full
    details: Sends only C(GET) requests; a repository that would be added is returned with C(id=null).
  diff_mode:
    support: full
    details: One diff per changed repository, with the managed fields and ids for the account, proxy, pool and key.
seealso:
  - module: veeam_community.backup.veeam_m365_repository
  - module: veeam_community.backup.veeam_m365_repository_info
  - module: veeam_community.backup.veeam_m365_encryption_keys
  - module: veeam_community.backup.veeam_m365_object_storage_folders
"""

EXAMPLES = r"""
- name: Two repositories in one bucket, one encrypted on a proxy, one on a pool
  veeam_community.backup.veeam_m365_repositories:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    repositories:
      - name: m365-exchange
        account: {account_type: amazon_s3, user_name: AKIAIOSFODNN7EXAMPLE}
        region_id: eu-west-1
        bucket: m365-backups
        folder: exchange
        proxy: proxy01.corp.example.com
        retention_type: snapshot_based
        retention_period_type: yearly
        retention_period: Years3
        encryption_key: m365 S3 repositories 2026
      - name: m365-sharepoint
        account: {account_type: amazon_s3, user_name: AKIAIOSFODNN7EXAMPLE}
        region_id: eu-west-1
        bucket: m365-backups
        folder: sharepoint
        proxy_pool: pool-a
        retention_type: item_level
      - name: m365-old
        state: absent
"""

RETURN = r"""
repositories:
  description:
    - One entry per item of O(repositories), in the same order; on a failure, the items handled before it.
  returned: always
  type: list
  elements: dict
  contains:
    item:
      description: The name of the repository.
      type: str
    action:
      description: What was done (in check mode, what would be done).
      type: str
      choices: [created, updated, removed, unchanged]
    changed:
      description: Whether the item changed the server.
      type: bool
    repository:
      description:
        - The repository as M(veeam_community.backup.veeam_m365_repository) returns it; empty when removed or absent.
          In check mode a repository that would be added has C(id=null).
      type: dict
  sample:
    - item: m365-exchange
      action: created
      changed: true
      repository:
        id: 0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f
        name: m365-exchange
        retentionType: SnapshotBased
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.lookups import CREATED_EARLIER_OPTION, list_lookups
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.repository import REPOSITORY, repository_spec


def main():
    # The items take veeam_m365_repository's own options, so an option added there is an item option here too.
    module = new_module(VB365Client, {"repositories": {"type": "list", "elements": "dict", "required": True,
                                                       "options": repository_spec()},
                                      "created_earlier": CREATED_EARLIER_OPTION})
    check_input(module, REPOSITORY.refusal(module.params["repositories"]))
    run(module, lambda client: REPOSITORY.ensure_all(client, module.params["repositories"], module.check_mode, module._diff,
                                                     list_lookups(client, module.check_mode, module.params["created_earlier"])))


if __name__ == "__main__":
    main()
