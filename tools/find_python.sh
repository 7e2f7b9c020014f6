#!/usr/bin/env bash
# Print the path of a CPython interpreter:
#   find_python.sh          the newest CPython >= 3.11 found (python3.14 .. python3.11, python3, pyenv versions)
#   find_python.sh 3.11     a CPython 3.11 (for the ansible-core 2.19 line), or nothing
# pyenv shims for versions that are installed but not selected fail when run, so every
# candidate is run once to prove it works.
set -u
want=${1:-}
candidates=()
for minor in 14 13 12 11; do
  candidates+=("python3.$minor")
  if command -v pyenv >/dev/null 2>&1; then
    for p in "$(pyenv root)"/versions/3."$minor".*/bin/python3."$minor"; do
      [ -x "$p" ] && candidates+=("$p")
    done
  fi
done
candidates+=(python3)
for c in "${candidates[@]}"; do
  version=$("$c" -c 'import sys; print("%d.%d" % sys.version_info[:2]) if sys.implementation.name == "cpython" else None' 2>/dev/null) || continue
  [ -n "$version" ] || continue
  if [ -n "$want" ]; then
    [ "$version" = "$want" ] || continue
  else
    python_ok=$("$c" -c 'import sys; print(sys.version_info >= (3, 11))' 2>/dev/null)
    [ "$python_ok" = "True" ] || continue
  fi
  command -v "$c"
  exit 0
done
exit 1
