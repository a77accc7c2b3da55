"""Concurrent applies: Twilio does not refuse two services (or credentials) with one name.

A lock cannot help across CI runners and laptops, so every applier that creates such a resource
re-reads its siblings and applies one rule (kinds.survivor: oldest date_created, then lowest
SID). Every applier computes the same survivor; a creator whose resource lost deletes it and
adopts the survivor. date_created has one-second resolution, so the re-read is repeated until
the server's clock (its Date header) has left the second of the creation: by then every twin
created in that second is visible, and any later twin is younger and loses. The server's clock
has surely left that second one second after the creation was answered: the re-read is
repeated every quarter second until then (the second usually ends sooner) and at that moment.
The executor lends the waiting step's request slot to other steps meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from twilio.base.exceptions import TwilioException

from reconciler import clock, kinds
from reconciler.kinds import Kind, Resource
from reconciler.live.api import LiveApi
from reconciler.live.clock import POLL_SECONDS, read_until_second_passed, served_at
from reconciler.live.retry import is_not_found

SECOND_PASSED = 1.05
"""Seconds after the creation was answered by which the server's Date has left its second."""

Matches = Callable[[Resource], bool]


def settle(
    api: LiveApi,
    kind: Kind,
    parent_sid: str | None,
    created_sid: str,
    matches: Matches,
    sleep: Callable[[float], None] | None = None,
    ambiguous: bool = False,
    known: Collection[str] = (),
) -> str:
    """The SID this applier should use after creating `created_sid`: its own, or the survivor
    it adopts (after deleting its own creation, which lost).

    `ambiguous`: the create's answer was lost and `created_sid` is the twin a re-read found,
    which may be another run's, while this run's own creation may be any other new twin. Then
    every losing twin that was not in the account when this run planned (`known`) is deleted:
    one of them may be this run's, and every run agrees that all of them lose.

    `sleep`: how to wait between re-reads (the process's clock's sleep by default)."""
    waits = clock.current()
    answered = waits.monotonic()

    def pause() -> float:
        left = answered + SECOND_PASSED - waits.monotonic()
        return min(POLL_SECONDS, left) if left > 0 else POLL_SECONDS

    def created_second(siblings: list[Resource]) -> str | None:
        if ambiguous:
            seconds = [str(s.extra.get("date_created") or "") for s in siblings if matches(s)]
            return max(seconds, default="") or None
        mine = next((sibling for sibling in siblings if sibling.sid == created_sid), None)
        return mine.extra.get("date_created") if mine is not None else None

    siblings = read_until_second_passed(
        lambda: api.call(lambda v1: kind.read(v1, parent_sid)),
        lambda: served_at(api.last_headers()),
        created_second,
        pause,
        sleep or waits.sleep,
    )
    twins = [resource for resource in siblings if matches(resource)]
    if not twins:
        return created_sid
    kept = kinds.survivor(twins)
    losers = {created_sid} if kept.sid != created_sid else set()
    if ambiguous:
        losers |= {str(t.sid) for t in twins if t.sid != kept.sid and t.sid not in known}
    for sid in sorted(losers):
        _delete_own(api, kind, parent_sid, sid)
    return str(kept.sid)


def _delete_own(api: LiveApi, kind: Kind, parent_sid: str | None, sid: str) -> None:
    def delete(v1: Any) -> None:
        try:
            kind.delete(v1, parent_sid, sid)
        except TwilioException as error:
            if not is_not_found(error):
                raise

    api.call(delete)
