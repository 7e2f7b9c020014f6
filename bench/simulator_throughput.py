"""Throughput of the Veeam API simulator on loopback, with keep-alive sessions. Prints a Markdown table.

    python bench/simulator_throughput.py [--requests 2000] [--threads 4] [--seconds 30]

Needs the simulator package (pip install -e simulator) and requests. Talks to 127.0.0.1 only.
Not a pass/fail test: it reports what it measured.
"""

import argparse
import threading
import time

import requests
from lab import API_VERSION, TIMEOUT, login, session_for, start


def logins(session, ready):
    """Fresh (VB365, VBGC) access tokens."""
    return login(session, ready, "vb365"), login(session, ready, "vbgc")


def seed(sim, count=20):
    """count S3 accounts and count VBGC users, through the control API of sim (a lab.Lab)."""
    accounts = [{"accountType": "amazonS3Account", "userName": f"AKIABENCH{i:03d}", "password": "s"}
                for i in range(count)]
    users = [{"name": f"bench{i:03d}", "password": "benchpass", "roles": ["Portal Operator"]} for i in range(count)]
    sim.seed(users=users, accounts=accounts)


def endpoints(ready, vb365_token, vbgc_token):
    return {
        "GET /v8/Accounts": (ready["vb365_url"] + "/v8/Accounts", {"Authorization": f"Bearer {vb365_token}"}),
        "GET /api/v1/users": (ready["vbgc_url"] + "/api/v1/users",
                              {"Authorization": f"Bearer {vbgc_token}", "x-api-version": API_VERSION}),
    }


def measure(ready, url, headers, total, threads, deadline):
    """Send up to `total` GETs from `threads` keep-alive sessions; return (done, failures, seconds)."""
    counts, lock = {"done": 0, "failed": 0, "issued": 0}, threading.Lock()

    def worker():
        session = session_for(ready)
        while time.monotonic() < deadline:
            with lock:
                if counts["issued"] >= total:
                    return
                counts["issued"] += 1
            try:
                ok = session.get(url, headers=headers, timeout=TIMEOUT).status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                counts["done" if ok else "failed"] += 1

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.monotonic()
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    return counts["done"], counts["failed"], time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per endpoint (default 2000)")
    parser.add_argument("--threads", type=int, default=4, help="client threads, one keep-alive session each")
    parser.add_argument("--seconds", type=float, default=30, help="time limit per endpoint (default 30)")
    args = parser.parse_args()
    (sim,) = start()
    ready = sim.ready
    try:
        session = session_for(ready)
        seed(sim)
        targets = endpoints(ready, *logins(session, ready))
        print("| endpoint | threads | requests | failures | seconds | requests/s |\n|---|---|---|---|---|---|")
        for name, (url, headers) in targets.items():
            done, failed, seconds = measure(ready, url, headers, args.requests, args.threads,
                                            time.monotonic() + args.seconds)
            print(f"| {name} | {args.threads} | {done} | {failed} | {seconds:.2f} | {done / seconds:.0f} |")
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
