#!/usr/bin/env python3
"""Let ansible-test create its virtual environments without the internet.

ansible-test bootstraps every venv with get-pip.py downloaded from ci-files.testing.ansible.com,
which is not reachable here. It first looks in ~/.ansible/test/cache/get_pip_<version>.py, so we
put a stand-in there that installs pip from the interpreter's own ensurepip instead.
Run it with the python of the venv that holds ansible-core.
"""

import os
import re

import ansible_test

STAND_IN = '''import subprocess, sys
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--default-pip"], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "--upgrade"] + args)
'''


def main():
    source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(source, encoding="utf-8") as handle:
        pip_version = re.search(r"pip='([0-9.]+)'", handle.read()).group(1)
    cache = os.path.expanduser("~/.ansible/test/cache")
    os.makedirs(cache, exist_ok=True)
    target = os.path.join(cache, "get_pip_%s.py" % pip_version.replace(".", "_"))
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(STAND_IN)


if __name__ == "__main__":
    main()
