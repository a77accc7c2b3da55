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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from email.message import Message
from typing import ClassVar

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


class Relay(http.server.BaseHTTPRequestHandler):
    """A relay to `target`: every request forwarded, logged as `METHOD path` in `log`, and
    answered with what `answer` makes of the emulator's answer (as it is, by default)."""

    target: ClassVar[str] = ""
    log: ClassVar[list[str]] = []

    def answer(
        self, status: int, headers: Message, payload: bytes
    ) -> tuple[bytes, Mapping[str, str]]:
        """The body to send back, and headers to send beside Content-Type and -Length (a Date
        here replaces the emulator's)."""
        return payload, {}

    def _relay(self) -> None:
        self.log.append(f"{self.command} {self.path}")
        status, headers, payload = forward(self, self.target)
        payload, extra = self.answer(status, headers, payload)
        self.send_response_only(status)
        if "Date" not in extra and headers.get("Date"):
            self.send_header("Date", headers["Date"])
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Type", headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_DELETE = _relay

    def log_message(self, *args: object) -> None:
        return


@contextmanager
def relaying(handler: type[Relay], target: str, log: list[str] | None = None) -> Iterator[str]:
    """Serve a `handler` relay to `target` on 127.0.0.1 (its requests logged in `log`); its URL."""
    bound = type(
        handler.__name__, (handler,), {"target": target, "log": [] if log is None else log}
    )
    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), bound)) as url:
        yield url
