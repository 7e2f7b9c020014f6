#!/usr/bin/env python3
"""Run the guides' code blocks as printed, against a fresh simulator (`make docs-test`).

    python tests/docs/guide_runner.py [GUIDE.rst ...]   the guides in GUIDES, or these files
    python tests/docs/guide_runner.py --blocks GUIDE DIR  run one guide's blocks in DIR (what the harness runs)

The convention, for the author of a guide:
  * `.. docs-test: file NAME` before a code block: write the block to NAME in the working directory;
  * `.. code-block:: console`: every line starting with `$ ` is a command (a line ending in a backslash
    continues on the next one); the commands of one block run as one bash script (`set -euo pipefail`) in the
    working directory and must exit 0; the other lines are sample output;
  * `.. code-block:: yaml` (or yaml+jinja) that is a playbook: run with ansible-playbook as is;
  * `.. docs-test: skip REASON` before a block: skip it (only for what cannot run here);
  * a YAML block that is not a playbook, a console block without a command, a bash/shell block, or a
    docs-test comment with no code block after it is an error: everything runnable is run or skipped with a reason.
Blocks run in order, the first failure ends the guide. Each guide gets a fresh working directory and a fresh
simulator (the harness): VEEAM_VB365_* and VEEAM_VBGC_* are set, ANSIBLE_COLLECTIONS_PATH (from the Makefile)
finds the collection, and the whole output is scanned for every secret the simulator saw.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GUIDE_DIR = os.path.join(REPO, "docs", "docsite", "rst")

# The guides that run, and how. Options:
#   wrapper: a command put in front of the harness, which runs it (e.g. an OpenBao dev server around it);
#   own_collection: the guide installs the collection itself, so ANSIBLE_COLLECTIONS_PATH is not passed on;
#   clone: a copy of this checkout (the files git tracks or does not ignore) is put at this name in the working
#          directory, standing in for the guide's `git clone` (the test machine has no network).
GUIDES = {
    "getting_started.rst": {"clone": "veeam-backup", "own_collection": True},
    "token_reuse.rst": {},
    "mfa.rst": {"wrapper": [sys.executable, "tools/openbao_dev.py", "--"]},
}

DIRECTIVE = re.compile(r"^\s*\.\. docs-test:\s*(\S+)\s*(.*?)\s*$")
CODE_BLOCK = re.compile(r"^(\s*)\.\. code-block::\s*(\S+)\s*$")
YAML = ("yaml", "yaml+jinja")
SHELL = ("bash", "sh", "shell", "shell-session")


class GuideError(Exception):
    pass


@dataclass
class Block:
    line: int  # of the code-block directive, 1-based
    language: str
    text: str
    action: str = ""  # "", "file" or "skip"
    argument: str = ""


def _block_body(lines, start, indent):
    """(the dedented content of the code block whose directive is lines[start], the index after it)"""
    index = start + 1
    while index < len(lines) and lines[index].strip().startswith(":") and _indent(lines[index]) > indent:
        index += 1  # options such as :caption:
    body = []
    while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > indent):
        body.append(lines[index])
        index += 1
    while body and not body[-1].strip():
        body.pop()
    content = [line for line in body if line.strip()]
    margin = min((_indent(line) for line in content), default=0)
    return "\n".join(line[margin:] for line in body).strip("\n") + "\n", index


def _indent(line):
    return len(line) - len(line.lstrip())


def parse(text):
    """The code blocks of an .rst text, each with the docs-test comment before it (if any)."""
    lines, blocks, pending, index = text.splitlines(), [], None, 0
    while index < len(lines):
        line = lines[index]
        directive, code = DIRECTIVE.match(line), CODE_BLOCK.match(line)
        if directive:
            pending = _directive(directive, index + 1)
        elif code:
            body, after = _block_body(lines, index, len(code.group(1)))
            action, argument = pending[1:] if pending else ("", "")
            blocks.append(Block(index + 1, code.group(2), body, action, argument))
            pending, index = None, after
            continue
        elif line.strip() and pending:
            raise GuideError(f"line {pending[0]}: a docs-test comment must be followed by a code block")
        index += 1
    if pending:
        raise GuideError(f"line {pending[0]}: a docs-test comment must be followed by a code block")
    return blocks


def _directive(match, number):
    action, argument = match.group(1), match.group(2)
    if action not in ("file", "skip"):
        raise GuideError(f"line {number}: unknown docs-test action {action!r} (file NAME or skip REASON)")
    if not argument:
        raise GuideError(f"line {number}: docs-test {action} needs a {'file name' if action == 'file' else 'reason'}")
    if action == "file" and (os.path.isabs(argument) or ".." in argument.split("/")):
        raise GuideError(f"line {number}: docs-test file {argument!r} must be a path inside the working directory")
    return number, action, argument


def commands(block):
    """The `$ ` lines of a console block, continuation lines joined."""
    found, continuing = [], False
    for line in block.text.splitlines():
        if continuing:
            found[-1] += "\n" + line
        elif line.startswith("$ "):
            found.append(line[2:])
        else:
            continue
        continuing = line.endswith("\\")
    return found


def is_playbook(text):
    data = yaml.safe_load(text)
    return isinstance(data, list) and bool(data) and all(
        isinstance(play, dict) and ("hosts" in play or "import_playbook" in play) for play in data)


def run_block(block, workdir):
    """Run (or write, or skip) one block; raise GuideError when it fails."""
    where = f"block at line {block.line} ({block.language})"
    if block.action == "skip":
        print(f"--- {where}: skipped: {block.argument}", flush=True)
    elif block.action == "file":
        path = os.path.join(workdir, block.argument)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(block.text)
        print(f"--- {where}: written to {block.argument}", flush=True)
    elif block.language == "console":
        _run_console(block, where, workdir)
    elif block.language in YAML:
        _run_playbook(block, where, workdir)
    elif block.language in SHELL:
        raise GuideError(f"{where}: write commands as a console block with `$ ` prompts, or skip it with a reason")


def _run_console(block, where, workdir):
    found = commands(block)
    if not found:
        raise GuideError(f"{where}: a console block needs commands starting with `$ ` (or a docs-test skip reason)")
    print(f"--- {where}:\n" + "".join(f"$ {command}\n" for command in found), end="", flush=True)
    script = "set -euo pipefail\n" + "\n".join(found) + "\n"
    code = subprocess.call(["bash", "-c", script], cwd=workdir)
    if code:
        raise GuideError(f"{where}: exit code {code}")


def _run_playbook(block, where, workdir):
    try:
        playbook = is_playbook(block.text)
    except yaml.YAMLError as exc:
        raise GuideError(f"{where}: not valid YAML: {exc}") from None
    if not playbook:
        raise GuideError(f"{where}: not a playbook, so it cannot run as printed: make it a playbook, "
                         "write it to a file a later block uses (docs-test file NAME) or skip it with a reason")
    name = f"guide-block-{block.line}.yml"
    with open(os.path.join(workdir, name), "w", encoding="utf-8") as handle:
        handle.write(block.text)
    print(f"--- {where}: ansible-playbook {name}", flush=True)
    code = subprocess.call(["ansible-playbook", name], cwd=workdir)
    if code:
        raise GuideError(f"{where}: ansible-playbook exit code {code}")


def run_blocks(guide, workdir):
    """Run a guide's blocks in order in workdir. -> 0, or 1 after printing the failure."""
    with open(guide, encoding="utf-8") as handle:
        text = handle.read()
    try:
        for block in parse(text):
            run_block(block, workdir)
    except GuideError as exc:
        print(f"docs-test: {os.path.basename(guide)}: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def copy_checkout(dest):
    """The files a `git clone` of this checkout would have (plus new files git does not ignore)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = os.path.join(REPO, rel)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            shutil.copy2(source, os.path.join(dest, rel))


def run_guide(guide, options):
    """One guide in a fresh working directory, under its wrapper and the harness. -> exit code"""
    base = tempfile.mkdtemp(prefix=f"docs-test-{os.path.splitext(os.path.basename(guide))[0]}-")
    workdir, log = os.path.join(base, "work"), os.path.join(base, "output.log")
    os.mkdir(workdir)
    if options.get("clone"):
        copy_checkout(os.path.join(workdir, options["clone"]))
    env = dict(os.environ)
    if options.get("own_collection"):
        env.pop("ANSIBLE_COLLECTIONS_PATH", None)
    command = [*options.get("wrapper", []), sys.executable, "-m", "veeam_simulator.harness", "--scan-output", log,
               "--", sys.executable, os.path.abspath(__file__), "--blocks", os.path.abspath(guide), workdir]
    print(f"=== docs-test: {guide} in {workdir}", flush=True)
    code = subprocess.call(command, cwd=REPO, env=env)
    if code:
        print(f"=== docs-test: {guide} FAILED (exit code {code}); its files and output are in {base}", flush=True)
    else:
        shutil.rmtree(base)
        print(f"=== docs-test: {guide} passed", flush=True)
    return code


def main(argv):
    if argv[:1] == ["--blocks"] and len(argv) == 3:
        return run_blocks(argv[1], argv[2])
    guides = {path: GUIDES.get(os.path.basename(path), {}) for path in argv} or {os.path.join(GUIDE_DIR, name): opts for name, opts in GUIDES.items()}
    failed = [guide for guide, options in guides.items() if run_guide(guide, options)]
    if failed:
        print("docs-test: failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
