# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""veeam_m365_repository's cleanup_schedule, run as Ansible runs it against a real local HTTP server."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.modules import veeam_m365_repository
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import run_vb365_module, writes
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_storage_fixtures import (
    REPO_ID,
    page,
    repository,
    script_lookups,
)

REPOS = "/v8/BackupRepositories"


@pytest.mark.parametrize("cleanup_schedule, words", [
    ({"frequency": "daily", "days": "someday"}, "value of days must be one of: everyday, workdays, weekends"),
    ({"frequency": "weekly"}, "value of frequency must be one of: daily, monthly"),
    ({"frequency": "daily", "time": "6pm"}, "give HH:MM or HH:MM:SS"),
    ({"frequency": "monthly", "days": "weekends"}, "days belong to the daily clean-up, not to frequency=monthly"),
])
def test_a_bad_schedule_is_refused_before_any_request(server, cleanup_schedule, words):
    result = run_vb365_module(veeam_m365_repository, server, name="m365-s3", cleanup_schedule=cleanup_schedule)
    assert result["failed"] and words in result["msg"]
    assert server.calls() == []


def test_a_schedule_change_in_check_mode_shows_the_diff_and_writes_nothing(server):
    script_lookups(server).add("GET", REPOS, body=page([repository()]), sticky=True)
    server.add("PUT", REPOS + "/" + REPO_ID, status=204)
    options = {"name": "M365-S3", "cleanup_schedule": {"frequency": "monthly", "time": "23:45", "day_of_week": "friday"}}
    checked = run_vb365_module(veeam_m365_repository, server, check_mode=True, **options)
    assert writes(server) == []
    made = run_vb365_module(veeam_m365_repository, server, **options)
    assert checked["changed"] and checked["diff"] == made["diff"]
    before, after = made["diff"]["before"], made["diff"]["after"]
    assert (before["retentionFrequencyType"], after["retentionFrequencyType"]) == ("Daily", "Monthly")
    assert (after["monthlyTime"], after["monthlyDayofweek"], after["dailyTime"]) == ("23:45:00", "Friday", "18:00:00")
    assert [call["json"]["monthlyTime"] for call in writes(server)] == ["23:45:00"]
