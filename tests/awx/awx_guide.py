# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The blocks of docs/docsite/rst/awx.rst (and its day-2 page, awx_day2.rst) that the AWX tests run, so the guides
show exactly what is tested.

As in the other runnable guides, the RST comment `.. docs-test: file NAME` names the code block after it.
"""

from __future__ import annotations

import os
import re
import textwrap

import yaml

DOCS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "docsite", "rst")
GUIDE = os.path.join(DOCS, "awx.rst")
GUIDES = (GUIDE, os.path.join(DOCS, "awx_day2.rst"))
MARK = re.compile(r"^\s*\.\. docs-test: file (\S+)\s*$")
DIRECTIVE = re.compile(r"^(\s*)\.\. code-block::")


def blocks(path=None):
    """{NAME: text of the code block after `.. docs-test: file NAME`} of one page, or of both AWX pages"""
    if path is None:
        return {name: text for page in GUIDES for name, text in blocks(page).items()}
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    found, name = {}, None
    for number, line in enumerate(lines):
        mark = MARK.match(line)
        if mark:
            name = mark.group(1)
            continue
        directive = DIRECTIVE.match(line)
        if directive and name:
            found[name] = _body(lines[number + 1:], len(directive.group(1)))
            name = None
    return found


def _body(lines, indent):
    body = []
    for line in lines:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        body.append(line)
    return textwrap.dedent("\n".join(body)).strip("\n") + "\n"


def yaml_block(name):
    return yaml.safe_load(blocks()[name])


def commands(name):
    """The `$ ` lines of a console block."""
    return [line[2:] for line in blocks()[name].splitlines() if line.startswith("$ ")]
