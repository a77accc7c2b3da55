"""Keep-alive connections for the SDK's requests: urllib3's own pools, without `requests`' per-call
work in between.

`requests` costs about 0.3 ms of CPU per call above the connection pool under it (preparing,
merging settings, hooks, cookies): a fleet of 100 small subaccounts spent most of its no-change
plan there (docs/fleet.md, Performance). This module sends a request the SDK has built (method,
URL, headers, form body) on urllib3's connection pool for its origin, the pool `requests` itself
sends on, and returns status, text and headers, with what the SDK relied on from `requests`:
certificate verification (the same CA bundle, `REQUESTS_CA_BUNDLE` included), one timeout for
connecting and for each read, gzip and deflate answers, and failures raised as `requests`
exceptions so retries and messages treat them as before. urllib3 notices a connection the
server has closed while idle before reusing it; a request is never sent twice here (urllib3's
retries are off): what to retry is the retry layer's decision. Whatever this pool does not
cover (a proxy, a client certificate, JSON bodies, redirects, custom hooks) still goes through
`requests` (`RecordingHttpClient.request` decides). benchmarks/README.md compares this with the
hand-written `http.client` pool it replaced.
"""

from __future__ import annotations

import codecs
import http.client
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests
import urllib3
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    DecodeError,
    HTTPError,
    IncompleteRead,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)
from urllib3.exceptions import SSLError as Urllib3SSLError

DEFAULT_PORTS = {"http": 80, "https": 443}


class Answer:
    """What came back: the status, the body decoded as text, and the headers."""

    __slots__ = ("headers", "status", "text")

    def __init__(self, status: int, text: str, headers: CaseInsensitiveDict[str]) -> None:
        self.status = status
        self.text = text
        self.headers = headers


class _FullPoolNotice(logging.Filter):
    """urllib3 logs a warning when a connection finds its pool's idle slots full and is closed.
    Here that is by design (more calls may be in flight than connections are kept idle, as
    with the hand-written pool before), not something to print on a user's terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Connection pool is full")


logging.getLogger("urllib3.connectionpool").addFilter(_FullPoolNotice())


class ConnectionPool:
    """urllib3 pools by origin and certificate verification, at most `idle_per_origin` idle
    connections kept for each (more may be open at once: a busy caller never waits for a
    connection, as with `requests`' pool)."""

    def __init__(self, idle_per_origin: int) -> None:
        self._manager = urllib3.PoolManager(
            maxsize=max(1, idle_per_origin), block=False, retries=False
        )

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
        `requests.exceptions.SSLError`, `ChunkedEncodingError` (an answer cut short),
        `ContentDecodingError` or `requests.ConnectionError`."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS or not parts.hostname:
            raise requests.exceptions.InvalidURL(f"not an http(s) URL: {url}")
        port = parts.port or DEFAULT_PORTS[scheme]
        where = f"{scheme}://{parts.hostname}:{port}"
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        pool = self._manager.connection_from_host(
            parts.hostname, port, scheme, _tls(verify) if scheme == "https" else None
        )
        try:
            response = pool.urlopen(
                method,
                target,
                body=body,
                headers=headers,
                retries=False,
                redirect=False,
                assert_same_host=False,
                timeout=urllib3.Timeout(connect=timeout, read=timeout),
            )
        except HTTPError as error:
            raise _as_requests_error(error, where, timeout) from error
        return Answer(
            response.status,
            response.data.decode(_charset(response.headers.get("Content-Type")), "replace"),
            CaseInsensitiveDict(response.headers),
        )

    def close(self) -> None:
        """Close every idle connection; connections in use close when their call ends."""
        self._manager.clear()


def encode_form(values: Mapping[str, object]) -> str:
    """A form or query string as `requests` encodes one: a list or tuple value repeats its
    name, None values are left out, text is UTF-8 and percent-encoded."""
    pairs: list[tuple[str, object]] = []
    for name, value in values.items():
        for item in value if isinstance(value, (list, tuple)) else (value,):
            if item is not None:
                pairs.append((name, item))
    return urlencode(pairs)


def _tls(verify: bool | str) -> dict[str, Any]:
    """Verification as `requests` does it: its CA bundle (certifi) unless a bundle file or
    folder is named (`REQUESTS_CA_BUNDLE`), or none at all when verification is off."""
    if verify is False:
        return {"cert_reqs": "CERT_NONE"}
    if verify is True:
        from requests.utils import DEFAULT_CA_BUNDLE_PATH

        verify = DEFAULT_CA_BUNDLE_PATH
    if Path(verify).is_dir():
        return {"cert_reqs": "CERT_REQUIRED", "ca_cert_dir": verify}
    return {"cert_reqs": "CERT_REQUIRED", "ca_certs": verify}


def _as_requests_error(error: HTTPError, where: str, timeout: float) -> Exception:
    """urllib3's failure as the `requests` exception the retry layer and messages know."""
    if isinstance(error, NewConnectionError):
        return requests.ConnectionError(f"cannot connect to {where}: {_reason(error)}")
    if isinstance(error, ConnectTimeoutError):
        return requests.ConnectTimeout(f"{where}: could not connect within {timeout:g} s")
    if isinstance(error, ReadTimeoutError):
        return requests.ReadTimeout(f"{where}: no answer within {timeout:g} s")
    if isinstance(error, Urllib3SSLError):
        return requests.exceptions.SSLError(f"{where}: {error}")
    if isinstance(error, DecodeError):
        return requests.exceptions.ContentDecodingError(
            f"{where}: the answer's body could not be decompressed: {error}"
        )
    if isinstance(error, ProtocolError) and any(
        isinstance(argument, IncompleteRead) for argument in error.args
    ):
        return requests.exceptions.ChunkedEncodingError(f"{where}: the answer was cut short")
    return requests.ConnectionError(f"{where}: {_reason(error)}")


def _reason(error: BaseException) -> str:
    """The operating system's or the server's own words, not urllib3's wrapping."""
    cause = error.__cause__ or next(
        (argument for argument in error.args if isinstance(argument, BaseException)), error
    )
    if isinstance(cause, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    reason = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
    return str(reason)


def _charset(content_type: str | None) -> str:
    """The body's charset as its Content-Type names it; UTF-8 (JSON's encoding) when none is
    given or Python does not know it."""
    for parameter in (content_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip("\"'")).name
            except LookupError:
                break
    return "utf-8"
