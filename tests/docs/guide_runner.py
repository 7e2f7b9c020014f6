#!/usr/bin/env python3
"""Run the guides' code blocks as printed, against a fresh simulator (`make docs-test`).

    python tests/docs/guide_runner.py [GUIDE.rst|README.md ...]   the guides in GUIDES, or these files
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
In a Markdown file (README.md) the comment is `<!-- docs-test: file NAME -->` or `<!-- docs-test: skip REASON -->`
before a fenced block; a ```bash (sh, shell) block runs as one bash script (`set -euo pipefail`), a ```yaml block as
above; the other fenced blocks are not run.
Blocks run in order, the first failure ends the guide. Each guide gets a fresh working directory and a fresh
simulator (the harness): VEEAM_VB365_* and VEEAM_VBGC_* are set, ANSIBLE_COLLECTIONS_PATH (from the Makefile)
finds the collection, and the whole output is scanned for every secret the simulator saw.
"""

import os
import re
import shlex
import shutil
import socket
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
#          directory, standing in for the guide's `git clone` (the test machine has no network); "." runs the
#          blocks in the copy itself;
#   clean_env: the blocks run as on a plain machine: only the system directories on PATH (so the system Python), a
#          HOME of their own, none of the caller's variables but pip's settings and its cache (PIP_CACHE_DIR), and
#          SIMULATOR_*_PORT set to free ports (a `make simulator` there must not take the default ports of the
#          machine's own). The output is also scanned for the passwords of the env.sh such a `make simulator` wrote.
GUIDES = {
    "getting_started.rst": {"clone": "veeam-backup", "own_collection": True},
    "token_reuse.rst": {},
    "mfa.rst": {"wrapper": [sys.executable, "tools/openbao_dev.py", "--"]},
}
# Run by `make readme-test`, not with the guides (a fresh clone builds its own venv for the demo).
README = {"README.md": {"clone": ".", "clean_env": True}}
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SIMULATOR_PORTS = ("SIMULATOR_VB365_PORT", "SIMULATOR_VBGC_PORT", "SIMULATOR_VBAZURE_PORT")

DIRECTIVE = re.compile(r"^\s*\.\. docs-test:\s*(\S+)\s*(.*?)\s*$")
CODE_BLOCK = re.compile(r"^(\s*)\.\. code-block::\s*(\S+)\s*$")
MD_DIRECTIVE = re.compile(r"^<!--\s*docs-test:\s*(\S+)\s*(.*?)\s*-->\s*$")
MD_FENCE = re.compile(r"^```\s*(\S*)\s*$")
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
    return _parse(text.splitlines(), DIRECTIVE, _rst_block)


def parse_markdown(text):
    """The fenced blocks of a Markdown text, each with the docs-test comment before it (if any); bash blocks are
    scripts."""
    return _parse(text.splitlines(), MD_DIRECTIVE, _markdown_block)


def _parse(lines, directive_pattern, block_at):
    blocks, pending, index = [], None, 0
    while index < len(lines):
        line = lines[index]
        directive = directive_pattern.match(line)
        found = None if directive else block_at(lines, index)
        if directive:
            pending = _directive(directive, index + 1)
        elif found:
            language, body, after = found
            action, argument = pending[1:] if pending else ("", "")
            blocks.append(Block(index + 1, language, body, action, argument))
            pending, index = None, after
            continue
        elif line.strip() and pending:
            raise GuideError(f"line {pending[0]}: a docs-test comment must be followed by a code block")
        index += 1
    if pending:
        raise GuideError(f"line {pending[0]}: a docs-test comment must be followed by a code block")
    return blocks


def _rst_block(lines, index):
    """(language, content, index after it) of the code block whose directive is lines[index], else None."""
    code = CODE_BLOCK.match(lines[index])
    if not code:
        return None
    body, after = _block_body(lines, index, len(code.group(1)))
    return code.group(2), body, after


def _markdown_block(lines, index):
    """(language, content, index after it) of the fenced block that opens at lines[index], else None."""
    fence = MD_FENCE.match(lines[index])
    if not fence:
        return None
    end = next((number for number in range(index + 1, len(lines)) if lines[number].strip() == "```"), None)
    if end is None:
        raise GuideError(f"line {index + 1}: a fenced block that does not end")
    language = "script" if fence.group(1) in SHELL else fence.group(1)
    return language, "\n".join(lines[index + 1:end]) + "\n", end + 1


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


def run_block(block, workdir, env=None):
    """Run (or write, or skip) one block, in env (None: this process's); raise GuideError when it fails."""
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
        _run_console(block, where, workdir, env)
    elif block.language == "script":
        print(f"--- {where}:\n{block.text}", end="", flush=True)
        _run_script(block.text, where, workdir, env)
    elif block.language in YAML:
        _run_playbook(block, where, workdir, env)
    elif block.language in SHELL:
        raise GuideError(f"{where}: write commands as a console block with `$ ` prompts, or skip it with a reason")


