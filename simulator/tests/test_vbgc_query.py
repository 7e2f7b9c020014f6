"""VBGC collection queries: filter, orderby, offset/limit and the envelope."""

import json
import time

import pytest
from test_vbgc_token import assert_error

NAMES = ["alpha", "bravo", "charlie", "delta", "echo"]


@pytest.fixture
def users(sim):
    sim.seed(vbgc_users=[
        {"name": "alpha", "password": "x", "roles": ["Portal Operator"], "description": "Team A"},
        {"name": "bravo", "password": "x", "roles": ["Restore Operator"], "description": "team b",
         "mfa_secret": "JBSWY3DPEHPK3PXP"},
        {"name": "charlie", "password": "x", "roles": ["Portal Operator"], "description": "Team C"},
        {"name": "delta", "password": "x", "roles": ["Portal Administrator"], "description": "ops"},
        {"name": "echo", "password": "x", "roles": ["Restore Operator"], "description": "team e"},
    ])


def names(sim, token, **params):
    query = {key: json.dumps(value) if isinstance(value, list) else value for key, value in params.items()}
    response = sim.vbgc("GET", "/api/v1/users", token, params=query)
    assert response.status_code == 200, response.text
    return [user["name"] for user in response.json()["data"]]


def expr(prop, operator, value, ignorecase=None):
    item = {"property": prop, "operator": operator, "value": value}
    if ignorecase is not None:
        item["ignorecase"] = ignorecase
    return item


@pytest.mark.parametrize(("filter_", "expected"), [
    ([expr("name", "equals", "alpha")], ["alpha"]),
    ([expr("name", "equals", "ALPHA")], []),
    ([expr("name", "equals", "ALPHA", True)], ["alpha"]),
    ([expr("name", "equals", "ALPHA", "true")], ["alpha"]),
    ([expr("name", "equals", "ALPHA", "false")], []),
    ([expr("name", "notEquals", "alpha")], ["admin", "bravo", "charlie", "delta", "echo"]),
    ([expr("description", "contains", "team")], ["bravo", "echo"]),
    ([expr("description", "contains", "team", True)], ["alpha", "bravo", "charlie", "echo"]),
    ([expr("name", "in", ["echo", "alpha", "zulu"])], ["alpha", "echo"]),
    ([expr("name", "like", "?e*")], ["delta"]),
    ([expr("name", "like", "*a")], ["alpha", "delta"]),
    ([expr("description", "like", "TEAM ?", True)], ["alpha", "bravo", "charlie", "echo"]),
    ([expr("name", "greaterThan", "charlie")], ["delta", "echo"]),
    ([expr("name", "greaterThanOrEqual", "charlie")], ["charlie", "delta", "echo"]),
    ([expr("name", "lessThan", "bravo")], ["admin", "alpha"]),
    ([expr("name", "lessThanOrEqual", "bravo")], ["admin", "alpha", "bravo"]),
    ([expr("mfaEnabled", "equals", True)], ["bravo"]),
    ([expr("mfaEnabled", "equals", "false"), expr("type", "equals", "Regular")], ["alpha", "charlie", "delta", "echo"]),
    ([expr("type", "equals", "DefaultAdmin")], ["admin"]),
    ([{"operator": "or", "items": [expr("name", "equals", "alpha"), expr("name", "equals", "echo")]}],
     ["alpha", "echo"]),
    ([{"operator": "andAlso", "items": [expr("description", "contains", "team"), expr("name", "like", "e*")]}],
     ["echo"]),
    ([{"operator": "exclusiveOr", "items": [expr("description", "contains", "team", True),
                                            expr("name", "like", "*a")]}], ["bravo", "charlie", "delta", "echo"]),
    ([{"operator": "orElse", "items": [
        {"operator": "and", "items": [expr("name", "like", "a*"), expr("mfaEnabled", "equals", False)]},
        expr("name", "equals", "bravo")]}], ["alpha", "admin", "bravo"]),
    ([expr("Name", "EQUALS", "alpha")], ["alpha"]),
])
def test_filter(sim, vbgc_token, users, filter_, expected):
    assert sorted(names(sim, vbgc_token, filter=filter_)) == sorted(expected)


