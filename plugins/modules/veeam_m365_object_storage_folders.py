#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_object_storage_folders
short_description: Ensure a list of folders in buckets or containers for Veeam Backup for Microsoft 365 in one task
version_added: 0.2.0
description:
  - Creates folders in Amazon S3 or S3-compatible buckets and Azure Blob containers through Veeam Backup for
    Microsoft 365 (C(POST .../folders)), each unless its bucket already has a folder of that name, in one task (one
    process, one HTTP session, one read of the account list, one read of the folders of each bucket).
  - Each item of O(folders) takes the options of M(veeam_community.backup.veeam_m365_object_storage_folder) and is
    handled by the same code, so the result for an item is what that module would report for it.
  - Every item is checked before the first write, first on its own, then against the server (an account that does
    not exist, a location that does not fit the account). One problem fails the task and nothing is changed.
  - Create only. The VB365 REST API has no operation that removes a folder.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  folders:
    description:
      - The folders, handled in this order. A folder may appear only once.
    type: list
    elements: dict
    required: true
    suboptions:
      account:
        description:
          - The cloud account (C(/v8/Accounts)) that sees the bucket, given by O(folders[].account.id), or by
            O(folders[].account.account_type) and O(folders[].account.user_name) (and
            O(folders[].account.organization_id)), compared exactly as M(veeam_community.backup.veeam_m365_account)
            does. Its type decides the storage kind.
        type: dict
        required: true
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
        description: Trust the S3-compatible endpoint's certificate whatever it is. Prefer O(folders[].trusted_certificate_thumbprint).
        type: bool
        default: false
      trusted_certificate_thumbprint:
        description: Thumbprint of the S3-compatible endpoint's self-signed certificate, to trust that one only.
        type: str
      bucket:
        description: Name of the bucket (or container), exactly as the account sees it.
        type: str
        required: true
      folder:
        description: Name of the folder, one level (no C(/) or C(\)), compared exactly.
        type: str
        required: true
notes:
  - A run reads the account list once and the folders of each bucket once (a bucket is known by its storage kind,
    location and name, an Azure container also by its storage account), then makes one request per folder created.
    With O(auth_username) it adds a login and a logout.
  - When a write fails, the task fails naming the item; the items before it have been applied (see RV(folders) of the
    failure) and the ones after it have not. Running the task again finishes the list.
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
    details: Sends only C(GET) requests and reports which folders would be created.
  diff_mode:
    support: full
    details: One diff per created folder, with its bucket's folder names before and after.
seealso:
  - module: veeam_community.backup.veeam_m365_object_storage_folder
  - module: veeam_community.backup.veeam_m365_object_storage_info
  - module: veeam_community.backup.veeam_m365_repositories
"""

EXAMPLES = r"""
- name: The folders of the Exchange and SharePoint repositories in one S3 bucket
  veeam_community.backup.veeam_m365_object_storage_folders:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    folders:
      - account: {account_type: amazon_s3, user_name: AKIAIOSFODNN7EXAMPLE}
        region_id: eu-west-1
        bucket: m365-backups
        folder: exchange
      - account: {account_type: amazon_s3, user_name: AKIAIOSFODNN7EXAMPLE}
        region_id: eu-west-1
        bucket: m365-backups
        folder: sharepoint
"""

RETURN = r"""
folders:
  description:
    - One entry per item of O(folders), in the same order; on a failure, the items handled before it.
  returned: always
  type: list
  elements: dict
  contains:
    item:
      description: Which folder the item names, C(<bucket>/<folder>).
      type: str
    action:
      description: What was done (in check mode, what would be done).
      type: str
      choices: [created, unchanged]
    changed:
      description: Whether the item changed the server.
      type: bool
    folder:
      description: The folder as the API returns it. In check mode a folder that would be created has C(path=null).
      type: dict
  sample:
    - item: m365-backups/exchange
      action: created
      changed: true
      folder:
        name: exchange
        path: m365-backups/exchange
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.lookups import CREATED_EARLIER_OPTION, list_lookups
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.object_storage import FOLDER, folder_spec


def main():
    module = new_module(VB365Client, {"folders": {"type": "list", "elements": "dict", "required": True,
                                                  "options": folder_spec()},
                                      "created_earlier": CREATED_EARLIER_OPTION})
    check_input(module, FOLDER.refusal(module.params["folders"]))
    run(module, lambda client: FOLDER.ensure_all(client, module.params["folders"], module.check_mode, module._diff,
                                                 list_lookups(client, module.check_mode, module.params["created_earlier"])))


if __name__ == "__main__":
    main()
