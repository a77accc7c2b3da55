"""Secrets never reach output: every value registered here is masked as `***` on the way out.

Registered: the credentials the tool runs with (TWILIO_AUTH_TOKEN, TWILIO_API_SECRET) and every
value the configuration writes to a write-only field. The CLI's stdout and stderr go through
`MaskingStream`, files the tool writes go through `mask`, so a secret echoed by an error
message, a traceback under --debug or an HTTP library cannot leak either.

Masking works on rendered text, where a value may appear escaped: `"` as `\\"` in JSON, as
`&quot;` in Markdown, a control character as `\\x1b` on a terminal. So each secret is registered
in every form the renderers can give it (see `escaped_forms`), and each of those is masked.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from reconciler import escape

MASK = "***"
MIN_LENGTH = 6
"""Shorter values would mask ordinary words; no real token, key or certificate is that short."""
CREDENTIAL_VARIABLES = ("TWILIO_AUTH_TOKEN", "TWILIO_API_SECRET")

_lock = threading.Lock()
_secrets: dict[str, set[str]] = {}
"""Each registered secret, and its forms in output (`escaped_forms`)."""
_forms: tuple[str, ...] = ()
"""Every registered secret in every escaped form; replaced whole on each change, so `mask`
reads it without the lock."""


def register(values: Iterable[str | None]) -> None:
    """Mask these values (and each of their lines, for multi-line PEM blocks) from now on, as
    written and in each escaped form output can show them in."""
    global _forms
    with _lock:
        added = False
        for value in values:
            if not value:
                continue
            for candidate in (value, *value.splitlines()):
                candidate = candidate.strip()
                if len(candidate) >= MIN_LENGTH and candidate not in _secrets:
                    _secrets[candidate] = escaped_forms(candidate)
                    added = True
        if added:
            _forms = tuple(set().union(*_secrets.values()))


def register_environment(environ: Any = None) -> None:
    env = os.environ if environ is None else environ
    register(env.get(name) for name in CREDENTIAL_VARIABLES)


def mask(text: str) -> str:
    """`text` with every occurrence of a registered secret, in any of its forms, as `***`.

    Overlapping occurrences (one secret's form running into another's) are masked as one."""
    spans: list[tuple[int, int]] = []
    for form in _forms:
        start = text.find(form)
        while start != -1:
            spans.append((start, start + len(form)))
            start = text.find(form, start + 1)
    if not spans:
        return text
    spans.sort()
    pieces: list[str] = []
    shown_from = 0
    cut_start, cut_end = spans[0]
    for start, end in spans[1:]:
        if start < cut_end:
            cut_end = max(cut_end, end)
            continue
        pieces += [text[shown_from:cut_start], MASK]
        shown_from, (cut_start, cut_end) = cut_end, (start, end)
    pieces += [text[shown_from:cut_start], MASK, text[cut_end:]]
    return "".join(pieces)


def forget(values: Iterable[str]) -> None:
    """Stop masking these values: they are not secret here (the local emulator's credentials,
    which `emulator serve` prints for clients to use, even when the environment holds them)."""
    global _forms
    with _lock:
        for value in values:
            _secrets.pop(value.strip(), None)
        _forms = tuple(set().union(*_secrets.values()))


def forget_all() -> None:
    """For tests: start from no registered secrets."""
    global _forms
    with _lock:
        _secrets.clear()
        _forms = ()


# The escapings output applies to a value. Each maps character by character, so a secret that
# is part of a longer escaped value shows in the escaped text as its own escaped form. The
# terminal and Markdown ones are the renderers' own (reconciler.escape).


def _json(text: str) -> str:
    """Inside a JSON string: json.dumps as the renderers call it (ensure_ascii=False)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def _json_ascii(text: str) -> str:
    """Inside a JSON string from json.dumps' default (ensure_ascii=True): \\u00fc for ü."""
    return json.dumps(text)[1:-1]


def _repr(text: str) -> str:
    """Inside a Python repr (`{value!r}` in messages) quoted with ', which escapes '."""
    return "".join("\\'" if ch == "'" else repr(ch)[1:-1] for ch in text)


def _repr_double_quoted(text: str) -> str:
    """Inside a repr quoted with " (Python's choice for text with ' and no "): ' as is."""
    return "".join(repr(ch)[1:-1] for ch in text)


ESCAPINGS: tuple[Callable[[str], str], ...] = (
    _json,
    _json_ascii,
    escape.terminal,
    escape.markdown,
    _repr,
    _repr_double_quoted,
)


def escaped_forms(secret: str) -> set[str]:
    """The secret as written and as every escaping, or two escapings one inside the other, can
    show it: the plan's text (JSON, then terminal escapes), Markdown (JSON, then HTML entities),
    a repr in a note inside `--format json`, a JSON-quoted value in an error message inside a
    JSON report."""
    once = {escaping(secret) for escaping in ESCAPINGS}
    if once == {secret}:  # nothing to escape: the common case of a token or key
        return {secret}
    twice = {outer(inner) for inner in once - {secret} for outer in ESCAPINGS}
    return {secret, *once, *twice}


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
