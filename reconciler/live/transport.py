"""Keep-alive HTTP/1.1 connections for the SDK's requests, without `requests` in between.

`requests` and `urllib3` cost about 0.3 ms of CPU per call above the standard library's
`http.client`, three times what the call itself needs: a fleet of 100 small subaccounts spends
most of its no-change plan there (docs/fleet.md, Performance). This pool sends a request the
SDK has built (method, URL, headers, form body) on an idle connection to the same origin and
returns status, text and headers, with what the SDK relied on from `requests`: certificate
verification (the same CA bundle, `REQUESTS_CA_BUNDLE` included), one timeout for connecting
and for each read, gzip and deflate answers, and failures raised as `requests` exceptions so
retries and messages treat them as before. A connection the server has closed while idle is
noticed before it is reused (as urllib3 does); a request is never sent twice here: what to
retry is the retry layer's decision. Whatever this pool does not cover (a proxy, a client
certificate, JSON bodies, redirects, custom hooks) still goes through `requests`
(`RecordingHttpClient.request` decides).
"""

from __future__ import annotations

import http.client
import select
import socket
import ssl
import threading
import weakref
import zlib
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import SplitResult, urlencode, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

Origin = tuple[str, str, int, "bool | str"]
"""(scheme, host, port, certificate verification): connections are shared within one."""

DEFAULT_PORTS = {"http": 80, "https": 443}


class Answer:
    """What came back: the status, the body decoded as text, and the headers."""

    __slots__ = ("headers", "status", "text")

    def __init__(self, status: int, text: str, headers: CaseInsensitiveDict[str]) -> None:
        self.status = status
        self.text = text
        self.headers = headers


