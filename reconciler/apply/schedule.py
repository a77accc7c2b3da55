"""Which steps wait for which, and in what order the ready ones start.

Levels (plan/order.py) say what kind of step comes before what; within that order a step only
waits for earlier-level steps that touch the same thing (a role for its service's create, a
service's settings for its roles, an address for the service it names), so one slow service
never holds up another. Service deletes are the exception: whatever pointed at the service
must have been repointed first, and a repoint names the new target rather than the old one,
so a service delete waits for every earlier step.

Ready steps start round-robin across services: Twilio limits writes per service, so workers
spread over many services stay busy where workers queued behind one service would wait out
its rate limit.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable, Sequence

from reconciler.plan.order import SERVICE_DELETE_LEVEL

Token = tuple[str, ...]


def dependencies(levels: Sequence[int], tokens: Sequence[set[Token]]) -> list[set[int]]:
    """For each step (by index), the indices of the steps it must wait for."""
    by_token: dict[Token, list[int]] = defaultdict(list)
    for index, step_tokens in enumerate(tokens):
        for token in step_tokens:
            by_token[token].append(index)
    waits: list[set[int]] = []
    for index, level in enumerate(levels):
        if level >= SERVICE_DELETE_LEVEL:
            waits.append({other for other, lower in enumerate(levels) if lower < level})
            continue
        waits.append(
            {other for token in tokens[index] for other in by_token[token] if levels[other] < level}
        )
    return waits


class _FairQueue:
    """Ready steps by group (their service), taken one group after another."""

    def __init__(self) -> None:
        self._groups: OrderedDict[str, deque[int]] = OrderedDict()

    def add(self, group: str, index: int) -> None:
        self._groups.setdefault(group, deque()).append(index)

    def take(self) -> int | None:
        if not self._groups:
            return None
        group, queue = next(iter(self._groups.items()))
        index = queue.popleft()
        del self._groups[group]
        if queue:
            self._groups[group] = queue  # to the back: the next take serves another group
        return index

    def __bool__(self) -> bool:
        return bool(self._groups)


def run_graph(
    waits: list[set[int]],
    groups: Sequence[str],
    limit: int,
    start: Callable[[int], None],
    finished: Callable[[], list[int]],
) -> None:
    """Start steps whose waits are done, at most `limit` running, fairly across `groups`;
    `finished` blocks until at least one running step ends and returns which."""
    count = len(waits)
    remaining = [set(step_waits) for step_waits in waits]
    dependents: list[list[int]] = [[] for _ in range(count)]
    for index, step_waits in enumerate(waits):
        for other in step_waits:
            dependents[other].append(index)
    ready = _FairQueue()
    for index in range(count):
        if not remaining[index]:
            ready.add(groups[index], index)
    running = 0
    done = 0
    while done < count:
        while running < limit:
            taken = ready.take()
            if taken is None:
                break
            start(taken)
            running += 1
        if running == 0:
            raise RuntimeError("apply schedule has a cycle")  # levels make this impossible
        for index in finished():
            running -= 1
            done += 1
            for dependent in dependents[index]:
                remaining[dependent].discard(index)
                if not remaining[dependent]:
                    ready.add(groups[dependent], dependent)
