# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's one family of failures, under VeeamError: a call that failed (VeeamApiError, and OutcomeUnknown
when its answer leaves open whether the server acted) beside input that cannot be used (InputError, and
MissingLibraryError).

Each ends the task through the runner's fail_json; none knows Ansible.
"""

from __future__ import annotations

import contextlib


class VeeamError(Exception):
    """A failure the task reports: its message, and for a call, what was asked (method, path) and what the server
    said (status, error_code, details). Never headers or bodies."""

    def __init__(self, message, status=None, method=None, path=None, error_code=None, details=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.error_code = error_code
        self.details = details

    def __str__(self):
        where = "%s %s: " % (self.method, self.path) if self.method else ""
        status = "HTTP %s " % self.status if self.status else ""
        code = "(%s) " % self.error_code if self.error_code else ""
        text = "%s%s%s%s" % (where, status, code, self.message)
        if self.details and self.details != self.message:
            text += " Details: %s" % self.details
        return text

    def reworded(self, message, server_words_as_details=False):
        """A new error about the same call that says message: the caller words it where the facts are known.

        With server_words_as_details, the server's own message is kept as the details."""
        kind = VeeamApiError if isinstance(self, VeeamApiError) else InputError
        return kind(message, status=self.status, method=self.method, path=self.path, error_code=self.error_code,
                    details=self.message if server_words_as_details else self.details)

    def as_result(self):
        """Fields for fail_json, so playbooks can branch on them."""
        return {
            "status": self.status,
            "method": self.method,
            "path": self.path,
            "error_code": self.error_code,
        }


class VeeamApiError(VeeamError):
    """A failed call: what was asked (method, path) and what the server said."""


class OutcomeUnknown(VeeamApiError):
    """A request that is not idempotent (a create) was sent, and its answer does not say whether the server acted on
    it (429 or 503, which a server may send after acting; 502 or 504 from a gateway; a dropped connection; no answer in
    time). The HTTP layer never repeats it: the caller reads the object again and decides (engine.send_once()).

    wait(attempt) pauses before the caller's next try the way the HTTP layer would (the server's Retry-After, else a
    growing backoff) and returns False when that wait does not fit the retry budget: then the caller must not repeat.
    """

    def __init__(self, message, wait=None, reason=None, **kwargs):
        super().__init__(message, **kwargs)
        self.wait = wait or (lambda attempt: False)
        self.reason = reason or message  # the answer alone, without the advice of message

    def reworded(self, message, server_words_as_details=False):
        error = super().reworded(message, server_words_as_details)
        return OutcomeUnknown(error.message, self.wait, self.reason, status=error.status, method=error.method,
                              path=error.path, error_code=error.error_code, details=error.details)


class InputError(VeeamError):
    """Options (or their combination with what the server holds) that cannot be applied: no request failed."""


class MissingLibraryError(InputError):
    """A Python library the task needs is not installed on the host that runs the module."""

    def __init__(self, library, purpose):
        super().__init__("%s needs %s." % (purpose, library))
        self.library = library
        self.purpose = purpose


@contextlib.contextmanager
def explained(statuses, what, hint):
    """Reword a refusal (one of statuses) as 'what: server message. hint'."""
    try:
        yield
    except VeeamApiError as exc:
        if exc.status not in statuses:
            raise
        raise exc.reworded("%s: %s. %s" % (what, exc.message.rstrip("."), hint)) from None
