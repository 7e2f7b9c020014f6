"""Opaque bearer, refresh and MFA tokens, kept in memory only (never persisted)."""

import secrets
import time
from dataclasses import dataclass, field


@dataclass
class Session:
    """One login: an access token and its refresh token."""

    api: str
    user: str
    access_token: str
    refresh_token: str
    issued: float
    access_expires: float
    refresh_expires: float
    short_term: bool = False


@dataclass
class MfaChallenge:
    api: str
    user: str
    expires: float
    short_term: bool = False


@dataclass
class TokenStore:
    by_access: dict[str, Session] = field(default_factory=dict)
    by_refresh: dict[str, Session] = field(default_factory=dict)
    mfa: dict[str, MfaChallenge] = field(default_factory=dict)

    def issue(self, api, user, access_lifetime, refresh_lifetime, short_term=False):
        self._purge()
        now = time.time()
        session = Session(api, user, secrets.token_urlsafe(32), secrets.token_urlsafe(32), now,
                          now + access_lifetime, now + refresh_lifetime, short_term)
        self.by_access[session.access_token] = session
        self.by_refresh[session.refresh_token] = session
        return session

    def access(self, api, token):
        """(session, problem) where problem is None, 'unknown' or 'expired'."""
        session = self.by_access.get(token)
        if session is None or session.api != api:
            return None, "unknown"
        if session.access_expires <= time.time():
            return None, "expired"
        return session, None

    def take_refresh(self, api, token):
        """Consume a refresh token (single use); None when unknown or expired."""
        session = self.by_refresh.get(token)
        if session is None or session.api != api:
            return None
        del self.by_refresh[token]
        return session if session.refresh_expires > time.time() else None

    def revoke(self, session):
        self.by_access.pop(session.access_token, None)
        self.by_refresh.pop(session.refresh_token, None)

    def revoke_user(self, api, user):
        for session in [s for s in self.by_access.values() if s.api == api and s.user == user]:
            self.revoke(session)

    def expire_access(self, api):
        """Expire every current access token of `api` ('all' for both); refresh tokens stay valid."""
        now = time.time()
        for session in self.by_access.values():
            if api in ("all", session.api):
                session.access_expires = min(session.access_expires, now)

    def new_mfa_challenge(self, api, user, lifetime, short_term):
        token = secrets.token_urlsafe(32)
        self.mfa[token] = MfaChallenge(api, user, time.time() + lifetime, short_term)
        return token

    def mfa_challenge(self, api, token):
        """The live challenge of `api` behind `token`, or None."""
        challenge = self.mfa.get(token)
        return challenge if challenge and challenge.api == api and challenge.expires > time.time() else None

    def end_mfa_challenge(self, token):
        self.mfa.pop(token, None)

    def clear(self):
        self.by_access.clear()
        self.by_refresh.clear()
        self.mfa.clear()

    def _purge(self):
        now = time.time()
        for token in [t for t, s in self.by_access.items() if max(s.access_expires, s.refresh_expires) <= now]:
            del self.by_access[token]
        for token in [t for t, s in self.by_refresh.items() if s.refresh_expires <= now]:
            del self.by_refresh[token]
        for token in [t for t, c in self.mfa.items() if c.expires <= now]:
            del self.mfa[token]
