"""Seeded fault injection, so a failing test run can be replayed exactly.

One random.Random(seed) draws, under a lock, whether each API request fails and how. A
serial request sequence therefore meets the same faults for the same seed; concurrent
requests draw in arrival order.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

SERVER_ERROR = "500"
UNAVAILABLE = "503"
TOO_MANY_REQUESTS = "429"
DROP_BEFORE = "drop_before"
DROP_AFTER_COMMIT = "drop_after_commit"

KINDS: tuple[str, ...] = (
    SERVER_ERROR,
    UNAVAILABLE,
    TOO_MANY_REQUESTS,
    DROP_BEFORE,
    DROP_AFTER_COMMIT,
)
WRITE_METHODS = frozenset({"POST", "DELETE"})


@dataclass(frozen=True)
class FaultSettings:
    fault_rate: float = 0.0
    seed: int | None = None
    latency_ms: int = 0
    retry_after_seconds: int = 1


class FaultInjector:
    """Decides the fault (or none) for each API request."""

    def __init__(self, settings: FaultSettings) -> None:
        self._lock = threading.Lock()
        self._settings = settings
        self._random = random.Random(settings.seed)

    @property
    def settings(self) -> FaultSettings:
        return self._settings

    def configure(self, settings: FaultSettings, reseed: bool) -> None:
        with self._lock:
            self._settings = settings
            if reseed:
                self._random = random.Random(settings.seed)

    def draw(self, method: str) -> str | None:
        """The fault for one request; drop-after-commit only means something for writes."""
        with self._lock:
            rate = self._settings.fault_rate
            if rate <= 0:
                return None
            if self._random.random() >= rate:
                return None
            kind = self._random.choice(KINDS)
        if kind == DROP_AFTER_COMMIT and method not in WRITE_METHODS:
            return DROP_BEFORE
        return kind
