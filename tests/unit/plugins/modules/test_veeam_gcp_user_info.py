# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_gcp_user_info against a real local HTTP server scripted as the VBGC appliance."""

from __future__ import annotations

from ansible_collections.veeam_community.backup.plugins.modules import veeam_gcp_user_info
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import (
    TOKEN,
    USERS,
    run_vbgc_module,
    user_body,
)


def run(server, **options):
    return run_vbgc_module(veeam_gcp_user_info, server, **options)


def test_all_pages_are_followed(server):
    first = [user_body("u%03d" % n) for n in range(100)]
    server.add("GET", USERS, body={"data": first, "pagination": {"total": 101, "count": 100, "offset": 0, "limit": 100}})
    server.add("GET", USERS, body={"data": [user_body("last")], "pagination": {"total": 101, "count": 1, "offset": 100, "limit": 100}})
    result = run(server)
    assert not result["changed"]
    assert [user["name"] for user in result["users"]] == [user["name"] for user in first] + ["last"]
    assert [call["query"]["offset"] for call in server.calls()] == [["0"], ["100"]]


def test_pagination_with_only_total(server):
    server.add("GET", USERS, body={"data": [user_body("a"), user_body("b")], "pagination": {"total": 2}})
    assert [user["name"] for user in run(server)["users"]] == ["a", "b"]
    assert len(server.calls()) == 1


def test_one_user_by_name_is_one_request_with_a_token(server):
    server.add("GET", USERS + "/ops1", body=dict(user_body(), _links=[{"rel": "self"}]))
    result = run(server, name="ops1")
    assert result["users"] == [dict(user_body(), _links=[{"rel": "self"}])]
    assert [(c["method"], c["path"]) for c in server.calls()] == [("GET", USERS + "/ops1")]


def test_a_missing_user_gives_an_empty_list(server):
    server.add("GET", USERS + "/nobody", status=404, body={"title": "Not Found"})
    assert run(server, name="nobody")["users"] == []


def test_check_mode_reads_as_usual_and_logs_out(server):
    server.add("GET", USERS, body={"data": [user_body()], "pagination": {"total": 1}})
    result = run(server, check_mode=True, credentials=True)
    assert result["users"] == [user_body()]
    assert [(c["method"], c["path"]) for c in server.calls()] == [("POST", TOKEN), ("GET", USERS), ("DELETE", TOKEN)]


def test_a_forbidden_listing_fails_with_the_server_message(server):
    server.add("GET", USERS, status=403, body={"title": "Forbidden", "details": "Only users with the Portal Administrator role may manage users."})
    result = run(server)
    assert result["failed"]
    assert result["msg"] == "GET /api/v1/users: HTTP 403 Only users with the Portal Administrator role may manage users."
