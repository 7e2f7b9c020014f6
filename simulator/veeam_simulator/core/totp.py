"""RFC 6238 TOTP (SHA1, 6 digits, 30 s), as Google Authenticator reads an otpauth:// URI without parameters."""

import base64
import hashlib
import hmac
import secrets
import struct
import time

from .messages import InputError

DIGITS = 6
PERIOD = 30


def new_secret():
    """128 random bits as unpadded base32: 26 characters, like the VBGC documentation example."""
    return base64.b32encode(secrets.token_bytes(16)).decode("ascii").rstrip("=")


def secret_bytes(secret):
    """Decode a base32 secret (any case, spaces and missing padding tolerated); InputError if invalid."""
    cleaned = secret.replace(" ", "").upper()
    try:
        return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except ValueError as exc:  # binascii.Error is a ValueError
        raise InputError(f"not a base32 secret: {exc}") from None


def code_at(secret, timestamp):
    counter = int(timestamp // PERIOD)
    digest = hmac.new(secret_bytes(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** DIGITS:0{DIGITS}d}"


def verify(secret, code, window=1, now=None):
    """True when `code` matches the current step or one within `window` steps of it."""
    now = time.time() if now is None else now
    code = str(code).strip()
    return any(hmac.compare_digest(code_at(secret, now + step * PERIOD), code) for step in range(-window, window + 1))
