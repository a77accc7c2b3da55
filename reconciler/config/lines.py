"""The line of every key and list item of one YAML file, stored per container.

A large configuration has hundreds of thousands of values; one `(path tuple) -> line` entry
each costs more memory than the values themselves (a 50,000-resource file: 80 MB of paths for
16 MB of data). Here each mapping keeps one small `key -> line` dict and each list one list of
lines, under the container's path, so a value's own path is never stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import overload

ConfigPath = tuple[str | int, ...]


class LineIndex:
    """Read like a `{path: line}` mapping (get, `in`, `[]`, items); built container by container."""

    __slots__ = ("_containers", "root")

    def __init__(self) -> None:
        self.root: int | None = None
        """The line the document's top-level value starts on (None: an empty document)."""
        self._containers: dict[ConfigPath, dict[str, int] | list[int]] = {}

    def mapping(self, path: ConfigPath, lines: dict[str, int]) -> None:
        """Record the mapping at `path` by its `key -> line` dict (kept, not copied)."""
        self._containers[path] = lines

    def sequence(self, path: ConfigPath, lines: list[int]) -> None:
        """Record the list at `path` by the line of each item, in order (kept, not copied)."""
        self._containers[path] = lines

    @overload
    def get(self, path: ConfigPath) -> int | None: ...
    @overload
    def get(self, path: ConfigPath, default: int) -> int: ...
    def get(self, path: ConfigPath, default: int | None = None) -> int | None:
        if not path:
            return default if self.root is None else self.root
        container = self._containers.get(path[:-1])
        if container is None:
            return default
        last = path[-1]
        if isinstance(container, dict):
            return container.get(last, default) if isinstance(last, str) else default
        if isinstance(last, int) and 0 <= last < len(container):
            return container[last]
        return default

    def __contains__(self, path: object) -> bool:
        return isinstance(path, tuple) and self.get(path) is not None

    def __getitem__(self, path: ConfigPath) -> int:
        line = self.get(path)
        if line is None:
            raise KeyError(path)
        return line

    def items(self) -> Iterator[tuple[ConfigPath, int]]:
        """Every (path, line), the root first; for tests and tools, not for lookups."""
        if self.root is not None:
            yield (), self.root
        for path, container in self._containers.items():
            pairs = container.items() if isinstance(container, dict) else enumerate(container)
            for part, line in pairs:
                yield (*path, part), line

    def __len__(self) -> int:
        return (self.root is not None) + sum(len(lines) for lines in self._containers.values())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LineIndex):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LineIndex({len(self)} lines)"
