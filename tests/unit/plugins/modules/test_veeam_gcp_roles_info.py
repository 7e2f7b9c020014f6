# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_gcp_roles_info against a real local HTTP server scripted as the VBGC appliance."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.modules import veeam_gcp_roles_info
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    ALL_ROLES,
    OPERATOR_ROLE,
    RESTORE_ROLE,
    ROLES,
    run_vbgc_module,
    warning_texts,
)

DESCRIBED = [dict(role, description="what %s may do" % role["name"]) for role in ALL_ROLES]


def run(server, **options):
    return run_vbgc_module(veeam_gcp_roles_info, server, **options)


@pytest.mark.parametrize("body", [
    {"data": DESCRIBED, "pagination": {"total": 3, "count": 3, "offset": 0, "limit": 100}},
    {"data": DESCRIBED, "pagination": {"total": 3}},
    DESCRIBED,
])
def test_all_roles_as_the_api_returns_them(server, body):
    server.add("GET", ROLES, body=body)
    result = run(server)
    assert not result["changed"]
    assert result["roles"] == DESCRIBED
    assert len(server.calls()) == 1


def test_names_select_roles_in_any_case_in_the_api_order(server):
    server.add("GET", ROLES, body={"data": DESCRIBED, "pagination": {"total": 3}})
    result = run(server, name=["restore OPERATOR", OPERATOR_ROLE["id"]])
    assert [role["id"] for role in result["roles"]] == [OPERATOR_ROLE["id"], RESTORE_ROLE["id"]]
    assert warning_texts(result) == []


def test_an_unknown_name_is_left_out_with_a_warning_listing_the_valid_roles(server):
    server.add("GET", ROLES, body={"data": DESCRIBED, "pagination": {"total": 3}})
    result = run(server, name=["Portal Operator", "Auditor"])
    assert [role["name"] for role in result["roles"]] == ["Portal Operator"]
    assert warning_texts(result) == [
        "no role matches 'Auditor'. Valid roles: Portal Administrator (%s), Portal Operator (%s), Restore Operator (%s)."
        % tuple(role["id"] for role in ALL_ROLES)]
