"""Concurrent clients: creates race to exactly one winner; keep-alive sessions in parallel all succeed."""

from concurrent.futures import ThreadPoolExecutor

from conftest import Sim
from test_vb365_accounts import create
from test_vbgc_users import create_user

THREADS = 20


def in_parallel(function, count=THREADS):
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: function(), range(count)))


def test_one_account_wins_a_create_race(sim, vb365_token):
    # A Sim per thread: one keep-alive connection each, so the requests really overlap.
    statuses = in_parallel(lambda: create(Sim(sim.ready), vb365_token).status_code)
    assert sorted(statuses) == [201] + [409] * (THREADS - 1)
    assert len(sim.vb365("GET", "/v8/Accounts", vb365_token).json()) == 1


def test_one_user_wins_a_create_race(sim, vbgc_token):
    statuses = in_parallel(lambda: create_user(Sim(sim.ready), vbgc_token).status_code)
    assert sorted(statuses) == [200] + [409] * (THREADS - 1)


def test_parallel_keep_alive_sessions(sim, vb365_token, vbgc_token):
    def session_work():
        client = Sim(sim.ready)
        return [client.vb365("GET", "/v8/Accounts", vb365_token).status_code for _ in range(10)] + [
            client.vbgc("GET", "/api/v1/users", vbgc_token).status_code for _ in range(10)]

    results = in_parallel(session_work, 8)
    assert all(status == 200 for statuses in results for status in statuses)
    assert len(sim.journal()) == 8 * 20 + 2  # plus the two logins
