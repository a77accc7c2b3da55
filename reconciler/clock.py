"""The process's clock: what the engine measures and sleeps its waits on, and what the emulator
dates records, answers `Date` and counts its actions-per-second window by.

Real time, unless a test installs another with `using()`: the project's tests run each test on
a `reconciler.testing.FastClock`, so that the engine's wait for the emulator's second to pass
(a twin check) takes a tenth of a real second. An emulator given a clock of its own
(`EmulatorServer(clock=...)`) uses that one instead.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from threading import Condition
from typing import Protocol


class Clock(Protocol):
    def time(self) -> float:
        """Seconds since the epoch (records' dates, the Date header)."""
        ...

    def monotonic(self) -> float:
        """Seconds that never go back (waits, budgets, rate windows)."""
        ...

    def sleep(self, seconds: float) -> None: ...

    def wait(self, condition: Condition, timeout: float | None) -> bool:
        """`condition.wait(timeout)`, the timeout measured by this clock."""
        ...


class SystemClock:
    """Real time."""

    def time(self) -> float:
        return time.time()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)

    def wait(self, condition: Condition, timeout: float | None) -> bool:
        return condition.wait(timeout)


SYSTEM: Clock = SystemClock()
_current: Clock = SYSTEM


def current() -> Clock:
    """The process's clock: the system's unless `using()` says otherwise."""
    return _current


@contextmanager
def using(clock: Clock) -> Iterator[Clock]:
    """Run the block on `clock` (in every thread: a process-wide setting, for tests)."""
    global _current
    previous, _current = _current, clock
    try:
        yield clock
    finally:
        _current = previous
