#!/usr/bin/python
# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: veeam_m365_object_storage_info
short_description: List the buckets or containers and their folders that a VB365 cloud account sees
version_added: 0.2.0
description:
  - Lists, as Veeam Backup for Microsoft 365 sees them with one cloud account, the Amazon S3 or S3-compatible buckets
    or the Azure Blob containers at one location, each with the names of its folders.
  - Requests are the account lookup, one list of buckets, and one list of folders per bucket.
author:
  - Veeam community collection maintainers (@veeam-community)
options:
  account:
    required: true
  bucket:
    description: Only the bucket (or container) of exactly this name. No match gives an empty list.
    type: str
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - veeam_community.backup.attributes
  - veeam_community.backup.attributes.info_module
  - veeam_community.backup.vb365
  - veeam_community.backup.vb365.connection_options
  - veeam_community.backup.vb365.actiongroup
  - veeam_community.backup.vb365_storage
seealso:
  - module: veeam_community.backup.veeam_m365_object_storage_folder
  - module: veeam_community.backup.veeam_m365_account
"""

EXAMPLES = r"""
- name: The buckets an S3 key sees in eu-west-1
  veeam_community.backup.veeam_m365_object_storage_info:
    server: vb365.example.com
    auth_token: "{{ vb365_login.access_token }}"
    account:
      account_type: amazon_s3
      user_name: AKIAIOSFODNN7EXAMPLE
    region_id: eu-west-1
  register: vb365_buckets
"""

RETURN = r"""
account_id:
  description: Id of the account used.
  returned: always
  type: str
account_type:
  description: API type of the account used.
  returned: always
  type: str
  sample: amazonS3Account
buckets:
  description: The buckets (containers) as the API returns them, each with C(folders), the names of its folders.
  returned: always
  type: list
  elements: dict
  sample:
    - name: m365-backups
      regionType: Global
      regionId: eu-west-1
      folders: [exchange, sharepoint]
"""

from ansible_collections.veeam_community.backup.plugins.module_utils.core.connection import new_module
from ansible_collections.veeam_community.backup.plugins.module_utils.core.runner import check_input, run
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.client import VB365Client, path_name_problem
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.object_storage import (
    account_option,
    account_problem,
    location_options,
    location_problem,
    read_storage,
)


def main():
    module = new_module(VB365Client, dict(location_options(), account=account_option(), bucket={"type": "str"}))
    check_input(module, account_problem(module.params["account"]) or location_problem(module.params)
                or path_name_problem(module.params, ("bucket",)))
    run(module, lambda client: read_storage(client, module.params))


if __name__ == "__main__":
    main()
