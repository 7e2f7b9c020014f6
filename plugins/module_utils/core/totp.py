# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""TOTP codes (RFC 6238: SHA1, six digits, 30 s), the one implementation for every API with MFA."""

from __future__ import annotations

try:
    import pyotp
except ImportError:
    HAS_PYOTP = False
else:
    HAS_PYOTP = True

from ansible_collections.veeam_community.backup.plugins.module_utils.core.errors import InputError, MissingLibraryError


def missing_pyotp(purpose):
    """A MissingLibraryError when pyotp, needed for purpose, is not installed, else None."""
    return None if HAS_PYOTP else MissingLibraryError("pyotp", purpose)


def totp_now(secret, option_name):
    """The current six-digit TOTP code (SHA1, 30 s) of a base32 secret."""
    error = missing_pyotp("Computing the MFA code from %s" % option_name)
    if error:
        raise error
    try:
        return pyotp.TOTP(secret.replace(" ", "").upper()).now()
    except (ValueError, TypeError):
        raise InputError("%s is not a valid base32 TOTP secret: give the secret key that the MFA enrolment "
                         "issued (letters A-Z and digits 2-7)." % option_name) from None
