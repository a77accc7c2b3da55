"""What every API's models share: minting SIDs, Twilio's timestamps, and the shape of views.

A model returns views (its public fields, without ``url``/``links``, which depend on the
request's Host); the HTTP side of its API adds those.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

View = dict[str, Any]
Listing = list[tuple[int, Callable[[], View]]]
"""A list's items as (creation sequence number, view maker), oldest first: a page builds the
views of its own items only, so a page costs its size, not the list's."""


def new_sid(prefix: str) -> str:
    """Prefix plus 32 lowercase hex digits, as Twilio mints them."""
    return prefix + uuid.uuid4().hex


def twilio_now() -> str:
    """UTC, whole seconds, trailing Z: the format Twilio's JSON uses."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