class ConnectionPool:
    """Idle connections by origin, at most `idle_per_origin` kept for each (more may be open
    at once: a busy caller never waits for a connection, as with `requests`' pool)."""

    def __init__(self, idle_per_origin: int) -> None:
        self._idle_per_origin = max(1, idle_per_origin)
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._contexts: dict[bool | str, ssl.SSLContext] = {}
        self._closed = False
        # Idle connections close with the pool (as urllib3's do): never left to the collector.
        weakref.finalize(self, _close_idle, self._idle)

    def send(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
        timeout: float,
        verify: bool | str = True,
    ) -> Answer:
        """One request and its whole answer; raises `requests.ConnectTimeout`/`ReadTimeout`,
        `requests.exceptions.SSLError`, `ChunkedEncodingError` (an answer cut short) or
        `requests.ConnectionError`."""
        parts = urlsplit(url)
        origin = _origin(parts, verify)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection = self._checkout(origin, timeout)
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read()
        except TimeoutError as error:
            connection.close()
            raise requests.ReadTimeout(
                f"{_where(origin)}: no answer within {timeout:g} s"
            ) from error
        except http.client.IncompleteRead as error:
            connection.close()
            raise requests.exceptions.ChunkedEncodingError(
                f"{_where(origin)}: the answer was cut short ({len(error.partial)} bytes read)"
            ) from error
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise requests.ConnectionError(f"{_where(origin)}: {_reason(error)}") from error
        if response.will_close:
            connection.close()
        else:
            self._checkin(origin, connection)
        return Answer(response.status, _text(raw, response.headers), _headers(response.headers))

    def close(self) -> None:
        """Close every idle connection; connections in use close when their call ends."""
        with self._lock:
            self._closed = True
            _close_idle(self._idle)

    def _checkout(self, origin: Origin, timeout: float) -> http.client.HTTPConnection:
        """An idle connection that is still open, or a new one, connected."""
        while True:
            with self._lock:
                group = self._idle.get(origin)
                connection = group.pop() if group else None
            if connection is None:
                return self._connect(origin, timeout)
            sock = connection.sock
            if sock is not None and not _dropped(sock):
                sock.settimeout(timeout)
                connection.timeout = timeout
                return connection
            connection.close()

    def _checkin(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            group = self._idle.setdefault(origin, [])
            if not self._closed and len(group) < self._idle_per_origin:
                group.append(connection)
                return
        connection.close()

    def _connect(self, origin: Origin, timeout: float) -> http.client.HTTPConnection:
        scheme, host, port, verify = origin
        connection: http.client.HTTPConnection
        if scheme == "https":
            context = self._context(verify)
            connection = http.client.HTTPSConnection(host, port, timeout=timeout, context=context)
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        try:
            connection.connect()
        except TimeoutError as error:
            connection.close()
            raise requests.ConnectTimeout(
                f"{_where(origin)}: could not connect within {timeout:g} s"
            ) from error
        except ssl.SSLError as error:
            connection.close()
            raise requests.exceptions.SSLError(f"{_where(origin)}: {error}") from error
        except OSError as error:
            connection.close()
            raise requests.ConnectionError(
                f"cannot connect to {_where(origin)}: {_reason(error)}"
            ) from error
        return connection

    def _context(self, verify: bool | str) -> ssl.SSLContext:
        with self._lock:
            context = self._contexts.get(verify)
            if context is None:
                context = self._contexts[verify] = _ssl_context(verify)
            return context


def _close_idle(idle: dict[Origin, list[http.client.HTTPConnection]]) -> None:
    connections = [connection for group in idle.values() for connection in group]
    idle.clear()
    for connection in connections:
        connection.close()


def encode_form(values: Mapping[str, object]) -> str:
    """A form or query string as `requests` encodes one: a list or tuple value repeats its
    name, None values are left out, text is UTF-8 and percent-encoded."""
    pairs: list[tuple[str, object]] = []
    for name, value in values.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if item is not None:
                pairs.append((name, item))
    return urlencode(pairs)


def _origin(parts: SplitResult, verify: bool | str) -> Origin:
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise requests.exceptions.InvalidURL(f"not an http(s) URL: {parts.geturl()}")
    return (scheme, parts.hostname, parts.port or DEFAULT_PORTS[scheme], verify)


def _ssl_context(verify: bool | str) -> ssl.SSLContext:
    """Verification as `requests` does it: its CA bundle (certifi) unless a bundle file or
    folder is named (`REQUESTS_CA_BUNDLE`), or none at all when verification is off."""
    if verify is False:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context
    if verify is True:
        from requests.utils import DEFAULT_CA_BUNDLE_PATH

        verify = DEFAULT_CA_BUNDLE_PATH
    if Path(verify).is_dir():
        return ssl.create_default_context(capath=verify)
    return ssl.create_default_context(cafile=verify)


def _dropped(sock: socket.socket) -> bool:
    """Whether an idle connection was closed by the server (or sent something unasked): it
    is readable. Poll, unlike select, works for any descriptor number."""
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([sock], [], [], 0)[0])


def _text(raw: bytes, headers: http.client.HTTPMessage) -> str:
    """The body as text: decompressed as its Content-Encoding says, decoded with its charset
    (UTF-8, JSON's encoding, when none is given), undecodable bytes replaced as `requests`
    does."""
    encoding = (headers.get("Content-Encoding") or "").strip().lower()
    try:
        if encoding == "gzip":
            raw = zlib.decompress(raw, 16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            try:
                raw = zlib.decompress(raw)
            except zlib.error:  # raw deflate, without the zlib header
                raw = zlib.decompress(raw, -zlib.MAX_WBITS)
    except zlib.error as error:
        raise requests.exceptions.ContentDecodingError(
            f"the answer's {encoding} body could not be decompressed: {error}"
        ) from error
    charset = headers.get_content_charset() or "utf-8"
    try:
        return raw.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return raw.decode("utf-8", errors="replace")


def _headers(message: http.client.HTTPMessage) -> CaseInsensitiveDict[str]:
    """The answer's headers; a repeated header's values joined with ', ' (as urllib3 does)."""
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in message.items():
        if name in headers:
            headers[name] = f"{headers[name]}, {value}"
        else:
            headers[name] = value
    return headers


def _where(origin: Origin) -> str:
    return f"{origin[0]}://{origin[1]}:{origin[2]}"


def _reason(error: BaseException) -> str:
    if isinstance(error, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
    return str(reason)