def _run_console(block, where, workdir, env):
    found = commands(block)
    if not found:
        raise GuideError(f"{where}: a console block needs commands starting with `$ ` (or a docs-test skip reason)")
    print(f"--- {where}:\n" + "".join(f"$ {command}\n" for command in found), end="", flush=True)
    _run_script("\n".join(found) + "\n", where, workdir, env)


def _run_script(text, where, workdir, env):
    code = subprocess.call(["bash", "-c", "set -euo pipefail\n" + text], cwd=workdir, env=env)
    if code:
        raise GuideError(f"{where}: exit code {code}")


def _run_playbook(block, where, workdir, env):
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
    code = subprocess.call(["ansible-playbook", name], cwd=workdir, env=env)
    if code:
        raise GuideError(f"{where}: ansible-playbook exit code {code}")


def options_for(guide):
    return {**GUIDES, **README}.get(os.path.basename(guide), {})


def clean_env(home):
    """The environment of a plain machine (see clean_env above GUIDES); pip keeps the caller's settings and cache."""
    pip = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True, check=False)
    env = {name: value for name, value in os.environ.items() if name.startswith("PIP_")}
    env.update(HOME=home, PATH=SYSTEM_PATH, PIP_CACHE_DIR=os.environ.get("PIP_CACHE_DIR") or pip.stdout.strip())
    user_config = os.path.expanduser("~/.config/pip/pip.conf")  # the user's pip settings (index, find-links)
    if "PIP_CONFIG_FILE" not in env and os.path.isfile(user_config):
        env["PIP_CONFIG_FILE"] = user_config
    for name in SIMULATOR_PORTS:
        env[name] = str(_free_port())
    return env


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_blocks(guide, workdir):
    """Run a guide's blocks in order in workdir. -> 0, or 1 after printing the failure."""
    with open(guide, encoding="utf-8") as handle:
        text = handle.read()
    env = None
    if options_for(guide).get("clean_env"):
        env = clean_env(os.path.join(os.path.dirname(workdir), "home"))
        os.makedirs(env["HOME"], exist_ok=True)
        print("--- a plain machine: PATH=%s, HOME=%s, %s" % (env["PATH"], env["HOME"], " ".join(
            "%s=%s" % (name, env[name]) for name in SIMULATOR_PORTS)), flush=True)
    try:
        for block in (parse_markdown(text) if guide.endswith(".md") else parse(text)):
            run_block(block, workdir, env)
    except GuideError as exc:
        print(f"docs-test: {os.path.basename(guide)}: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def copy_checkout(dest):
    """The files a `git clone` of this checkout would have (plus new files git does not ignore), in a git repository
    of its own as a clone is (the Makefile asks git which files belong to the collection)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, check=True, capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        source = os.path.join(REPO, rel)
        if os.path.isfile(source):
            os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
            shutil.copy2(source, os.path.join(dest, rel))
    subprocess.run(["git", "init", "-q", dest], check=True)


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
    if options.get("clean_env"):  # a simulator the blocks left running (they failed before make simulator-stop)
        subprocess.call([sys.executable, os.path.join(REPO, "tools", "simulator_service.py"), "stop",
                         os.path.join(workdir, "build", "simulator")], stdout=subprocess.DEVNULL)
        code = code or _scan_for_env_sh_passwords(workdir, log)
    if code:
        print(f"=== docs-test: {guide} FAILED (exit code {code}); its files and output are in {base}", flush=True)
    else:
        shutil.rmtree(base)
        print(f"=== docs-test: {guide} passed", flush=True)
    return code


def _scan_for_env_sh_passwords(workdir, log):
    """1 when a password of the env.sh a `make simulator` of the guide wrote shows up in its output, else 0."""
    env_sh = os.path.join(workdir, "build", "simulator", "env.sh")
    if not os.path.exists(env_sh):
        return 0
    with open(env_sh, encoding="utf-8") as handle:
        passwords = {shlex.split(line.split("=", 1)[1])[0] for line in handle if "_PASSWORD=" in line}
    with open(log, encoding="utf-8", errors="replace") as handle:
        output = handle.read()
    if any(password in output for password in passwords):
        print("docs-test: the simulator's admin password (build/simulator/env.sh) is in the output", file=sys.stderr)
        return 1
    return 0


def main(argv):
    if argv[:1] == ["--blocks"] and len(argv) == 3:
        return run_blocks(argv[1], argv[2])
    guides = {path: options_for(path) for path in argv} or {os.path.join(GUIDE_DIR, name): opts for name, opts in GUIDES.items()}
    failed = [guide for guide, options in guides.items() if run_guide(guide, options)]
    if failed:
        print("docs-test: failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
