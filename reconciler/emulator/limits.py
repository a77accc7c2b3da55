"""Twilio's actions-per-second limit, per conversation service.

Twilio applies "a single 30 APS limit ... to each Service as a whole" for role create, update
and delete (changelog "Increasing Actions Per Second for Conversations", 2020-03-31) and
answers more with 429 and code 50063. A client that paces its writes only finds out it paces
too fast if its test double refuses too, so the emulator enforces the same limit by default.

A sliding one-second window: at most `limit` actions admitted in any second. A refused
request is not an action (Twilio: a 429 is never processed), so it does not use up the window.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 1.0


class ActionsPerSecond:
    """Admits or refuses one action at a time, per key (a service SID). Thread-safe."""

    def __init__(self, limit: int, clock: Callable[[], float] = time.monotonic) -> None:
        if limit < 0:
            raise ValueError("the actions-per-second limit must not be negative (0 disables it)")
        self._limit = limit
        self._clock = clock
        self._lock = threading.Lock()
        self._recent: dict[str, deque[float]] = {}

    @property
    def limit(self) -> int:
        return self._limit

    def configure(self, limit: int) -> None:
        if limit < 0:
            raise ValueError("the actions-per-second limit must not be negative (0 disables it)")
        with self._lock:
            self._limit = limit
            self._recent.clear()

    def admit(self, key: str) -> float | None:
        """None if the action may go ahead (and is counted); else the seconds to wait."""
        with self._lock:
            if self._limit == 0:
                return None
            now = self._clock()
            recent = self._recent.setdefault(key, deque())
            while recent and recent[0] <= now - WINDOW_SECONDS:
                recent.popleft()
            if len(recent) < self._limit:
                recent.append(now)
                return None
            return recent[0] + WINDOW_SECONDS - now


def retry_after_header(wait_seconds: float) -> str:
    """Retry-After takes whole seconds: round up, and never say 0 (that invites a hot loop)."""
    return str(max(1, math.ceil(wait_seconds)))
