"""Where a config path was written: the file and line the loader recorded for it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

Location = tuple[str, int]


def locate(
    locations: Mapping[tuple[str | int, ...], Location], path: Sequence[str | int]
) -> Location | None:
    """(file, line) of `path`, or of its nearest located ancestor; None if none is located."""
    parts = tuple(path)
    for end in range(len(parts), -1, -1):
        where = locations.get(parts[:end])
        if where is not None:
            return where
    return None
