# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_azure_users and veeam_azure_user_info against a real local HTTP server scripted as the VBAzure appliance."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.modules import veeam_azure_user_info, veeam_azure_users
from ansible_collections.veeam_community.backup.tests.unit.utils.vbazure_fixtures import (
    USERS,
    page,
    run_vbazure_module,
    user_body,
    writes,
)

OPS2 = {"name": "ops2", "description": "day", "role": "ReadOnlyUser", "password": "pw-long-enough"}


def run(server, users, **options):
    return run_vbazure_module(veeam_azure_users, server, users=users, **options)


def test_one_read_then_only_what_differs(server):
    server.add("GET", USERS, body=page(user_body()))
    server.add("POST", USERS, status=201, body=user_body(name="ops2", user_id="id2", description="day", role="ReadOnlyUser"))
    result = run(server, [{"name": "ops1", "description": "night", "role": "PortalOperator"}, OPS2])
    assert result["changed"]
    assert [(item["item"], item["action"]) for item in result["users"]] == [("ops1", "unchanged"), ("ops2", "created")]
    assert writes(server) == [("POST", USERS)]


def test_every_item_is_checked_before_the_first_write(server):
    server.add("GET", USERS, body=page(user_body()))
    result = run(server, [OPS2, {"name": "ops3", "role": "ReadOnlyUser", "password": "pw-long-enough"}])
    assert result["failed"]
    assert "ops3: user ops3 does not exist; creating it needs description" in result["msg"]
    assert writes(server) == []


def test_repeated_names_are_refused_without_a_request(server):
    result = run(server, [OPS2, OPS2])
    assert result["failed"]
    assert "listed more than once" in result["msg"]
    assert server.calls() == []


def test_names_that_differ_only_in_case_are_one_vbazure_user_and_refused_without_a_request(server):
    result = run(server, [dict(OPS2, name="DupC"), dict(OPS2, name="dupc")])
    assert result["failed"] and result["msg"].startswith("users is not valid, nothing was changed.")
    assert "dupc: listed more than once" in result["msg"]
    assert server.calls() == []


def test_info_follows_every_page(server):
    first = dict(page(*[user_body(name="u%03d" % n, user_id=str(n)) for n in range(100)]), totalCount=101)
    server.add("GET", USERS, body=first).add("GET", USERS, body=dict(page(user_body()), offset=100, totalCount=101))
    result = run_vbazure_module(veeam_azure_user_info, server)
    assert len(result["users"]) == 101
    assert [call["query"]["Offset"] for call in server.calls()] == [["0"], ["100"]]


def test_info_of_one_name_matches_it_exactly(server):
    server.add("GET", USERS, body=page(user_body(name="ops10", user_id="x"), user_body()))
    result = run_vbazure_module(veeam_azure_user_info, server, name="ops1")
    assert [user["name"] for user in result["users"]] == ["ops1"]
