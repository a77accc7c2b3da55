"""Secrets never reach output: every value registered here is masked as `***` on the way out.

Registered: the credentials the tool runs with (TWILIO_AUTH_TOKEN, TWILIO_API_SECRET) and every
value the configuration writes to a write-only field. The CLI's stdout and stderr go through
`MaskingStream`, files the tool writes go through `mask`, so a secret echoed by an error
message, a traceback under --debug or an HTTP library cannot leak either.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from typing import Any, TextIO

MASK = "***"
MIN_LENGTH = 6
"""Shorter values would mask ordinary words; no real token, key or certificate is that short."""
CREDENTIAL_VARIABLES = ("TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET")

_lock = threading.Lock()
_secrets: set[str] = set()


def register(values: Iterable[str | None]) -> None:
    """Mask these values (and each of their lines, for multi-line PEM blocks) from now on."""
    with _lock:
        for value in values:
            if not value:
                continue
            for candidate in (value, *value.splitlines()):
                candidate = candidate.strip()
                if len(candidate) >= MIN_LENGTH:
                    _secrets.add(candidate)


def register_environment(environ: Any = None) -> None:
    env = os.environ if environ is None else environ
    register(env.get(name) for name in CREDENTIAL_VARIABLES)


def mask(text: str) -> str:
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def forget_all() -> None:
    """For tests: start from no registered secrets."""
    with _lock:
        _secrets.clear()


class MaskingStream:
    """A text stream that masks registered secrets in everything written through it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # bytes: refused by a text stream as usual
            return int(self._stream.write(text))
        self._stream.write(mask(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
