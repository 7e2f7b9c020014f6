# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secret masking, the one way for every layer: the HTTP layer masks error texts, the compare helper masks diffs."""

from __future__ import annotations

MASK = "********"

# Keys whose values are never shown, in any casing, anywhere (diffs, errors, logs).
SECRET_KEYS = frozenset((
    "password", "oldpassword", "old_password", "secret", "secretkey", "secret_key", "shared_key",
    "token", "access_token", "refresh_token", "mfa_token", "mfa_code", "code", "auth_token",
    "auth_password", "auth_mfa_secret", "scratchcodes", "scratch_codes", "qrstring", "qr_string",
    "enrollment_token", "authorization",
))


def redact(data, keys=SECRET_KEYS):
    """Return a copy of data (dicts/lists) with the value of every secret-looking key masked."""
    if isinstance(data, dict):
        return {k: (MASK if _is_secret_key(k) and v not in (None, "") else redact(v, keys)) for k, v in data.items()}
    if isinstance(data, list):
        return [redact(item, keys) for item in data]
    return data


def _is_secret_key(key):
    return str(key).lower().lstrip(".") in SECRET_KEYS


def redact_text(text, secrets):
    """Replace every known secret value inside a free text (e.g. an error body echoing the input)."""
    for value in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(value, MASK)
    return text


class SecretInResult:
    """A module's declaration that a run with the given options returns a secret: what it is, and what else the user
    can do instead of adding no_log (a sentence, or empty)."""

    def __init__(self, what, instead=""):
        self.what = what
        self.instead = instead


UNLOGGED_RESULT = ("This task's result would hold %s, and the task has no 'no_log: true': Ansible would print the result "
                   "(at -v, and whenever the task fails) and AWX would keep it in its job events. Add 'no_log: true' to "
                   "the task; the registered variable still holds the value.%s Nothing was sent to the appliance.")


def unlogged_secret_problem(no_log, secret):
    """The refusal of a task whose result would hold a secret (a SecretInResult, or None) without no_log, or None.

    Fail safe: a forgotten no_log must stop the task before any request, not show the secret."""
    if secret is None or no_log:
        return None
    return UNLOGGED_RESULT % (secret.what, " " + secret.instead if secret.instead else "")
