"""HTTP/1.1 request bodies as clients really send them: Content-Length or chunked.

Node's `http` module (and anything else streaming a body) sends `Transfer-Encoding: chunked`
whenever no Content-Length is set; a server that ignores it leaves the body on the wire, where
it is parsed as the next request and breaks the connection. The rules here follow RFC 9112
section 6: chunked must be the final (here: the only) transfer coding, a Content-Length must
be one decimal number, and a framing error answers 400 and closes the connection, because
where the next request starts is no longer known. Sizes are capped while reading, so an
oversized body costs no memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from reconciler.emulator import errors
from reconciler.emulator.errors import TwilioCode

MAX_LINE = 4096
MAX_TRAILER_LINES = 64
_DIGITS = re.compile(r"^[0-9]+$")
_HEX = re.compile(rb"^[0-9A-Fa-f]{1,16}$")


class Headers(Protocol):
    """The part of `email.message.Message` (what http.server parses headers into) used here."""

    def get_all(self, name: str) -> list[str] | None: ...


class Reader(Protocol):
    """A buffered binary stream (the handler's `rfile`)."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, size: int = -1, /) -> bytes: ...


class BodyError(Exception):
    """A request body that cannot be read as sent; the connection must close after the answer."""

    def __init__(self, status: int, code: TwilioCode, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def malformed(message: str, status: int = 400) -> BodyError:
    """Broken HTTP framing. Twilio's list has no code for it: the generic 20001."""
    return BodyError(status, errors.INVALID_PARAMETER, message)


def too_large(limit: int) -> BodyError:
    return BodyError(
        413, errors.REQUEST_TOO_LARGE, f"Request body larger than the limit of {limit} bytes"
    )


@dataclass(frozen=True)
class Framing:
    """How the body of one request is delimited."""

    chunked: bool = False
    length: int = 0
    # Both Transfer-Encoding and Content-Length: read as chunked, then close (RFC 9112 6.3).
    close_after: bool = False

    @property
    def has_body(self) -> bool:
        return self.chunked or self.length > 0


def framing(headers: Headers) -> Framing:
    """Read the framing headers; raises BodyError for ones that cannot be trusted."""
    codings = [
        token.strip().lower()
        for value in headers.get_all("Transfer-Encoding") or []
        for token in value.split(",")
        if token.strip()
    ]
    lengths = [value.strip() for value in headers.get_all("Content-Length") or []]
    if codings:
        if codings[-1] != "chunked":
            raise malformed("Transfer-Encoding must end with chunked")
        if codings != ["chunked"]:
            raise malformed(f"Unsupported transfer coding {codings[0]!r}", status=501)
        return Framing(chunked=True, close_after=bool(lengths))
    if not lengths:
        return Framing()
    values = {value for text in lengths for value in text.split(",")}
    stripped = {value.strip() for value in values}
    if len(stripped) != 1 or not _DIGITS.match(next(iter(stripped))):
        raise malformed(f"Invalid Content-Length {', '.join(lengths)!r}")
    return Framing(length=int(next(iter(stripped))))


def read_body(rfile: Reader, frame: Framing, limit: int) -> bytes:
    """The whole body, at most `limit` bytes; raises BodyError (400 or 413)."""
    if frame.chunked:
        return _read_chunked(rfile, limit)
    if frame.length > limit:
        raise too_large(limit)
    body = rfile.read(frame.length) if frame.length else b""
    if len(body) < frame.length:
        raise malformed("Request body shorter than its Content-Length")
    return body


def _read_chunked(rfile: Reader, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        line = _line(rfile)
        size_text = line.split(b";", 1)[0].strip()
        if not _HEX.match(size_text):
            raise malformed(f"Invalid chunk size {size_text[:20]!r}")
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > limit:
            raise too_large(limit)
        data = rfile.read(size)
        if len(data) < size:
            raise malformed("Chunked body ended inside a chunk")
        parts.append(data)
        if rfile.read(2) != b"\r\n":
            raise malformed("Chunk data not followed by CRLF")
    for _ in range(MAX_TRAILER_LINES):
        if _line(rfile).strip() == b"":
            return b"".join(parts)
    raise malformed("Too many trailer fields after the last chunk")


def _line(rfile: Reader) -> bytes:
    line = rfile.readline(MAX_LINE + 1)
    if not line:
        raise malformed("Chunked body ended early")
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise malformed("Chunk line too long")
    return line
