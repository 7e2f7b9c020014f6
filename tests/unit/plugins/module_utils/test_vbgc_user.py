# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The desired state of one VBGC user (vbgc_user.py), called directly against the scripted appliance."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.mask import MASK
from ansible_collections.veeam_community.backup.plugins.module_utils.vbgc.user import USER, appliance_problem, input_problem
from ansible_collections.veeam_community.backup.tests.unit.utils.vbgc_fixtures import ALL_ROLES, OPERATOR_ROLE, ROLES, USERS, new_client, user_body


def params(**options):
    return dict({"name": "ops1", "description": None, "roles": None, "password": None, "old_password": None,
                 "update_password": "on_create", "state": "present"}, **options)


@pytest.mark.parametrize("options, words", [
    ({"roles": []}, "roles must list at least one role"),
    ({"roles": ["Portal Operator", " "]}, "no empty entries"),
    ({"name": "Ops1"}, "is not a valid VBGC user name"),
])
def test_input_problems_need_no_request(options, words):
    assert words in input_problem(params(**options))


def test_a_valid_user_has_no_input_problem():
    assert input_problem(params(roles=["Portal Operator"])) is None


def test_appliance_problems_name_the_fix(server):
    client = new_client(server, auth_token="given")
    server.add("GET", ROLES, body={"data": ALL_ROLES, "pagination": {"total": 3}})
    admin = user_body(name="admin", type="DefaultAdmin")
    assert "Default Administrator" in appliance_problem(client, params(name="admin", state="absent"), admin)
    assert appliance_problem(client, params(roles=["Portal Operator"]), None) == "user ops1 does not exist; creating it needs password."
    assert "unknown role 'Nope'" in appliance_problem(client, params(roles=["Nope"], password="pw"), None)
    assert appliance_problem(client, params(roles=["Portal Operator"]), user_body()) is None  # known from the user: no read


def test_ensure_user_predicts_a_create_in_check_mode_with_a_diff_only_in_diff_mode(server):
    server.add("GET", USERS + "/ops1", status=404, body={"title": "Not Found"}, sticky=True)
    server.add("GET", ROLES, body={"data": ALL_ROLES, "pagination": {"total": 3}}, sticky=True)
    wanted = params(roles=["portal operator"], password="s3cret-pw")
    quiet = USER.ensure(new_client(server, auth_token="given"), wanted, check_mode=True, diff_mode=False)
    shown = USER.ensure(new_client(server, auth_token="given"), wanted, check_mode=True, diff_mode=True)
    assert quiet == {"changed": True, "user": {"name": "ops1", "description": "", "mfaEnabled": False, "roles": [OPERATOR_ROLE]}}
    assert shown["diff"]["after"]["password"] == MASK and shown["diff"]["before"] == {}
    assert all(call["method"] == "GET" for call in server.calls())


def test_ensure_user_raises_an_input_error_before_any_write(server):
    server.add("GET", USERS + "/ops1", status=404, body={"title": "Not Found"})
    with pytest.raises(InputError, match="creating it needs password and roles"):
        USER.ensure(new_client(server, auth_token="given"), params(), check_mode=False, diff_mode=False)
    assert [call["method"] for call in server.calls()] == ["GET"]


def test_ensure_user_leaves_a_matching_user_alone(server):
    server.add("GET", USERS + "/ops1", body={"user": user_body(description="night shift")})
    result = USER.ensure(new_client(server, auth_token="given"), params(description="night shift", roles=["Portal Operator"]),
                         check_mode=False, diff_mode=False)
    assert result["changed"] is False
    assert [call["method"] for call in server.calls()] == ["GET"]
