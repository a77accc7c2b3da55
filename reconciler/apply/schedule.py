"""Which steps wait for which: a dependency graph instead of level barriers.

Levels (plan/order.py) say what kind of step comes before what; within that order a step only
waits for earlier-level steps that touch the same thing (a role for its service's create, a
service's settings for its roles, an address for the service it names), so one slow service
never holds up another. Service deletes are the exception: whatever pointed at the service
must have been repointed first, and a repoint names the new target rather than the old one,
so a service delete waits for every earlier step.
"""

from __future__ import annotations

from collections import defaultdict
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


def run_graph(
    count: int,
    waits: list[set[int]],
    start: Callable[[int], None],
    finished: Callable[[], list[int]],
) -> None:
    """Start every step whose waits are done, as steps finish; `finished` blocks until at
    least one running step ends and returns which."""
    remaining = [set(step_waits) for step_waits in waits]
    dependents: list[list[int]] = [[] for _ in range(count)]
    for index, step_waits in enumerate(waits):
        for other in step_waits:
            dependents[other].append(index)
    ready = [index for index in range(count) if not remaining[index]]
    running = 0
    done = 0
    while done < count:
        for index in ready:
            start(index)
        running += len(ready)
        ready = []
        for index in finished():
            running -= 1
            done += 1
            for dependent in dependents[index]:
                remaining[dependent].discard(index)
                if not remaining[dependent]:
                    ready.append(dependent)
        if running == 0 and not ready and done < count:
            raise RuntimeError("apply schedule has a cycle")  # levels make this impossible
