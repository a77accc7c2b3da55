"""Errors that mean "this endpoint is not Twilio's API", told as such.

A mistyped --endpoint (a web server, a proxy's login page, another JSON API) makes the twilio
library fail deep inside its response parsing; the user needs to hear which URL answered with
what, not a JSONDecodeError.
"""

from __future__ import annotations

import json
import traceback

from reconciler.kinds.base import UnexpectedAnswer
from reconciler.live.retry import response_of

NOT_TWILIO = (
    "the endpoint did not answer like Twilio's Conversations API ({what}); check --endpoint "
    "or RECONCILER_ENDPOINT: it must be the base URL of Twilio or of `reconciler emulator "
    "serve`, such as http://127.0.0.1:4010"
)


READERS = ("/twilio/", "/reconciler/kinds/", "/reconciler/live/")
"""Where responses are parsed: a shape error raised there means an unexpected answer."""


def _raised_reading(error: BaseException) -> bool:
    """The deepest frame of ours or the SDK's is one that parses responses."""
    files = [
        frame.filename.replace("\\", "/") for frame in traceback.extract_tb(error.__traceback__)
    ]
    ours = [name for name in files if "/twilio/" in name or "/reconciler/" in name]
    return bool(ours) and any(reader in ours[-1] for reader in READERS)


def _is_twilio_json(text: str) -> bool:
    try:
        payload = json.loads(text)
    except ValueError:
        return False
    return isinstance(payload, dict)


def endpoint_problem(error: BaseException) -> str | None:
    """A message when `error` shows the endpoint is not Twilio's API; None otherwise."""
    if isinstance(error, UnexpectedAnswer):
        return NOT_TWILIO.format(what=f"JSON of another shape: {error}")
    response = response_of(error)
    if response is not None and not _is_twilio_json(response.text or ""):
        body = (response.text or "").lstrip()[:1].strip()
        shape = "HTML or text" if body != "{" else "malformed JSON"
        return NOT_TWILIO.format(what=f"HTTP {response.status_code} with {shape}")
    if isinstance(error, (ValueError, KeyError, TypeError, AttributeError)) and _raised_reading(
        error
    ):
        if isinstance(error, json.JSONDecodeError):
            return NOT_TWILIO.format(what="not JSON")
        detail = f"{type(error).__name__}: {error}"
        return NOT_TWILIO.format(what=f"JSON of another shape; {detail}")
    return None
