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
