"""Every secret value the simulator has seen or issued since it started, for the harness's output scan.

Values are taken from the fields that carry secrets (passwords, tokens, MFA secrets, scratch codes) in any
request or response body, from bearer tokens, and from the start-up password. A reset keeps them: a test
run's output must not show a secret even when it was used before a reset.
"""

import json
import threading
from urllib.parse import parse_qsl

from .auth import bearer_token

# Field names (compared lowercased) whose values are secrets, wherever they appear in a body.
SECRET_FIELDS = frozenset((
    "password", "oldpassword", "access_token", "refresh_token", "mfa_token", "secretkey", "scratchcodes",
    "token", "mfa_secret", "secret", "scratch_codes", "newpassword", "adminspassword", "currentpassword",
))


class SecretRegistry:
    def __init__(self):
        self.lock = threading.Lock()
        self.kinds = {}  # value -> the field it was first seen in

    def add(self, kind, value):
        if isinstance(value, str) and value:
            with self.lock:
                self.kinds.setdefault(value, kind)

    def entries(self):
        with self.lock:
            return [{"kind": kind, "value": value} for value, kind in self.kinds.items()]

    def collect(self, data):
        """Record the values of secret fields anywhere in decoded JSON or form data."""
        if isinstance(data, dict):
            for key, value in data.items():
                if str(key).lower() in SECRET_FIELDS:
                    self._add_all(str(key), value)
                else:
                    self.collect(value)
        elif isinstance(data, list):
            for item in data:
                self.collect(item)

    def _add_all(self, kind, value):
        if isinstance(value, list):
            for item in value:
                self._add_all(kind, item)
        elif isinstance(value, dict):
            self.collect(value)
        else:
            self.add(kind, value)

    def collect_exchange(self, request, response):
        """Record the secrets of one request and its answer (bodies that cannot be decoded are skipped)."""
        self.add("authorization", bearer_token(request))
        self.collect(_decoded(request.body, request.media_type()))
        if response is not None and not response.drop:
            self.collect(_decoded(response.body, response.headers.get("Content-Type", "")))


def _decoded(body, media_type):
    if not body:
        return None
    try:
        text = body.decode("utf-8")
        if "x-www-form-urlencoded" in media_type:
            return dict(parse_qsl(text, keep_blank_values=True))
        return json.loads(text)
    except ValueError:  # UnicodeDecodeError too; a body the API rejects as malformed holds nothing to record
        return None
