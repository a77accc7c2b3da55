"""Loopback servers the tests put between the SDK and the emulator, or in place of an API: one
way to serve them (`serving`), and one way for a relay that alters Twilio's answers (an account
that names no account, a newer Twilio with fields and headers this version does not know) to
forward a request (`forward`); what each one changes is its own."""

from __future__ import annotations

import http.server
import socketserver
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message

DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))
"""No proxy from the environment: the relay talks to the emulator on 127.0.0.1 itself."""

HOP_BY_HOP = ("host", "content-length", "connection", "accept-encoding")


def forward(handler: http.server.BaseHTTPRequestHandler, target: str) -> tuple[int, Message, bytes]:
    """Send the request `handler` received on to `target`: the answer's status, headers and
    body, an error status included."""
    length = int(handler.headers.get("Content-Length") or 0)
    request = urllib.request.Request(
        target + handler.path,
        data=handler.rfile.read(length) if length else None,
        headers={
            name: value for name, value in handler.headers.items() if name.lower() not in HOP_BY_HOP
        },
        method=handler.command,
    )
    try:
        with DIRECT.open(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@contextmanager
def serving(server: socketserver.BaseServer) -> Iterator[str]:
    """Serve `server` (bound to 127.0.0.1) on a thread; its URL; shut down and closed on exit.
    A short poll: `shutdown()` waits for the serving loop to look again."""
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
