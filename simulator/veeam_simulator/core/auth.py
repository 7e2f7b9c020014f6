"""Helpers shared by both APIs: bearer authentication, token bodies, lenient booleans."""

from datetime import UTC, datetime

from .messages import ApiError

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def bearer_token(request):
    scheme, _, token = (request.header("authorization") or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def require_session(state, api, request):
    """The Session of the request's bearer token, or ApiError 401."""
    token = bearer_token(request)
    if not token:
        raise ApiError(401, "The Authorization header with a Bearer token is missing.", "InvalidToken",
                       BEARER_CHALLENGE)
    session, problem = state.tokens.access(api, token)
    if problem == "expired":
        raise ApiError(401, "The access token has expired.", "ExpiredToken", BEARER_CHALLENGE)
    if session is None:
        raise ApiError(401, "The access token is not valid.", "InvalidToken", BEARER_CHALLENGE)
    return session


def iso_time(timestamp):
    """RFC 3339 UTC with a Z suffix, e.g. 2025-01-31T12:00:00Z."""
    return datetime.fromtimestamp(int(timestamp), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def token_fields(session):
    """The OAuth token fields both APIs answer with."""
    return {
        "access_token": session.access_token,
        "token_type": "bearer",
        "refresh_token": session.refresh_token,
        "expires_in": round(session.access_expires - session.issued),
        ".issued": iso_time(session.issued),
        ".expires": iso_time(session.access_expires),
    }


def parse_bool(value, name):
    """A JSON boolean or the strings 'true'/'false' (any case), as Veeam's own examples send both."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ApiError(400, f"{name} must be true or false.")


def required_text(fields, name):
    value = fields.get(name)
    if not isinstance(value, str) or value == "":
        raise ApiError(400, f"The field {name} is required.")
    return value
