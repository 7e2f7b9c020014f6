# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""vb365_repository.py: the retention clean-up schedule and the S3-compatible storage types (WasabiCloud, IBMCloud),
called directly against the scripted server."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError
from ansible_collections.veeam_community.backup.plugins.module_utils.vb365.repository import REPOSITORY, input_problem
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_fixtures import ACCOUNT_ID, account
from ansible_collections.veeam_community.backup.tests.unit.utils.vb365_storage_fixtures import (
    REPO_ID,
    S3_ACCOUNT,
    client_for,
    page,
    repository,
    repository_params,
    script_lookups,
)

REPOS = "/v8/BackupRepositories"
WASABI = "https://s3.eu-central-1.wasabisys.com"
COMPATIBLE_ACCOUNT = account(user_name="wasabikey0001", account_type="amazonS3CompatibleAccount")


def schedule(**given):
    """cleanup_schedule as AnsibleModule fills it: every suboption present, None when not given."""
    return dict(dict.fromkeys(("frequency", "time", "days", "day_number", "day_of_week")), **given)


def writes(server):
    return [(call["method"], call["path"]) for call in server.calls() if call["method"] != "GET"]


def compatible_repository(storage_type):
    bucket = {"name": "m365-backups", "servicePoint": WASABI, "customRegionId": "eu-central-1",
              "trustServerCertificate": False, "trustedServerCertificateThumbprint": None}
    return repository(storage={"type": storage_type, "amazonBucketS3Compatible": bucket, "amazonBucketS3Aws": None})


def compatible_params(**options):
    return repository_params(account={"id": None, "account_type": "s3_compatible", "user_name": "wasabikey0001",
                                      "organization_id": None},
                             region_id=None, service_point=WASABI, custom_region_id="eu-central-1", **options)


def update(server, params, check_mode=False, current=None):
    """REPOSITORY.ensure() on the repository of the fixtures (or current); the PUT body, or None when none was sent."""
    script_lookups(server).add("GET", REPOS, body=page([current or repository()]))
    server.add("PUT", REPOS + "/" + REPO_ID, status=204)
    result = REPOSITORY.ensure(client_for(server), params, check_mode=check_mode, diff_mode=True)
    puts = server.calls("PUT")
    return result, puts[0]["json"] if puts else None


@pytest.mark.parametrize("given, words", [
    ({"time": "03:00"}, "time needs frequency (daily or monthly)"),
    ({"frequency": "daily", "time": "25:00"}, "time='25:00' is not a time of day: give HH:MM or HH:MM:SS"),
    ({"frequency": "daily", "time": "1080"}, "YAML reads an unquoted 18:00 as the number 1080"),
    ({"frequency": "monthly", "time": "3:00"}, "time='3:00' is not a time of day"),
    ({"frequency": "daily", "time": "03:00:60"}, "time='03:00:60' is not a time of day"),
    ({"frequency": "daily", "day_number": "last"}, "day_number belong to the monthly clean-up, not to frequency=daily"),
    ({"frequency": "monthly", "days": "workdays"}, "days belong to the daily clean-up, not to frequency=monthly"),
])
def test_schedule_problems_are_found_before_any_request(given, words):
    assert words in input_problem(repository_params(cleanup_schedule=schedule(**given)))


@pytest.mark.parametrize("given", [
    {"frequency": "daily", "time": "18:00"}, {"frequency": "daily", "time": "18:00:00", "days": "everyday"},
    {"days": "everyday"}, {"day_number": "first", "day_of_week": "saturday"}, {},
])
def test_a_schedule_as_the_server_has_it_sends_nothing(server, given):
    current = repository(monthlyTime="18:00:00", monthlyDaynumber="First", monthlyDayofweek="Saturday")
    assert input_problem(repository_params(cleanup_schedule=schedule(**given))) is None
    result, body = update(server, repository_params(cleanup_schedule=schedule(**given)), current=current)
    assert result["changed"] is False and body is None
    assert result["diff"]["before"]["dailyTime"] == "18:00:00"


def test_a_time_given_without_seconds_is_compared_as_the_server_writes_it(server):
    result, body = update(server, repository_params(cleanup_schedule=schedule(frequency="daily", time="06:15")),
                          current=repository(dailyTime="06:15"))
    assert result["changed"] is False and body is None
    assert result["diff"]["before"]["dailyTime"] == "06:15:00"


def test_a_changed_time_is_predicted_in_check_mode_then_sent_once(server):
    params = repository_params(cleanup_schedule=schedule(frequency="daily", time="19:30", days="weekends"))
    checked, nothing = update(server, params, check_mode=True)
    assert nothing is None and writes(server) == []
    result, body = update(server, params)
    assert checked["changed"] and checked["diff"] == result["diff"]
    assert (result["diff"]["before"]["dailyTime"], result["diff"]["after"]["dailyTime"]) == ("18:00:00", "19:30:00")
    assert result["diff"]["after"]["dailyType"] == "Weekends"
    assert (body["retentionFrequencyType"], body["dailyTime"], body["dailyType"]) == ("Daily", "19:30:00", "Weekends")
    assert result["repository"]["dailyTime"] == "19:30:00"


