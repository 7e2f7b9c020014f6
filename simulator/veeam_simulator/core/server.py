"""Socket plumbing: a threading HTTP/1.1 (keep-alive) server per API, TLS done in the connection's thread."""

import socket
import ssl
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .messages import Request, Response

MAX_BODY = 64 * 1024 * 1024
NO_BODY_STATUSES = (204, 304)


class BodyError(Exception):
    pass


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "veeam-simulator"
    sys_version = ""
    timeout = 120  # idle keep-alive connections are closed after this many seconds

    def _serve(self):
        try:
            body = self._read_body()
        except BodyError as exc:
            self.close_connection = True
            self._write(Response(400, str(exc).encode(), {"Content-Type": "text/plain"}))
            return
        split = urlsplit(self.path)
        request = Request(self.command, split.path or "/", parse_qsl(split.query, keep_blank_values=True),
                          {name.lower(): value for name, value in self.headers.items()}, body)
        response = self.server.app.handle(self.server.api_name, request)
        if response.drop:
            self.close_connection = True  # the socket is closed without a byte of answer
            return
        self._write(response)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    def _read_body(self):
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise BodyError("invalid Content-Length") from None
        if not 0 <= length <= MAX_BODY:
            raise BodyError("request body too large")
        return self.rfile.read(length)

    def _read_chunked(self):
        chunks, total = [], 0
        while True:
            try:
                size = int(self.rfile.readline(1024).split(b";")[0], 16)
            except ValueError:
                raise BodyError("invalid chunk size") from None
            total += size
            if total > MAX_BODY:
                raise BodyError("request body too large")
            if size == 0:
                while self.rfile.readline(8192) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            chunks.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _write(self, response):
        """Status line, headers and body in one write: one TLS record, no Nagle stall."""
        try:
            phrase = HTTPStatus(response.status).phrase
        except ValueError:
            phrase = ""
        lines = [f"HTTP/1.1 {response.status} {phrase}", f"Server: {self.server_version}",
                 f"Date: {self.date_time_string()}"]
        lines += [f"{name}: {value}" for name, value in response.headers.items()]
        if response.status not in NO_BODY_STATUSES:
            lines.append(f"Content-Length: {len(response.body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + (b"" if response.status in NO_BODY_STATUSES else response.body))
        self.log_request(response.status, len(response.body))

    def log_message(self, format, *args):
        if self.server.verbose:
            sys.stderr.write(f"[{self.server.api_name}] {self.address_string()} {format % args}\n")


class ApiServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address, app, api_name, ssl_context=None, verbose=False):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.app, self.api_name, self.ssl_context, self.verbose = app, api_name, ssl_context, verbose
        super().__init__(address, Handler)

    def finish_request(self, request, client_address):
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is None:
            return super().finish_request(request, client_address)
        request.settimeout(10)
        try:
            connection = self.ssl_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as exc:
            if self.verbose:
                sys.stderr.write(f"[{self.api_name}] TLS handshake with {client_address[0]} failed: {exc}\n")
            return None
        try:
            return super().finish_request(connection, client_address)
        finally:
            self.shutdown_request(connection)  # wrap_socket detached `request`; close the TLS socket itself

    def handle_error(self, request, client_address):
        if self.verbose:
            super().handle_error(request, client_address)
