"""The guide runner on small synthetic guides: a working guide passes, and each kind of broken block fails it."""

import os
import sys
import tempfile

import pytest
from guide_runner import SYSTEM_PATH, GuideError, commands, parse, parse_markdown, run_blocks, run_guide

GOOD = """\
Title
=====

.. docs-test: file notes/greeting.txt
.. code-block:: text

   hello

Some prose.

.. code-block:: console

   $ grep -q hello notes/greeting.txt
   sample output, not run
   $ echo one \\
       two > words.txt

.. code-block:: yaml

   - name: Read the file the guide wrote
     hosts: localhost
     connection: local
     gather_facts: false
     tasks:
       - name: The words are there
         ansible.builtin.command: grep -qx 'one two' words.txt
         changed_when: false

.. docs-test: skip it needs a production server
.. code-block:: console

   $ false

.. code-block:: json

   {"ignored": true}
"""


@pytest.fixture(autouse=True)
def _temp_dirs_under_tmp_path(tmp_path, monkeypatch):
    """run_guide keeps a failed guide's working directory: here, inside pytest's own temporary directory."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def write_guide(tmp_path, text):
    path = tmp_path / "guide.rst"
    path.write_text(text)
    workdir = tmp_path / "work"
    workdir.mkdir()
    return str(path), str(workdir)


def test_parse_attaches_each_docs_test_comment_to_the_next_block():
    blocks = parse(GOOD)
    assert [(b.language, b.action, b.argument) for b in blocks] == [
        ("text", "file", "notes/greeting.txt"), ("console", "", ""), ("yaml", "", ""),
        ("console", "skip", "it needs a production server"), ("json", "", "")]
    assert blocks[0].text == "hello\n"
    assert commands(blocks[1]) == ["grep -q hello notes/greeting.txt", "echo one \\\n    two > words.txt"]


@pytest.mark.parametrize(("text", "message"), [
    (".. docs-test: skip\n.. code-block:: console\n\n   $ true\n", "needs a reason"),
    (".. docs-test: file ../x\n.. code-block:: text\n\n   x\n", "inside the working directory"),
    (".. docs-test: run\n.. code-block:: text\n\n   x\n", "unknown docs-test action"),
    (".. docs-test: file x\n\nA paragraph.\n", "must be followed by a code block"),
])
def test_parse_rejects_bad_comments(text, message):
    with pytest.raises(GuideError, match=message):
        parse(text)


def test_a_working_guide_passes(tmp_path):
    guide, workdir = write_guide(tmp_path, GOOD)
    assert run_blocks(guide, workdir) == 0
    assert (tmp_path / "work" / "notes" / "greeting.txt").read_text() == "hello\n"


@pytest.mark.parametrize(("good", "broken", "message"), [
    ("   hello\n", "   goodbye\n", "line 11 (console): exit code 1"),  # the file block no longer fits the command
    ("$ grep -q hello", "$ grep -q hallo", "line 11 (console): exit code 1"),  # a command that fails
    ("grep -qx 'one two'", "grep -qx 'one three'", "line 18 (yaml): ansible-playbook exit code 2"),  # a task that fails
    ("         changed_when: false", "        changed_when: false", "line 18 (yaml): not valid YAML"),
    ("     hosts: localhost\n", "", "line 18 (yaml): not a playbook"),  # a task list without a file name
    ("   $ echo one", "   echo one", "line 18 (yaml): ansible-playbook exit code 2"),  # not run: no words.txt for the play
    ("   $ grep -q hello notes/greeting.txt\n   sample output, not run\n   $ echo one \\\n       two > words.txt\n",
     "   grep -q hello notes/greeting.txt\n", "line 11 (console): a console block needs commands"),
    (".. code-block:: console\n\n   $ grep", ".. code-block:: bash\n\n   $ grep", "line 11 (bash): write commands as a console"),
])
def test_a_broken_block_fails_the_guide(tmp_path, capsys, good, broken, message):
    assert good in GOOD
    guide, workdir = write_guide(tmp_path, GOOD.replace(good, broken, 1))
    assert run_blocks(guide, workdir) == 1
    assert message in capsys.readouterr().err


def test_blocks_run_against_the_simulator_under_the_wrapper(tmp_path):
    """The harness sets the connection variables; the wrapper runs around it."""
    guide, _ = write_guide(tmp_path, """\
