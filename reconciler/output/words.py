"""Counts in words, as every command says them ("2 services, 5 roles, 1 warning"), and long
lists of names said shortly."""

from __future__ import annotations

import re
from collections.abc import Sequence

MAX_NAMES = 12
"""Names a list shows one by one; longer lists are shortened (`compact_names`)."""
MAX_PIECES = 8
"""Pieces (names or ranges) a shortened list shows before counting the rest."""
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


def count(number: int, singular: str, plural: str | None = None) -> str:
    """`1 role`, `2 roles`."""
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def describe_counts(counts: dict[str, int]) -> str:
    """`LoadedConfig.resource_counts()` in words, as validate says it."""
    return ", ".join(
        [
            count(counts["services"], "service"),
            count(counts["roles"], "role"),
            count(counts["address_configurations"], "address configuration"),
            count(counts["credentials"], "credential"),
        ]
    )


def compact_names(names: Sequence[str]) -> str:
    """`a, b, c` for a few names; for many, runs of numbered names as ranges
    (`tenant-001..tenant-998 (998)`), and past MAX_PIECES pieces a count of the rest, so that
    a fleet of a thousand targets stays one readable line (the JSON report names them all)."""
    if len(names) <= MAX_NAMES:
        return ", ".join(names)
    runs: list[list[str]] = []
    for name in names:
        if runs and _follows(runs[-1][-1], name):
            runs[-1].append(name)
        else:
            runs.append([name])
    pieces = [
        (f"{run[0]}..{run[-1]} ({len(run)})", len(run)) if len(run) >= 3 else (name, 1)
        for run in runs
        for name in (run if len(run) < 3 else run[:1])
    ]
    shown = pieces[:MAX_PIECES]
    text = ", ".join(piece for piece, _ in shown)
    hidden = len(names) - sum(size for _, size in shown)
    return text + (f" and {hidden} more" if hidden else "")


def _follows(previous: str, name: str) -> bool:
    """`name` is `previous` with its number one higher, written as wide (tenant-009, -010)."""
    a, b = _NUMBERED.match(previous), _NUMBERED.match(name)
    if not a or not b or a.group(1) != b.group(1) or len(a.group(2)) != len(b.group(2)):
        return False
    return int(b.group(2)) == int(a.group(2)) + 1
