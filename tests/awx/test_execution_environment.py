# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environments of ee/ (AWX: community-ee-minimal; AAP: ee-minimal-rhel9) would build: the commands of
awx.rst render each build context, and each is checked the way a container build would use it (no container engine
here, so no image is built). The requirements are installed into the base image's Python when this machine has that
CPython; otherwise that one check is skipped and says so.

Run from the collection root (make release-check) with FIND_PYTHON=tools/find_python.sh and
DEPS_COLLECTIONS=the folder holding ansible_collections/community/hashi_vault (make deps-collections).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml
from packaging.specifiers import SpecifierSet
from packaging.version import Version

sys.path.insert(0, os.path.dirname(__file__))
from awx_guide import blocks, commands  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# What each base image the EE may name runs as python3. A fact about the image, written down here because no
# image can be pulled on this machine; the Python of that version is what the requirements are installed into.
BASE_IMAGE_PYTHON = {"ghcr.io/ansible-community/community-ee-minimal:2.21.3-1": "3.14",
                     "registry.redhat.io/ansible-automation-platform-25/ee-minimal-rhel9:latest": "3.11"}
# The definitions of awx.rst and the console blocks that build them (the AAP one after the AWX one's first commands).
DEFINITIONS = {"ee/execution-environment.yml": "ee-build.console", "ee/execution-environment-aap.yml": "ee-build-aap.console"}
# What community.hashi_vault lists for logins this collection does not use (aws_iam, azure): never in the image.
NOT_NEEDED = ("boto3", "botocore", "azure-identity")
NOT_RUN_HERE = ("podman ", "docker ")  # pushing the image needs a container engine and a registry
IMPORTS = ["ansible", "ansible_runner", "requests", "pyotp", "segno", "hvac"]


def _run(command, cwd, env=None):
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert result.returncode == 0, "%s failed:\n%s%s" % (command, result.stdout[-3000:], result.stderr[-3000:])
    return result.stdout


def _as_create(argv):
    """`ansible-builder build ... --tag IMAGE` of the guide as `ansible-builder create`: same definition and
    context, no image."""
    argv = ["create" if word == "build" else word for word in argv]
    while "--tag" in argv:
        del argv[argv.index("--tag"):argv.index("--tag") + 2]
    return argv


@pytest.fixture(scope="module")
def contexts(tmp_path_factory):
    """A copy of the collection's source, the guide's EE commands run in it; -> {definition: rendered build context}."""
    source = tmp_path_factory.mktemp("ee") / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", "output", ".venv*", ".build*"))
    rendered = {}
    for block in dict.fromkeys(DEFINITIONS.values()):
        for line in commands(block):
            if line.startswith(NOT_RUN_HERE):
                continue
            argv = shlex.split(line)
            if argv[0] == "ansible-builder":
                argv = _as_create(argv)
                rendered[argv[argv.index("--file") + 1]] = source / argv[argv.index("--context") + 1]
                _run(argv, source)
            else:
                _run(["bash", "-euo", "pipefail", "-c", line], source)
    assert set(rendered) == set(DEFINITIONS), "the guide's console blocks build %s" % sorted(rendered)
    return rendered


@pytest.fixture(params=sorted(DEFINITIONS))
def context(request, contexts):
    return contexts[request.param]


def _containerfile(context_dir):
    name = "Containerfile" if (context_dir / "Containerfile").exists() else "Dockerfile"
    with open(context_dir / name, encoding="utf-8") as handle:
        return handle.read()


def _build_arg(text, name):
    return re.search(r'^ARG %s="([^"]*)"' % name, text, re.M).group(1)


@pytest.mark.parametrize("name", [*DEFINITIONS, "ee/requirements.yml"])
def test_the_guide_shows_the_definition_as_it_is(name):
    with open(os.path.join(ROOT, name), encoding="utf-8") as handle:
        assert blocks()[name] == handle.read()


def test_every_copy_source_is_inside_the_context(context):
    text = _containerfile(context)
    sources = []
    for line in text.splitlines():
        words = shlex.split(line) if re.match(r"^(COPY|ADD)\s", line) else []
        if words and not any(word.startswith("--from=") for word in words):
            sources.extend(word for word in words[1:-1] if not word.startswith("--"))
    assert "_build/requirements.yml" in sources or "_build" in sources
    for source in sources:
        path = os.path.realpath(context / source)
        assert path.startswith(str(context) + os.sep) and os.path.exists(path), source


