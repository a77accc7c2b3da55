"""Which targets a run covers: all of them, some by name or glob, and one shard of those.

Shards split a fleet across CI jobs: `--shard K/N` keeps every N-th target of the selection,
starting with the K-th, in the order of the targets file. Round robin keeps shards within one
target of each other in size; adding a target may move others to another shard, which is fine
because every job plans from scratch.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from reconciler.errors import ReconcilerError
from reconciler.fleet.model import Fleet, Target

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
MAX_LISTED = 10


@dataclass(frozen=True)
class Shard:
    index: int
    """1-based."""
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def keeps(self, position: int) -> bool:
        return position % self.count == self.index - 1


def parse_shard(text: str) -> Shard:
    """`K/N` with 1 <= K <= N; raises ValueError saying what is allowed."""
    match = _SHARD.match(text)
    if not match:
        raise ValueError(f"{text!r} is not K/N (such as 1/4: the first of four shards)")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"{text!r}: K must be between 1 and N, and N at least 1")
    return Shard(index, count)


def select_targets(
    fleet: Fleet, patterns: tuple[str, ...] = (), shard: Shard | None = None
) -> list[Target]:
    """Targets matching any of `patterns` (names or globs: `tenant-*`, `prod`), or all of them
    when none is given; then the shard's share. A pattern that matches nothing is an error, so
    a typo in CI is not a silently empty run."""
    chosen = list(fleet.targets)
    if patterns:
        unmatched = [
            pattern
            for pattern in patterns
            if not any(fnmatch.fnmatchcase(target.name, pattern) for target in chosen)
        ]
        if unmatched:
            names = [target.name for target in fleet.targets]
            listed = ", ".join(names[:MAX_LISTED]) + (", ..." if len(names) > MAX_LISTED else "")
            raise ReconcilerError(
                f"--target {', '.join(repr(pattern) for pattern in unmatched)} matches no target "
                f"in {fleet.path} (targets: {listed})"
            )
        chosen = [
            target
            for target in chosen
            if any(fnmatch.fnmatchcase(target.name, pattern) for pattern in patterns)
        ]
    if shard is not None:
        chosen = [target for position, target in enumerate(chosen) if shard.keeps(position)]
    return chosen