@pytest.mark.parametrize("raw", [
    "not json",
    json.dumps({"property": "name", "operator": "equals", "value": "x"}),
    json.dumps([expr("password", "equals", "x")]),
    json.dumps([expr("name", "startsWith", "x")]),
    json.dumps([{"property": "name", "operator": "equals"}]),
    json.dumps([expr("name", "in", "alpha")]),
    json.dumps([expr("mfaEnabled", "contains", "t")]),
    json.dumps([expr("mfaEnabled", "equals", "yes")]),
    json.dumps([expr("name", "equals", "x", "sometimes")]),
    json.dumps([expr("name", "equals", {"x": 1})]),
    json.dumps([{"operator": "and", "items": []}]),
    json.dumps([{"operator": "or"}]),
    json.dumps(["name"]),
])
def test_bad_filter_is_400(sim, vbgc_token, raw):
    assert_error(sim.vbgc("GET", "/api/v1/users", vbgc_token, params={"filter": raw}), 400)


def test_orderby(sim, vbgc_token, users):
    by_name_desc = [{"property": "name", "direction": "DESC"}]
    assert names(sim, vbgc_token, orderby=by_name_desc) == ["echo", "delta", "charlie", "bravo", "alpha", "admin"]
    by_type_then_name = [{"property": "type", "direction": "ASC"}, {"property": "name", "direction": "desc"}]
    assert names(sim, vbgc_token, orderby=by_type_then_name) == ["admin", "echo", "delta", "charlie", "bravo", "alpha"]
    by_mfa = [{"property": "mfaEnabled", "direction": "DESC"}, {"property": "name"}]
    assert names(sim, vbgc_token, orderby=by_mfa)[0] == "bravo"


@pytest.mark.parametrize("raw", ["[", json.dumps([{"property": "name", "direction": "UP"}]),
                                 json.dumps([{"property": "nope"}]), json.dumps({"property": "name"})])
def test_bad_orderby_is_400(sim, vbgc_token, raw):
    assert_error(sim.vbgc("GET", "/api/v1/users", vbgc_token, params={"orderby": raw}), 400)


def test_pagination(sim, vbgc_token, users):
    response = sim.vbgc("GET", "/api/v1/users", vbgc_token, params={"offset": 2, "limit": 3})
    assert response.json()["pagination"] == {"total": 6, "count": 3, "offset": 2, "limit": 3}
    assert [user["name"] for user in response.json()["data"]] == ["bravo", "charlie", "delta"]
    tail = sim.vbgc("GET", "/api/v1/users", vbgc_token, params={"offset": 5, "limit": 3}).json()
    assert tail["pagination"] == {"total": 6, "count": 1, "offset": 5, "limit": 3}
    beyond = sim.vbgc("GET", "/api/v1/users", vbgc_token, params={"offset": 50}).json()
    assert beyond == {"data": [], "pagination": {"total": 6, "count": 0, "offset": 50, "limit": 100}}
    filtered = sim.vbgc("GET", "/api/v1/users", vbgc_token, params={
        "filter": json.dumps([expr("type", "equals", "Regular")]), "limit": 2}).json()
    assert filtered["pagination"] == {"total": 5, "count": 2, "offset": 0, "limit": 2}


@pytest.mark.parametrize(("params", "status"), [
    ({"limit": 1000}, 200), ({"limit": 0}, 200), ({"limit": 1001}, 400), ({"limit": -1}, 400),
    ({"offset": -1}, 400), ({"offset": "x"}, 400), ({"limit": "1.5"}, 400),
])
def test_limit_and_offset_bounds(sim, vbgc_token, params, status):
    assert sim.vbgc("GET", "/api/v1/users", vbgc_token, params=params).status_code == status


def test_roles_accept_the_same_query(sim, vbgc_token):
    response = sim.vbgc("GET", "/api/v1/users/roles", vbgc_token, params={
        "filter": json.dumps([expr("name", "contains", "operator", True)]),
        "orderby": json.dumps([{"property": "name", "direction": "DESC"}])})
    assert [role["name"] for role in response.json()["data"]] == ["Restore Operator", "Portal Operator"]


def test_ten_thousand_users(sim, vbgc_token):
    started = time.monotonic()
    created = sim.seed(vbgc_users=[{"name": f"user{i:05d}", "password": "pw", "roles": ["Restore Operator"]}
                                   for i in range(10_000)])
    assert len(created["vbgc_users"]) == 10_000
    response = sim.vbgc("GET", "/api/v1/users", vbgc_token, params={
        "offset": 9990, "filter": json.dumps([expr("name", "like", "user*")])})
    assert response.json()["pagination"] == {"total": 10_000, "count": 10, "offset": 9990, "limit": 100}
    assert time.monotonic() - started < 10