def test_galaxy_requirements_name_files_inside_the_context(context):
    # The galaxy stage copies _build to /build and runs ansible-galaxy there, so file paths are relative to _build.
    with open(context / "_build" / "requirements.yml", encoding="utf-8") as handle:
        collections = yaml.safe_load(handle)["collections"]
    files = [item["name"] for item in collections if item.get("type") == "file"]
    assert files, "the EE does not install the collection from the build context"
    for name in files:
        path = os.path.realpath(context / "_build" / name)
        assert path.startswith(str(context / "_build") + os.sep) and os.path.isfile(path), name
        with tarfile.open(path) as tarball:
            info = json.load(tarball.extractfile("MANIFEST.json"))["collection_info"]
        with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
            galaxy = yaml.safe_load(handle)
        assert (info["namespace"], info["name"], info["version"]) == ("veeam_community", "backup", galaxy["version"])


def test_pinned_ansible_core_meets_requires_ansible_and_the_python_floor(context):
    text = _containerfile(context)
    pins = dict(ref.split("==") for ref in _build_arg(text, "ANSIBLE_INSTALL_REFS").split())
    with open(os.path.join(ROOT, "meta", "runtime.yml"), encoding="utf-8") as handle:
        requires = yaml.safe_load(handle)["requires_ansible"]
    assert Version(pins["ansible-core"]) in SpecifierSet(requires), (pins, requires)
    assert "ansible-runner" in pins
    python = BASE_IMAGE_PYTHON[_build_arg(text, "EE_BASE_IMAGE")]
    # ansible-core 2.20 and later need a Python 3.12 controller
    assert Version(pins["ansible-core"]) < Version("2.20") or Version(python) >= Version("3.12")


def test_requirements_install_and_import_in_the_base_image_python(context, tmp_path):
    text = _containerfile(context)
    version = BASE_IMAGE_PYTHON[_build_arg(text, "EE_BASE_IMAGE")]
    interpreter = subprocess.run([os.environ["FIND_PYTHON"], version], capture_output=True, text=True,  # noqa: S603
                                 check=False).stdout.strip()
    if not interpreter:
        pytest.skip("no CPython %s on this machine, the Python of %s" % (version, _build_arg(text, "EE_BASE_IMAGE")))
    venv = tmp_path / "venv"
    _run([interpreter, "-m", "venv", str(venv)], tmp_path)
    python, bindir = str(venv / "bin" / "python"), str(venv / "bin")
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    _run(pip + _build_arg(text, "ANSIBLE_INSTALL_REFS").split(), tmp_path)
    # The collections the galaxy stage installs: the tarball from the context, community.hashi_vault as pinned.
    collections = tmp_path / "collections"
    env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"], ANSIBLE_COLLECTIONS_PATH=str(collections))
    with open(context / "_build" / "requirements.yml", encoding="utf-8") as handle:
        wanted = {item["name"]: item for item in yaml.safe_load(handle)["collections"]}
    for name, item in wanted.items():
        if item.get("type") == "file":
            _run(["ansible-galaxy", "collection", "install", str(context / "_build" / name), "-p", str(collections)], tmp_path, env)
    _install_dependency(wanted["community.hashi_vault"]["version"], collections)
    # What the builder stage then installs: the context's own introspection over those collections.
    _run([python, str(context / "_build" / "scripts" / "introspect.py"), "introspect", str(collections),
          "--user-pip=%s" % (context / "_build" / "requirements.txt"),
          "--exclude-pip-reqs=%s" % (context / "_build" / "exclude-requirements.txt"),
          "--write-pip=%s" % (tmp_path / "pip.txt")], tmp_path)
    requirements = (tmp_path / "pip.txt").read_text(encoding="utf-8")
    for package in ("requests", "pyotp", "segno", "hvac"):
        assert re.search(r"^%s\b" % package, requirements, re.M), requirements
    for package in NOT_NEEDED:
        assert not re.search(r"^%s\b" % package, requirements, re.M), requirements
    _run(pip + ["-r", str(tmp_path / "pip.txt")], tmp_path)
    _run([python, "-c", "import %s" % ", ".join(IMPORTS)], tmp_path)
    out = _run(["ansible-galaxy", "collection", "list", "--format", "json"], tmp_path, env)
    assert "veeam_community.backup" in out and "community.hashi_vault" in out


def _install_dependency(version, collections):
    """community.hashi_vault as pinned in the EE, from make deps-collections (Galaxy is not reachable here)."""
    source = os.path.join(os.environ["DEPS_COLLECTIONS"], "ansible_collections", "community", "hashi_vault")
    with open(os.path.join(source, "MANIFEST.json"), encoding="utf-8") as handle:
        assert json.load(handle)["collection_info"]["version"] == version
    shutil.copytree(source, collections / "ansible_collections" / "community" / "hashi_vault")
