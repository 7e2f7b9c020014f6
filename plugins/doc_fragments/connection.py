# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options of every API's modules, written once: server, port, login, token, TLS, timeout, plain HTTP.

Each API's own fragment (vb365, vbgc, vbazure) fills in what differs with for_api() and offers the result as its
CONNECTION_OPTIONS fragment, so that a page names only its own environment variables. Its DOCUMENTATION holds the rest of
what differs as YAML that Ansible merges into these options: ansible-core's merge_fragment() merges an option's keys,
so the API's fragment, listed before <api>.connection_options, gives port its default, and adds the options only it has.
(Not named CONNECTION: Ansible's loader first reads <api>.connection as a fragment file's name and finds this one.)"""

from __future__ import annotations


class ModuleDocFragment:
    # The one text; {env} is the API's prefix of environment variables, the other fields its words (see for_api).
    # Not used by any module as it is.
    TEMPLATE = r"""
options:
  server:
    description:
      - Host name or IP address of {server}, or C(https://host[:port]).
      - A URL must not contain a path; the modules add {paths} themselves.
      - If not set, the value of the E({env}_SERVER) environment variable is used.
      - Required, from the task, from C(module_defaults) for C(group/veeam_community.backup.{group}), or from
        E({env}_SERVER); the module fails before any request when none of them sets it.
      - C(http://) is refused unless O(allow_plain_http=true).
    type: str
  port:
    description:
      - Port of {api}. Ignored when O(server) is a URL with a port.
      - If not set, the value of the E({env}_PORT) environment variable is used.
    type: int
  auth_username:
    description:
      - {username}
      - Required with O(auth_password) unless O(auth_token) is given.
      - If not set, the value of the E({env}_USERNAME) environment variable is used.
    type: str
  auth_password:
    description:
      - Password of O(auth_username). Never logged.
      - If not set, the value of the E({env}_PASSWORD) environment variable is used.
    type: str
  auth_token:
    description:
      - An access token from M(veeam_community.backup.{login}), so that a play logs in once.
      - A token passed in is never revoked by the module. When it expires and O(auth_username) and
        O(auth_password) are also given, the module logs in again once.
      - If not set, the value of the E({env}_TOKEN) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Turn off only in a lab; prefer O(ca_path).
      - If not set, the value of the E({env}_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for the server certificate.
      - If not set, the value of the E({env}_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer. Failed requests are retried a few times within a bounded time.
      - If not set, the value of the E({env}_TIMEOUT) environment variable is used.
    type: int
    default: 30
  allow_plain_http:
    description:
      - Allow O(server) to be a C(http://) URL. Plain HTTP sends the password and the tokens unencrypted, so it is
        refused unless this is V(true), and then every task warns. Only for a lab or a test service on a network you trust.
      - If not set, the value of the E({env}_ALLOW_PLAIN_HTTP) environment variable is used.
    type: bool
    default: false
notes:
  - Connection errors, HTTP 429 (honouring C(Retry-After)), 502, 503 and 504 are retried with a jittered backoff, at most 4 times
    and 60 seconds. A C(POST) is never sent again after the server may have acted on it.
requirements:
  - requests >= 2.25
"""

    @classmethod
    def for_api(cls, **words):
        """TEMPLATE filled in with one API's words: env, group, server, paths, api, username and login."""
        return cls.TEMPLATE.format(**words)