.. code-block:: console

   $ test "$WRAPPED" = yes
   $ test -r "$VEEAM_VBGC_CA_PATH" && test -n "$VEEAM_VB365_PASSWORD"
   $ case "$VEEAM_VB365_SERVER" in https://127.0.0.1:*) ;; *) exit 1;; esac
""")
    assert run_guide(guide, {"wrapper": ["env", "WRAPPED=yes"]}) == 0
    assert run_guide(guide, {}) == 1


def test_a_secret_in_the_output_fails_the_guide(tmp_path):
    guide, _ = write_guide(tmp_path, ".. code-block:: console\n\n   $ echo \"$VEEAM_VBGC_PASSWORD\" | rev | rev\n")
    assert run_guide(guide, {}) == 3  # the harness's SECRETS_FOUND


def test_own_collection_hides_the_collections_path(tmp_path, monkeypatch):
    monkeypatch.setenv("ANSIBLE_COLLECTIONS_PATH", os.path.dirname(sys.executable))
    guide, _ = write_guide(tmp_path, ".. code-block:: console\n\n   $ test -z \"${ANSIBLE_COLLECTIONS_PATH:-}\"\n")
    assert run_guide(guide, {"own_collection": True}) == 0
    assert run_guide(guide, {}) == 1


MARKDOWN = """\
# Title

<!-- docs-test: file notes/greeting.txt -->
```text
hello
```

```bash
grep -q hello notes/greeting.txt   # a comment
echo one \\
  two > words.txt
```

<!-- docs-test: skip it needs a production server -->
```bash
false
```

```json
{"ignored": true}
```
"""


def test_markdown_blocks_take_the_comment_before_them_and_bash_blocks_are_scripts():
    blocks = parse_markdown(MARKDOWN)
    assert [(b.line, b.language, b.action, b.argument) for b in blocks] == [
        (4, "text", "file", "notes/greeting.txt"), (8, "script", "", ""),
        (15, "script", "skip", "it needs a production server"), (19, "json", "", "")]
    assert blocks[0].text == "hello\n"


@pytest.mark.parametrize(("good", "broken", "message"), [
    ("", "", None),
    ("grep -q hello", "grep -q hallo", "block at line 8 (script): exit code 1"),
    ('{"ignored": true}\n```\n', '{"ignored": true}\n', "line 19: a fenced block that does not end"),
])
def test_a_markdown_guide_runs_its_bash_blocks(tmp_path, capsys, good, broken, message):
    path = tmp_path / "guide.md"
    path.write_text(MARKDOWN.replace(good, broken, 1) if good else MARKDOWN)
    (tmp_path / "work").mkdir()
    assert run_blocks(str(path), str(tmp_path / "work")) == (1 if message else 0)
    if message:
        assert message in capsys.readouterr().err
    else:
        assert (tmp_path / "work" / "words.txt").read_text() == "one two\n"


def test_the_readme_runs_on_a_plain_machine(tmp_path, monkeypatch):
    """Only the system directories on PATH, a HOME of its own, none of the caller's variables but pip's."""
    monkeypatch.setenv("VEEAM_VB365_SERVER", "https://127.0.0.1:1")
    monkeypatch.setenv("PIP_DEFAULT_TIMEOUT", "42")
    path = tmp_path / "README.md"
    path.write_text("""```bash
test "$PATH" = "%s" && test -z "${VEEAM_VB365_SERVER:-}" && test "$PIP_DEFAULT_TIMEOUT" = 42
test "$HOME" = "%s" && test -n "$PIP_CACHE_DIR" && test "$SIMULATOR_VBAZURE_PORT" -gt 0
```
""" % (SYSTEM_PATH, tmp_path / "home"))
    (tmp_path / "work").mkdir()
    assert run_blocks(str(path), str(tmp_path / "work")) == 0
