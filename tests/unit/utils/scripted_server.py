# Copyright: Contributors to the veeam_community.backup collection
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A real HTTP(S) server on 127.0.0.1 for unit tests: it answers from a script and records requests.

Unit tests fake the Veeam server at the transport boundary only: the code under test runs its
real requests/urllib3/ssl stack against this server.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class Reply:
    def __init__(self, status=200, body=None, headers=None, delay=0.0, drop=False):
        self.status = status
        self.body = body
        self.headers = headers or {}
        self.delay = delay
        self.drop = drop


class ScriptedServer:
    """Replies are queued per (METHOD, path); the last reply of a route repeats when sticky."""

    def __init__(self, tls=False):
        self.routes = {}
        self.requests = []
        self.lock = threading.Lock()
        self.ca_path = None
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.httpd.daemon_threads = True
        if tls:
            self._wrap_tls()
        scheme = "https" if tls else "http"
        self.url = "%s://127.0.0.1:%d" % (scheme, self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def _wrap_tls(self):
        import trustme

        ca = trustme.CA()
        cert = ca.issue_cert("127.0.0.1", "localhost")
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert.configure_cert(context)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        handle, self.ca_path = tempfile.mkstemp(suffix=".pem")
        os.close(handle)
        ca.cert_pem.write_to_path(self.ca_path)

    def add(self, method, path, status=200, body=None, headers=None, delay=0.0, drop=False, sticky=False):
        with self.lock:
            self.routes.setdefault((method.upper(), path), []).append((Reply(status, body, headers, delay, drop), sticky))
        return self

    def next_reply(self, method, path):
        with self.lock:
            queue = self.routes.get((method, path))
            if not queue:
                return Reply(599, {"message": "unscripted request %s %s" % (method, path)})
            reply, sticky = queue[0]
            if not sticky or len(queue) > 1:
                queue.pop(0)
            return reply

    def calls(self, method=None, path=None):
        return [r for r in self.requests if (method is None or r["method"] == method) and (path is None or r["path"] == path)]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        if self.ca_path:
            os.remove(self.ca_path)


def _request_record(handler):
    """What the test sees of one request: method, path, query, headers, the raw body and its JSON or form."""
    parts = urlsplit(handler.path)
    length = int(handler.headers.get("Content-Length") or 0)
    raw = handler.rfile.read(length) if length else b""
    record = {
        "method": handler.command, "path": parts.path, "query": parse_qs(parts.query),
        "headers": dict(handler.headers), "raw": raw, "client_port": handler.client_address[1], "json": None, "form": None,
    }
    content_type = handler.headers.get("Content-Type", "")
    if raw and "json" in content_type:
        record["json"] = json.loads(raw)
    elif raw and "form" in content_type:
        record["form"] = {k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()}
    return record


def _handler_for(server):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _serve(self):
            record = _request_record(self)
            server.requests.append(record)
            reply = server.next_reply(self.command, record["path"])
            if reply.delay:
                time.sleep(reply.delay)
            if reply.drop:
                self.connection.shutdown(socket.SHUT_RDWR)
                self.close_connection = True
                return
            payload = b"" if reply.body is None else (reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body).encode())
            self.send_response(reply.status)
            for key, value in reply.headers.items():
                self.send_header(key, value)
            if payload and "Content-Type" not in reply.headers:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815

    return Handler
