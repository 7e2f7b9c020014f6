#!/usr/bin/env python3
"""Mirror the collection's files into BUILD/ansible_collections/veeam_community/backup.

ansible-test only works on a collection that lives at .../ansible_collections/NAMESPACE/NAME
(a symlink is rejected), so `make` keeps a copy there. The copy holds the files git tracks plus
new files git does not ignore, minus the development-only folders that are not part of the
collection (simulator, bench, tools, the guide runner in tests/docs, CI), plus the simulator's vendor document
that the unit tests read (BORROWED). Stale files are removed;
tests/output (ansible-test's scratch space) is kept between runs.

The copy gets a git repository of its own (no commits needed): inside the checkout, ansible-test
would otherwise ask the outer repository for the file list, which ignores the build tree.
"""

import os
import shutil
import subprocess
import sys

NOT_IN_COLLECTION = ("simulator/", "bench/", "tools/", ".ci/", "tests/docs/", "Makefile", "requirements-dev", "ruff.toml")
KEEP = ("tests/output/", ".git/")
# Files from outside the collection that its tests read, and where they go in the copy: the vendor document ships
# with the simulator (its one copy), and the unit tests check request bodies against it too.
BORROWED = {"tests/unit/data/vb365-rest-v8-accounts.json": "simulator/veeam_simulator/openapi/vb365-rest-v8-accounts.json"}


def collection_files(repo):
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    return sorted(f for f in listed if f and not f.startswith(NOT_IN_COLLECTION) and os.path.isfile(os.path.join(repo, f)))


def existing_files(dest):
    for root, _dirs, files in os.walk(dest):
        for name in files:
            rel = os.path.relpath(os.path.join(root, name), dest)
            if not rel.startswith(KEEP):
                yield rel


def main():
    repo, build = sys.argv[1], sys.argv[2]
    dest = os.path.join(build, "ansible_collections", "veeam_community", "backup")
    sources = {rel: rel for rel in collection_files(repo)} | BORROWED
    wanted = sorted(sources)
    for stale in set(existing_files(dest)) - set(wanted):
        os.remove(os.path.join(dest, stale))
    for rel in wanted:
        src, dst = os.path.join(repo, sources[rel]), os.path.join(dest, rel)
        if os.path.exists(dst) and os.path.getmtime(dst) >= os.path.getmtime(src) and os.path.getsize(dst) == os.path.getsize(src):
            continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    for root, dirs, files in os.walk(dest, topdown=False):
        if not dirs and not files and not os.path.relpath(root, dest).startswith(KEEP):
            os.rmdir(root)
    if not os.path.isdir(os.path.join(dest, ".git")):
        subprocess.run(["git", "init", "-q", dest], check=True)
    print(dest)


if __name__ == "__main__":
    main()