def test_a_monthly_schedule_keeps_the_daily_fields_and_leaves_out_what_is_not_known(server):
    params = repository_params(cleanup_schedule=schedule(frequency="monthly", time="02:00:30", day_number="last"))
    result, body = update(server, params)
    assert result["changed"]
    assert (body["retentionFrequencyType"], body["monthlyTime"], body["monthlyDaynumber"]) == ("Monthly", "02:00:30", "Last")
    assert (body["dailyTime"], body["dailyType"]) == ("18:00:00", "Everyday")
    assert "monthlyDayofweek" not in body  # not on the server, not given: the server keeps its own


def test_a_new_repository_sends_the_schedule_given_and_nothing_else_of_it(server):
    script_lookups(server).add("GET", REPOS, body=page([])).add("POST", REPOS, status=201, body=repository())
    params = repository_params(cleanup_schedule=schedule(frequency="monthly", day_of_week="sunday"))
    result = REPOSITORY.ensure(client_for(server), params, check_mode=False, diff_mode=True)
    body = server.calls("POST")[0]["json"]
    assert (body["retentionFrequencyType"], body["monthlyDayofweek"]) == ("Monthly", "Sunday")
    assert not {"dailyTime", "dailyType", "monthlyTime", "monthlyDaynumber"} & set(body)
    assert result["diff"]["after"]["monthlyDayofweek"] == "Sunday" and result["diff"]["after"]["monthlyTime"] is None


@pytest.mark.parametrize("storage_type", ["WasabiCloud", "IBMCloud", "AmazonS3Compatible"])
def test_an_update_of_an_s3_compatible_repository_sends_its_own_storage_type(server, storage_type):
    server.add("GET", "/v8/Accounts", body=[COMPATIBLE_ACCOUNT], sticky=True)
    result, body = update(server, compatible_params(description="tenant B"), current=compatible_repository(storage_type))
    assert result["changed"] and result["diff"]["before"]["objectStorageType"] == storage_type
    assert body["objectStorage"]["type"] == storage_type
    assert body["objectStorage"]["amazonBucketS3Compatible"]["servicePoint"] == WASABI


def test_a_wasabi_repository_is_created_with_its_type(server):
    server.add("GET", "/v8/Accounts", body=[COMPATIBLE_ACCOUNT], sticky=True)
    script_lookups(server).add("GET", REPOS, body=page([])).add("POST", REPOS, status=201, body=repository())
    server.add("GET", "/v8/S3CompatibleResources/buckets/m365-backups/folders", body=[{"name": "exchange"}])
    result = REPOSITORY.ensure(client_for(server), compatible_params(storage_type="wasabi_cloud"), check_mode=False,
                               diff_mode=True)
    storage = server.calls("POST")[0]["json"]["objectStorage"]
    assert (storage["type"], storage["s3Folder"]) == ("WasabiCloud", "exchange")
    assert storage["amazonBucketS3Compatible"]["customRegionId"] == "eu-central-1"
    assert result["diff"]["after"]["objectStorageType"] == "WasabiCloud"


def test_the_storage_type_of_an_existing_repository_is_refused_before_any_write(server):
    server.add("GET", "/v8/Accounts", body=[COMPATIBLE_ACCOUNT], sticky=True)
    with pytest.raises(InputError, match="storage_type cannot be changed .*objectStorageType is AmazonS3Compatible, not IBMCloud"):
        update(server, compatible_params(storage_type="ibm_cloud"), current=compatible_repository("AmazonS3Compatible"))
    assert writes(server) == []


def test_a_storage_type_needs_an_s3_compatible_account(server):
    problem = input_problem(repository_params(storage_type="wasabi_cloud"))
    assert problem == "storage_type=wasabi_cloud needs an s3_compatible account, not amazon_s3."
    by_id = repository_params(storage_type="ibm_cloud", account={"id": ACCOUNT_ID, "account_type": None,
                                                                 "user_name": None, "organization_id": None})
    assert input_problem(by_id) is None
    server.add("GET", "/v8/Accounts/" + ACCOUNT_ID, body=S3_ACCOUNT, sticky=True)
    with pytest.raises(InputError, match="storage_type=ibm_cloud needs an s3_compatible account; account .* is amazonS3Account"):
        update(server, by_id)
    assert writes(server) == []


def test_a_create_answered_503_after_the_server_acted_is_this_task_s_repository_not_a_409(server):
    script_lookups(server).add("GET", REPOS, body=page([])).add("POST", REPOS, status=503)
    server.add("GET", REPOS, body=page([repository()]))  # the read again finds the repository the first POST made
    server.add("POST", REPOS, status=409, body={"message": "A repository with this name already exists."})
    result = REPOSITORY.ensure(client_for(server), repository_params(), check_mode=False, diff_mode=False)
    assert result["changed"] and result["repository"]["id"] == REPO_ID
    assert len(server.calls("POST", REPOS)) == 1


def test_a_create_refused_because_another_task_made_it_meanwhile_goes_on_as_an_update(server):
    script_lookups(server).add("GET", REPOS, body=page([]))
    server.add("POST", REPOS, status=409, body={"message": "A repository with this name already exists."})
    server.add("GET", REPOS, body=page([repository()]))
    result = REPOSITORY.ensure(client_for(server), repository_params(), check_mode=False, diff_mode=False)
    assert not result["changed"] and result["repository"]["id"] == REPO_ID


@pytest.mark.parametrize("option", ["bucket", "folder"])
@pytest.mark.parametrize("value", [".", "..", "a/b"])
def test_a_bucket_or_folder_that_would_change_the_request_path_is_refused_without_a_request(option, value):
    assert "%s='%s' must be one name: not empty, '.' or '..'" % (option, value) in input_problem(
        repository_params(**{option: value}))
