"""The evidence behind doctor's checks, gathered while export's read of the account runs.

`ObservingApi` is a LiveApi that runs every call as any LiveApi does (retried, bounded
concurrency) and keeps, per call: the records the API sent (paired with the resources the kinds
made of them, for `Kind.unread_keys`) and the headers and local times of the call's answer (for
the clock skew and the concurrency headers). So doctor needs no read of its own: it sees exactly
what export and plan see.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

from reconciler import clock
from reconciler.kinds import Resource
from reconciler.kinds.base import keeping_records
from reconciler.live.api import LiveApi
from reconciler.live.retry import Attempts

T = TypeVar("T")


@dataclass(frozen=True)
class Answer:
    """The last answer of one call: its headers, and this machine's clock around the call."""

    sent_at: float
    received_at: float
    headers: Mapping[str, str]

    def header(self, name: str) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None

    def served_at(self) -> float | None:
        """The Date header as a POSIX time (whole seconds: the header's resolution)."""
        value = self.header("Date")
        if not value:
            return None
        try:
            return parsedate_to_datetime(value).timestamp()
        except (TypeError, ValueError):
            return None


class ObservingApi(LiveApi):
    """`api`'s client, pool and retry policy, keeping what each call's answers showed."""

    def __init__(self, api: LiveApi) -> None:
        super().__init__(api.client, api.concurrency, api.policy, api.workers)
        self._lock = threading.Lock()
        self.answers: list[Answer] = []
        self.records: list[tuple[Resource, dict[str, Any]]] = []
        """Each resource a read made, with the record the API sent for it."""

    def call(
        self,
        operation: Callable[[Any], T],
        check_before_retry: Callable[[Any], T | None] | None = None,
        attempts: Attempts | None = None,
    ) -> T:
        def observed(v1: Any) -> T:
            sent_at = clock.current().time()  # this machine's clock (a test's, under test)
            with keeping_records() as records:
                result = operation(v1)
            answer = Answer(sent_at, clock.current().time(), self.last_headers())
            pairs = _paired(result, records)
            with self._lock:
                self.answers.append(answer)
                self.records.extend(pairs)
            return result

        return super().call(observed, check_before_retry, attempts)


def _paired(result: Any, records: list[dict[str, Any]]) -> list[tuple[Resource, dict[str, Any]]]:
    """A kind's read makes one resource of each record it reads, in order."""
    if not isinstance(result, list) or not all(isinstance(item, Resource) for item in result):
        return []
    if len(result) != len(records):
        raise RuntimeError(
            f"a read made {len(result)} resources of {len(records)} records: doctor cannot "
            "tell which record each came from"
        )
    return list(zip(result, records, strict=True))


def clock_skew(answers: list[Answer]) -> int | None:
    """Twilio's clock minus this machine's, in whole seconds, from every answer's Date.

    A Date of second S was written at some server time in [S, S+1), between this machine's
    `sent_at` and `received_at`; each answer bounds the skew to an interval, and the answers
    together to the intersection of theirs (to all of them, when server clocks disagree)."""
    bounds = []
    for answer in answers:
        served = answer.served_at()
        if served is not None:
            bounds.append((served - answer.received_at, served + 1 - answer.sent_at))
    if not bounds:
        return None
    low = max(low for low, _ in bounds)
    high = min(high for _, high in bounds)
    if low > high:
        low, high = min(low for low, _ in bounds), max(high for _, high in bounds)
    return round((low + high) / 2)
