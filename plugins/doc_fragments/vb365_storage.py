# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The cloud account that sees a bucket (or Azure container), and where the bucket is.
    DOCUMENTATION = r"""
options:
  account:
    description:
      - The cloud account (C(/v8/Accounts)) that sees the bucket, given by O(account.id), or by
        O(account.account_type) and O(account.user_name) (and O(account.organization_id)), compared exactly as
        M(veeam_community.backup.veeam_m365_account) does.
      - Its type decides the storage kind. V(amazon_s3) browses C(/v8/S3Resources/buckets),
        V(s3_compatible) C(/v8/S3CompatibleResources/buckets), V(azure_blob) C(/v8/AzureResources/containers).
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
    description: Amazon S3 region id, for example V(eu-west-1). Only for O(account.account_type=amazon_s3).
    type: str
  service_point:
    description: Endpoint address of S3-compatible storage. Required for O(account.account_type=s3_compatible).
    type: str
  custom_region_id:
    description: Region id of S3-compatible storage; V(us-east-1) when omitted.
    type: str
  trust_server_certificate:
    description: Trust the S3-compatible endpoint's certificate whatever it is. Prefer O(trusted_certificate_thumbprint).
    type: bool
    default: false
  trusted_certificate_thumbprint:
    description: Thumbprint of the S3-compatible endpoint's self-signed certificate, to trust that one only.
    type: str
"""

    # The list modules that come after a cloud account, folder or key task in the same run (the m365_object_storage role).
    CREATED_EARLIER = r"""
options:
  created_earlier:
    description:
      - Only in check mode, where earlier tasks of the same run have created nothing - what they would create.
        An item that names one of these is predicted (its diff shows it) instead of refused because it does not exist.
        The new object's id shows as C((created by this run)).
      - Ignored outside check mode, where the earlier tasks have created them.
    type: dict
    suboptions:
      accounts:
        description: User names of the cloud accounts an earlier task creates (the S3 access key or Azure storage account name).
        type: list
        elements: str
        default: []
      folders:
        description: The folders an earlier task creates, each as C(bucket/folder).
        type: list
        elements: str
        default: []
      encryption_keys:
        description: Descriptions of the encryption keys an earlier task adds.
        type: list
        elements: str
        default: []
"""
