# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""engine.send_once(): a create is never repeated blindly, against a real local HTTP server."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import VeeamApiError
from ansible_collections.veeam_community.backup.plugins.module_utils.core.http_client import HttpClient
from ansible_collections.veeam_community.backup.plugins.module_utils.core.engine import CreatedMeanwhile, send_once

ITEMS = "/items"


def create_and_find(server):
    sleeps, warnings = [], []
    http = HttpClient(server.url, timeout=5, sleep=sleeps.append, warn=warnings.append)
    return (lambda: http.request("POST", ITEMS, json={"name": "a"}).body,
            lambda: next(iter(http.request("GET", ITEMS).body), None), sleeps, warnings)


def test_a_create_answered_503_after_the_server_acted_is_not_sent_again_and_returns_the_object(server):
    server.add("POST", ITEMS, status=503).add("GET", ITEMS, body=[{"id": "1", "name": "a"}])
    create, find, sleeps, _warnings = create_and_find(server)
    assert send_once(create, find) == {"id": "1", "name": "a"}
    assert len(server.calls("POST")) == 1 and sleeps == []


@pytest.mark.parametrize("fault", [{"status": 429}, {"status": 502}, {"status": 504}, {"drop": True}])
def test_a_create_whose_outcome_is_unknown_is_sent_again_only_when_a_read_finds_nothing(server, fault):
    server.add("POST", ITEMS, **fault).add("POST", ITEMS, status=201, body={"id": "1", "name": "a"})
    server.add("GET", ITEMS, body=[])
    create, find, sleeps, warnings = create_and_find(server)
    assert send_once(create, find) == {"id": "1", "name": "a"}
    assert len(server.calls("POST")) == 2 and len(server.calls("GET")) == 1
    assert len(sleeps) == 1 and "it was not carried out; retry 1 of 4" in warnings[0]


def test_a_refusal_as_a_duplicate_with_the_object_there_means_another_task_created_it(server):
    server.add("POST", ITEMS, status=409, body={"message": "exists"}).add("GET", ITEMS, body=[{"id": "2"}])
    create, find, _sleeps, _warnings = create_and_find(server)
    with pytest.raises(CreatedMeanwhile) as err:
        send_once(create, find)
    assert err.value.found == {"id": "2"}


def test_a_refusal_without_the_object_is_raised_as_it_is(server):
    server.add("POST", ITEMS, status=409, body={"message": "exists elsewhere"}).add("GET", ITEMS, body=[])
    create, find, _sleeps, _warnings = create_and_find(server)
    with pytest.raises(VeeamApiError, match="exists elsewhere"):
        send_once(create, find)


def test_the_tries_are_bounded_and_the_message_says_nothing_was_created(server):
    server.add("POST", ITEMS, status=503, body={"message": "Unavailable."}, sticky=True)
    server.add("GET", ITEMS, body=[], sticky=True)
    create, find, sleeps, _warnings = create_and_find(server)
    with pytest.raises(VeeamApiError) as err:
        send_once(create, find)
    assert len(server.calls("POST")) == 5 and len(sleeps) == 4
    assert "Unavailable (5 tries; after each, a read found that nothing had been created)" in str(err.value)
    assert "not repeated" not in str(err.value)
