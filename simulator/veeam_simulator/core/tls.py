"""The server's TLS context: a certificate given on the command line, or a fresh CA made with trustme."""

import os
import ssl
import tempfile

import trustme

SERVER_NAMES = ("127.0.0.1", "localhost", "::1")


def server_context(cert_file=None, key_file=None):
    """Return (context, ca_path, temp_dir). temp_dir holds the generated CA and is the caller's to remove."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert_file:
        context.load_cert_chain(cert_file, key_file)
        return context, os.path.abspath(cert_file), None
    authority = trustme.CA(organization_name="veeam-simulator")
    authority.issue_cert(*SERVER_NAMES).configure_cert(context)
    temp_dir = tempfile.mkdtemp(prefix="veeam-simulator-")
    ca_path = os.path.join(temp_dir, "ca.pem")
    authority.cert_pem.write_to_path(ca_path)
    return context, ca_path, temp_dir
