"""Twilio's clock, as its answers show it: the Date header, to the second of date_created.

Twilio accepts two services (or credentials) with one name, so concurrent runs can create
twins, and every run must agree on which one survives (oldest date_created, then lowest SID:
`kinds.survivor`). date_created has one-second resolution, so a run can only be sure it sees
every twin of a resource created in second S once the server's Date has left S: twins created
in S are visible by then, and any later one is younger and loses. The creator's twin check
(`apply.twins`) and apply's read of what it will bind (`live.reader`) both wait for that.

What ends such a wait is always the server's clock; the pauses between the reads are slept on
the process's clock (`reconciler.clock`: real time, or the clock a test installs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from email.utils import parsedate_to_datetime
from typing import TypeVar

T = TypeVar("T")

POLL_SECONDS = 0.25
"""How often the server's clock is read again while waiting for its second to pass."""
MAX_POLLS = 12
"""About three seconds in all (clocks of Twilio's servers may differ slightly)."""


def served_at(headers: Mapping[str, str]) -> str | None:
    """The response's Date header as `YYYY-MM-DDTHH:MM:SSZ`, comparable with date_created."""
    for name, value in headers.items():
        if name.lower() == "date":
            try:
                return parsedate_to_datetime(value).strftime("%Y-%m-%dT%H:%M:%SZ")
            except (TypeError, ValueError):
                return None
    return None


def read_until_second_passed(
    read: Callable[[], T],
    served: Callable[[], str | None],
    second: Callable[[T], str | None],
    pause: Callable[[], float],
    sleep: Callable[[float], None],
) -> T:
    """`read()`, and again after each pause (at most MAX_POLLS times) while the server's clock
    (`served()`, asked right after each read) has not left `second(result)`: the date_created
    to wait past, or None when there is nothing to wait for."""
    result = read()
    for _ in range(MAX_POLLS):
        at, wanted = served(), second(result)
        if not at or not wanted or at > wanted:
            break
        sleep(pause())
        result = read()
    return result
