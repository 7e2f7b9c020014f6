#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_object_storage_folder
short_description: Ensure a folder exists in a bucket or container for Veeam Backup for Microsoft 365
version_added: 0.2.0
description:
  - Creates a folder in an Amazon S3 or S3-compatible bucket or an Azure Blob container through Veeam Backup for
    Microsoft 365 (C(POST .../folders)), unless the bucket already has a folder of that name.
  - Create only. The VB365 REST API has no operation that removes a folder, so this module has no C(state) option;
    remove a folder with the storage provider's own tools.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  account:
    required: true
  bucket:
    description:
      - Name of the bucket (or container), exactly as the account sees it.
      - It goes into the request path, so C(.), C(..) and names with C(/) or C(\) are refused before any request.
    type: str
    required: true
  folder:
    description: Name of the folder, one level (not C(.) or C(..), no C(/) or C(\)), compared exactly.
    type: str
    required: true
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
    details: Sends only C(GET) requests and reports whether the folder would be created.
  diff_mode:
    support: full
    details: Shows the bucket's folder names before and after.
seealso:
  - module: veeam_community.backup.veeam_m365_object_storage_info
  - module: veeam_community.backup.veeam_m365_repository
"""

EXAMPLES = r"""
- name: A folder for Exchange backups in an S3 bucket
  veeam_community.backup.veeam_m365_object_storage_folder:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    account:
      account_type: amazon_s3
      user_name: AKIAIOSFODNN7EXAMPLE
    region_id: eu-west-1
    bucket: m365-backups
    folder: exchange
"""

RETURN = r"""
folder:
  description: The folder as the API returns it. In check mode a folder that would be created has C(path=null).
  returned: always
  type: dict
  sample:
    name: exchange
    path: m365-backups/exchange
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.object_storage import FOLDER, folder_spec


def main():
    module = new_module(VB365Client, folder_spec())
    check_input(module, FOLDER.input_problem(module.params))
    run(module, lambda client: FOLDER.ensure(client, module.params, module.check_mode, module._diff))


if __name__ == "__main__":
    main()
