"""Stay under Twilio's per-service actions-per-second limit instead of retrying into it.

Twilio admits about 30 role creates, updates and deletes per second per conversation service
and answers more with 429 (code 50063). Retrying works but wastes round trips and seconds, so
each role write takes a slot first. A write reaches Twilio some time between its send and its
answer, so a slot counts from the send until one second after the answer: with at most `rate`
slots taken per service, no one-second window at Twilio can hold more than `rate` writes, however
the network delays them. `rate` sits a margin below Twilio's limit, for other clients.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

from reconciler.clock import SYSTEM, Clock

WINDOW_SECONDS = 1.0


class Pacer:
    """Write slots per key (a service): in flight, or answered less than a window ago."""

    def __init__(
        self,
        rate: int,
        clock: Clock = SYSTEM,
        window: float = WINDOW_SECONDS,
    ) -> None:
        """`clock`: what the window is measured by and waited on (the executor's is the
        process's, `reconciler.clock.current()`)."""
        if rate < 1:
            raise ValueError("the pacing rate must be at least 1 write per second")
        self.rate = rate
        self.window = window
        self._clock = clock
        self._changed = threading.Condition()
        self._in_flight: dict[str, int] = {}
        self._answered: dict[str, deque[float]] = {}

    @contextmanager
    def slot(self, key: str, writes: int = 1) -> Iterator[None]:
        """Hold `writes` slots on `key` for the duration of the block (the API call)."""
        self._take(key, writes)
        try:
            yield
        finally:
            self._release(key, writes)

    def _busy(self, key: str, now: float) -> tuple[int, float | None]:
        """Slots taken now, and when the oldest answered one frees up."""
        answered = self._answered.setdefault(key, deque())
        while answered and answered[0] <= now - self.window:
            answered.popleft()
        frees = answered[0] + self.window if answered else None
        return self._in_flight.get(key, 0) + len(answered), frees

    def _take(self, key: str, writes: int) -> None:
        with self._changed:
            while True:
                now = self._clock.monotonic()
                taken, frees = self._busy(key, now)
                if taken + writes <= self.rate or taken == 0:
                    self._in_flight[key] = self._in_flight.get(key, 0) + writes
                    return
                self._clock.wait(self._changed, None if frees is None else max(0.0, frees - now))

    def _release(self, key: str, writes: int) -> None:
        with self._changed:
            now = self._clock.monotonic()
            self._in_flight[key] -= writes
            self._answered.setdefault(key, deque()).extend([now] * writes)
            self._changed.notify_all()
