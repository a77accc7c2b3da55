"""Merging configuration documents: maps merge key by key, anything else is replaced, later wins.

Each document carries where its values came from, as layers: one per file, in merge order,
each holding that file's own line index (never copied) and the paths at which its values
replaced what earlier layers had written. A path is located in the last layer that has it,
unless a later layer replaced one of its ancestors (then the earlier line is stale), so errors
point at the file that won, and a merge costs what it merges, not the size of the documents.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from reconciler.config.lines import ConfigPath, LineIndex

Location = tuple[str, int]
"""(file as shown to the user, 1-based line)."""


@dataclass
class Layer:
    """One file's lines, and where that file's values replaced those of the layers before."""

    display: str
    lines: LineIndex
    replaced: set[ConfigPath] = field(default_factory=set)
    written: dict[ConfigPath, str] = field(default_factory=dict)
    """This file's booleans and numbers whose text differs from their value (`ParsedYaml`)."""


class Locations(Mapping[ConfigPath, Location]):
    """The (file, line) of each path of a merged document, looked up through its layers."""

    def __init__(self, layers: list[Layer], root: Location | None) -> None:
        self._layers = layers
        self._root = root

    def __getitem__(self, path: ConfigPath) -> Location:
        if not path:
            if self._root is None:
                raise KeyError(path)
            return self._root
        layer = self.layer(path)
        if layer is None:
            raise KeyError(path)
        return (layer.display, layer.lines[path])

    def layer(self, path: ConfigPath) -> Layer | None:
        """The layer (file) whose value at a non-empty `path` is the live one; None if none."""
        for layer in reversed(self._layers):
            if layer.lines.get(path) is not None:
                return layer
            if layer.replaced and any(
                path[:end] in layer.replaced for end in range(1, len(path) + 1)
            ):
                break  # this file replaced the value: earlier lines describe nothing live
        return None

    def nearest(self, path: ConfigPath) -> Location | None:
        """(file, line) of `path`, or of its nearest located ancestor; None if none is."""
        for end in range(len(path), -1, -1):
            where = self.get(path[:end])
            if where is not None:
                return where
        return None

    def __iter__(self) -> Iterator[ConfigPath]:
        """Every located path (for tests and tools; lookups go through `get`)."""
        if self._root is not None:
            yield ()
        seen: set[ConfigPath] = set()
        for layer in reversed(self._layers):
            for path, line in layer.lines.items():
                if path and path not in seen and self.get(path) == (layer.display, line):
                    seen.add(path)
                    yield path

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass
class Document:
    """Plain configuration data with the file and line of every key and list item."""

    data: dict[str, Any] = field(default_factory=dict)
    layers: list[Layer] = field(default_factory=list)
    root: Location | None = None
    """Where the document starts: its first file's top."""
    tainted: set[ConfigPath] = field(default_factory=set)

    @property
    def locations(self) -> Locations:
        return Locations(self.layers, self.root)


def _under(path: ConfigPath, prefix: ConfigPath) -> bool:
    return path[: len(prefix)] == prefix


def merge_documents(base: Document, overlay: Document) -> None:
    """Merge `overlay` into `base` in place (`overlay`'s layers become `base`'s)."""
    if base.root is None:
        base.root = overlay.root
    replaced: set[ConfigPath] = set()
    _merge_maps(base, base.data, overlay, overlay.data, (), replaced)
    if overlay.layers:
        overlay.layers[0].replaced |= replaced
    base.layers.extend(overlay.layers)


def _merge_maps(
    base: Document,
    into: dict[str, Any],
    overlay: Document,
    source: dict[str, Any],
    prefix: ConfigPath,
    replaced: set[ConfigPath],
) -> None:
    for key, value in source.items():
        path = (*prefix, key)
        if path in overlay.tainted:
            base.tainted.add(path)
        current = into.get(key)
        if key in into and isinstance(current, dict) and isinstance(value, dict):
            _merge_maps(base, current, overlay, value, path, replaced)
            continue
        if key in into:
            replaced.add(path)
        into[key] = value
        if base.tainted:
            base.tainted = {p for p in base.tainted if not _under(p, path) or p in overlay.tainted}
        base.tainted |= {p for p in overlay.tainted if _under(p, path)}
