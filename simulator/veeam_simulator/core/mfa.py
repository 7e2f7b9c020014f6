"""The MFA model every appliance user shares: an enrolment pending confirmation, then a TOTP secret and scratch codes."""

import base64
import secrets
from dataclasses import asdict, dataclass, field, fields

from . import totp
from .messages import FieldError


@dataclass
class PendingMfa:
    secret: str
    token: str
    scratch_codes: list[str]


def new_enrolment():
    """A pending MFA secret with scratch codes and the opaque token that the confirmation must echo."""
    token = base64.b64encode(secrets.token_hex(32).upper().encode("ascii")).decode("ascii")
    scratch = [f"{secrets.randbelow(10 ** 8):08d}" for _ in range(5)]
    return PendingMfa(totp.new_secret(), token, scratch)


def same_secret(given, expected):
    return secrets.compare_digest(given.encode(), expected.encode())


@dataclass(kw_only=True)
class MfaUser:
    """A user's MFA fields (keyword-only, so that each product's user declares its own fields first)."""

    mfa_secret: str | None = None
    scratch_codes: list[str] = field(default_factory=list)
    pending_mfa: PendingMfa | None = None

    @classmethod
    def from_dict(cls, data):
        pending = data.get("pending_mfa")
        return cls(**{**data, "pending_mfa": PendingMfa(**pending) if pending else None})

    def to_dict(self):
        """The user as a snapshot stores it: the product's own fields first, the MFA fields last."""
        data = asdict(self)
        mfa = {item.name: data.pop(item.name) for item in fields(MfaUser)}
        return {**data, **mfa}

    def begin_mfa(self):
        """Start (or restart) an enrolment; the current secret stays valid until it is confirmed."""
        self.pending_mfa = new_enrolment()
        return self.pending_mfa

    def confirm_mfa(self, token, code):
        """Make the pending secret the user's, once `token` and a current `code` prove it was received."""
        pending = self.pending_mfa
        if pending is None or not same_secret(token, pending.token):
            raise FieldError("token", "The token does not belong to a pending MFA enrolment of this user.")
        if not totp.verify(pending.secret, code):
            raise FieldError("code", "The verification code is not valid.")
        self.mfa_secret, self.scratch_codes, self.pending_mfa = pending.secret, list(pending.scratch_codes), None

    def drop_mfa(self):
        """Forget the secret and any pending enrolment; -> whether there was something to forget."""
        had_mfa = bool(self.mfa_secret or self.pending_mfa)
        self.mfa_secret, self.scratch_codes, self.pending_mfa = None, [], None
        return had_mfa

    def otpauth_uri(self, host, quoted_name):
        """The qrString of a pending enrolment (each product quotes the account name its own way)."""
        return f"otpauth://totp/{quoted_name}?secret={self.pending_mfa.secret}&issuer={host}"
