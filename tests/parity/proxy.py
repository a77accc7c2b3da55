"""A loopback HTTP proxy in front of an emulator that can alter its answers: the "second
emulator with a deliberate difference" the parity tests record against. It also keeps every
secret it sees on the wire (form values of secret fields, tokens in answers), so a test can
scan the snapshot files for them independently of the suite's own bookkeeping."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from reconciler.parity.transform import is_secret_field

Alter = Callable[[str, str, int, Any], tuple[int, Any]]
"""(method, path with query, status, JSON body) -> (status, JSON body) to send instead."""


def _secrets(body: Any) -> Iterator[str]:
    if isinstance(body, dict):
        for key, value in body.items():
            if isinstance(value, str) and is_secret_field(key):
                yield value
            else:
                yield from _secrets(value)
    elif isinstance(body, list):
        for item in body:
            yield from _secrets(item)


class AlteringProxy:
    def __init__(self, upstream: str, alter: Alter, rewrite_path: Callable[[str], str] = str):
        self.upstream = urlsplit(upstream)
        self.alter = alter
        self.rewrite_path = rewrite_path
        self.seen_secrets: set[str] = set()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def setup(self) -> None:
                super().setup()
                # headers and body go out in two writes: without NODELAY, Nagle and the
                # client's delayed ACK cost ~40 ms a request
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                for key, values in parse_qs(body.decode()).items():
                    if is_secret_field(key):
                        proxy.seen_secrets.update(values)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
                connection = http.client.HTTPConnection(
                    proxy.upstream.hostname, proxy.upstream.port, timeout=10
                )
                connection.request(
                    self.command, proxy.rewrite_path(self.path), body or None, headers
                )
                response = connection.getresponse()
                raw = response.read()
                connection.close()
                payload = json.loads(raw) if raw else None
                proxy.seen_secrets.update(_secrets(payload))
                status, payload = proxy.alter(self.command, self.path, response.status, payload)
                out = b"" if payload is None else json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    if status != 204:
                        self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    if status != 204:
                        self.wfile.write(out)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client is gone (a killed run)

            do_GET = do_POST = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[AlteringProxy]:
        # A short poll: shutdown() waits for the serving loop to look again.
        thread = threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()


def unchanged(method: str, path: str, status: int, body: Any) -> tuple[int, Any]:
    return status, body
