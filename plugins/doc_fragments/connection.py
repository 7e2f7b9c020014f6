# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every API's modules share (TLS, timeout, plain HTTP), next to that API's own fragment
(vb365, vbgc, vbazure: server, port, login and token). One text, filled in for each API: its modules take
connection.vb365_options, connection.vbgc_options or connection.vbazure_options, so that a page names only its own
environment variables."""

from __future__ import annotations


class ModuleDocFragment:
    # The one text, {env} standing for the API's prefix of environment variables. Not used by any module as it is.
    TEMPLATE = r"""
options:
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


# Filled in here, after the class: ansible-test's yamllint reads class attributes that are string literals (it lints
# TEMPLATE above), and ansible-doc reads the class as Python, so it sees these too.
ModuleDocFragment.VB365_OPTIONS = ModuleDocFragment.TEMPLATE.format(env="VEEAM_VB365")
ModuleDocFragment.VBGC_OPTIONS = ModuleDocFragment.TEMPLATE.format(env="VEEAM_VBGC")
ModuleDocFragment.VBAZURE_OPTIONS = ModuleDocFragment.TEMPLATE.format(env="VEEAM_VBAZURE")
