#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_repository
short_description: Manage one object storage backup repository of Veeam Backup for Microsoft 365
version_added: 0.2.0
description:
  - Adds, updates or removes one object storage backup repository (C(/v8/BackupRepositories)), identified by its
    O(name) (names are unique on the server whatever their case).
  - The account, proxy, proxy pool and encryption key are given by name and resolved to ids before any write.
  - Compares every field it manages with the server and writes only what differs. Options left out are left as
    they are.
  - The fields the API cannot change once the repository exists (the storage kind and account type, the bucket,
    the folder, O(retention_type), whether it is encrypted, whether immutability is on) are refused before any
    write, naming the current and the wanted value.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  name:
    description: Name of the repository.
    type: str
    required: true
  description:
    description: Free text. Omit it to leave the current description as it is.
    type: str
  account:
    required: false
    description:
      - Required to add a repository. On an existing one, another account of the same type that sees the same
        bucket may replace it (a credential rotation).
  bucket:
    description: Bucket (or Azure container) name. Required to add a repository; cannot be changed afterwards.
    type: str
  folder:
    description:
      - Folder in the bucket; it must exist (see M(veeam_community.backup.veeam_m365_object_storage_folder)).
        Required to add a repository; cannot be changed afterwards.
    type: str
  storage_type:
    description:
      - The object storage type (C(objectStorage.type)) of a repository on an V(s3_compatible) account, one of
        V(amazon_s3_compatible) (C(AmazonS3Compatible)), V(wasabi_cloud) (C(WasabiCloud)) or V(ibm_cloud)
        (C(IBMCloud)). The API places all three alike (an endpoint, a bucket and a folder).
      - Omitted, a new repository is C(AmazonS3Compatible) and an existing one keeps its type. Cannot be changed
        after creation; refused with an V(amazon_s3) or V(azure_blob) account.
    type: str
    choices: [amazon_s3_compatible, wasabi_cloud, ibm_cloud]
  proxy:
    description: Host name of the backup proxy, case-insensitive. Give this or O(proxy_pool) to add a repository.
    type: str
  proxy_pool:
    description: Name of the backup proxy pool, case-insensitive.
    type: str
  retention_type:
    description:
      - V(snapshot_based) or V(item_level) (C(SnapshotBased), C(ItemLevel)). Required to add a repository;
        cannot be changed afterwards.
    type: str
    choices: [item_level, snapshot_based]
  retention_period_type:
    description: Unit of O(retention_period).
    type: str
    choices: [daily, monthly, yearly]
  retention_period:
    description:
      - How long backups are kept. A number of days or months, or for V(yearly) one of V(Year1), V(Years2),
        V(Years3), V(Years5), V(Years7), V(Years10), V(Years25), V(Keep). A new repository without it keeps the
        server's default.
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
      - Description of the encryption key (see M(veeam_community.backup.veeam_m365_encryption_key)) to encrypt
        the data with; V('') means no encryption. Whether a repository is encrypted cannot be changed after
        creation; the key can be replaced by another one.
    type: str
  cleanup_schedule:
    description:
      - When the retention clean-up checks the repository and removes the backups older than the retention period
        (C(retentionFrequencyType), C(dailyTime), C(dailyType), C(monthlyTime), C(monthlyDaynumber),
        C(monthlyDayofweek)).
      - Each suboption given is managed; a suboption left out (or the whole option) keeps what the server has (on
        an existing repository its current value, on a new one the server's default).
      - The daily and the monthly clean-up each keep their own time and days; switching O(cleanup_schedule.frequency)
        keeps the settings of the other one.
      - Checked before any request. Times are compared as the API writes them, C(HH:MM:SS), so V('03:30') and
        V('03:30:00') are the same time.
    type: dict
    suboptions:
      frequency:
        description: V(daily) or V(monthly) clean-up (C(Daily), C(Monthly)). Required with O(cleanup_schedule.time).
        type: str
        choices: [daily, monthly]
      time:
        description:
          - Time of day of the clean-up of O(cleanup_schedule.frequency), C(HH:MM) or C(HH:MM:SS) on a 24-hour
            clock, in the server's time zone.
          - Quote it in YAML, V('18:00'), because YAML reads an unquoted C(18:00) as the number 1080.
        type: str
      days:
        description: Days of a V(daily) clean-up (C(dailyType)).
        type: str
        choices: [everyday, workdays, weekends, monday, tuesday, wednesday, thursday, friday, saturday, sunday]
      day_number:
        description: Which O(cleanup_schedule.day_of_week) of the month a V(monthly) clean-up runs on (C(monthlyDaynumber)).
        type: str
        choices: [first, second, third, fourth, last]
      day_of_week:
        description: Day of the week of a V(monthly) clean-up (C(monthlyDayofweek)).
        type: str
        choices: [monday, tuesday, wednesday, thursday, friday, saturday, sunday]
  state:
    description:
      - V(present) adds or updates the repository.
      - V(absent) removes it. The vendor documents C(DELETE /v8/BackupRepositories/{id}) as removing the repository
        "from the Veeam Backup for Microsoft 365 infrastructure", that is its configuration; it does not say that
        the backup data is deleted. The folder and the backup data in it stay in the bucket (delete them with the
        storage provider's tools if they are no longer needed); a new repository can use that folder again.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
  - veeam_community.backup.vb365_storage
attributes:
  check_mode:
    support: full
    details: Sends only C(GET) requests; a repository that would be added is returned with C(id=null).
  diff_mode:
    support: full
    details: Shows the managed fields, with ids for the account, proxy, pool and key, and the clean-up schedule.
notes:
  - Storage types served (C(RESTObjectStorageType) of the v8 document) are C(AmazonS3), C(AzureBlob),
    C(AmazonS3Compatible), C(WasabiCloud) and C(IBMCloud) (the last three on an V(s3_compatible) account, see
    O(storage_type)). The archive tiers C(AzureBlobArchive) and C(AmazonS3Glacier) are not, as they are long-term
    (backup copy) repositories, which the v8 document sets up with the Glacier storage class flags, an archiver
    appliance, an Azure service account and subscription, none of which the module manages.
seealso:
  - module: veeam_community.backup.veeam_m365_repository_info
  - module: veeam_community.backup.veeam_m365_encryption_key
  - module: veeam_community.backup.veeam_m365_object_storage_folder
"""

EXAMPLES = r"""
- name: An encrypted, immutable S3 repository on one proxy
  veeam_community.backup.veeam_m365_repository:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    name: m365-s3
    account:
      account_type: amazon_s3
      user_name: AKIAIOSFODNN7EXAMPLE
    region_id: eu-west-1
    bucket: m365-backups
    folder: exchange
    proxy: proxy01.corp.example.com
    retention_type: snapshot_based
    retention_period_type: yearly
    retention_period: Years3
    immutability_days: 30
    encryption_key: m365 S3 repositories 2026

- name: A Wasabi repository cleaned up on the last Sunday of each month at 02:30
  veeam_community.backup.veeam_m365_repository:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    name: m365-wasabi
    account:
      account_type: s3_compatible
      user_name: wasabikey0001
    storage_type: wasabi_cloud
    service_point: https://s3.eu-central-1.wasabisys.com
    custom_region_id: eu-central-1
    bucket: m365-backups
    folder: teams
    proxy_pool: pool-a
    retention_type: item_level
    cleanup_schedule:
      frequency: monthly
      time: "02:30"
      day_number: last
      day_of_week: sunday

- name: Move the clean-up of an existing repository to workdays at 20:00 (the rest is left as it is)
  veeam_community.backup.veeam_m365_repository:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    name: m365-s3
    cleanup_schedule:
      frequency: daily
      time: "20:00"
      days: workdays

- name: Remove it (the data stays in the bucket)
  veeam_community.backup.veeam_m365_repository:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    name: m365-s3
    state: absent
"""

RETURN = r"""
repository:
  description:
    - The repository as the API returns it; after an update, the one read before with the changes applied.
      Empty when O(state=absent). In check mode a repository that would be added has C(id=null).
  returned: always
  type: dict
  sample:
    id: 0c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f
    name: m365-s3
    retentionType: SnapshotBased
    proxyId: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
    objectStorage:
      type: AmazonS3
      s3Folder: exchange
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.repository import REPOSITORY, repository_spec


def main():
    module = new_module(VB365Client, repository_spec())
    check_input(module, REPOSITORY.input_problem(module.params))
    run(module, lambda client: REPOSITORY.ensure(client, module.params, module.check_mode, module._diff))


if __name__ == "__main__":
    main()
