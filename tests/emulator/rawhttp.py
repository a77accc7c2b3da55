"""A deliberately small HTTP/1.1 client over a raw socket, for wire-level tests.

requests and the SDK hide framing (they always send Content-Length, they never send broken
chunks); this one sends exactly the bytes a test writes, keeps one connection alive across
requests, and can tell whether the server closed it.
"""

from __future__ import annotations

import base64
import json
import socket
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from reconciler.emulator import defaults

BASIC = "Basic " + base64.b64encode(
    f"{defaults.ACCOUNT_SID}:{defaults.AUTH_TOKEN}".encode()
).decode("ascii")


def chunked(*chunks: bytes, extension: bytes = b"") -> bytes:
    """The chunked encoding of `chunks`, with an optional extension on every size line."""
    encoded = b"".join(b"%x%s\r\n%s\r\n" % (len(part), extension, part) for part in chunks if part)
    return encoded + b"0\r\n\r\n"


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> Any:
        return json.loads(self.body)


class RawConnection:
    """One kept-alive TCP connection to the emulator."""

    def __init__(self, url: str, timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        self.host = f"{parts.hostname}:{parts.port}"
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.file = self.sock.makefile("rb")

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def head(
        self, method: str, path: str, headers: dict[str, str] | None = None, auth: bool = True
    ) -> bytes:
        """Request line and headers (Host and Basic auth unless told otherwise)."""
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        if auth:
            lines.append(f"Authorization: {BASIC}")
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
    ) -> RawResponse:
        """Send one request with `body` as given (framing headers are the caller's job unless
        `body` is given without them, when Content-Length is added) and read the answer."""
        headers = dict(headers or {})
        names = {name.lower() for name in headers}
        if body is not None and not names & {"content-length", "transfer-encoding"}:
            headers["Content-Length"] = str(len(body))
        if body is not None and "content-type" not in names:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.send(self.head(method, path, headers, auth) + (body or b""))
        return self.response(method)

    def response(self, method: str = "GET") -> RawResponse:
        status_line = self.file.readline()
        if not status_line:
            raise ConnectionError("the server closed the connection without answering")
        _, status, reason = status_line.decode("latin-1").rstrip("\r\n").split(" ", 2)
        headers: dict[str, str] = {}
        while True:
            line = self.file.readline().decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        body = b"" if method == "HEAD" or status in ("204", "100") else self.file.read(length)
        return RawResponse(int(status), reason, headers, body)

    def closed_by_server(self, wait: float = 2.0) -> bool:
        """True when the server has closed its side (reads give end-of-file)."""
        self.sock.settimeout(wait)
        try:
            return self.file.read(1) == b""
        except ConnectionResetError:
            return True
        except TimeoutError:
            return False

    def close(self) -> None:
        self.file.close()
        self.sock.close()

    def __enter__(self) -> RawConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
