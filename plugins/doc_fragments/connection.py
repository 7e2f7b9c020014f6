# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options every API's modules share (TLS, timeout, plain HTTP), next to that API's own fragment
(vb365, vbgc, vbazure: server, port, login and token), which names its environment variables."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  validate_certs:
    description:
      - Verify the server's TLS certificate. Turn off only in a lab; prefer O(ca_path).
      - If not set, the environment variable of the module's API is used (E(VEEAM_VB365_VALIDATE_CERTS),
        E(VEEAM_VBGC_VALIDATE_CERTS) or E(VEEAM_VBAZURE_VALIDATE_CERTS)).
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) to trust for the server certificate.
      - If not set, the environment variable of the module's API is used (E(VEEAM_VB365_CA_PATH), E(VEEAM_VBGC_CA_PATH)
        or E(VEEAM_VBAZURE_CA_PATH)).
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP answer. Failed requests are retried a few times within a bounded time.
      - If not set, the environment variable of the module's API is used (E(VEEAM_VB365_TIMEOUT), E(VEEAM_VBGC_TIMEOUT)
        or E(VEEAM_VBAZURE_TIMEOUT)).
    type: int
    default: 30
  allow_plain_http:
    description:
      - Allow O(server) to be a C(http://) URL. Plain HTTP sends the password and the tokens unencrypted, so it is
        refused unless this is V(true), and then every task warns. Only for a lab or a test service on a network you trust.
      - If not set, the environment variable of the module's API is used (E(VEEAM_VB365_ALLOW_PLAIN_HTTP),
        E(VEEAM_VBGC_ALLOW_PLAIN_HTTP) or E(VEEAM_VBAZURE_ALLOW_PLAIN_HTTP)).
    type: bool
    default: false
notes:
  - Connection errors, HTTP 429 (honouring C(Retry-After)), 502, 503 and 504 are retried with a jittered backoff, at most 4 times
    and 60 seconds. A C(POST) is never sent again after the server may have acted on it.
requirements:
  - requests >= 2.25
"""
