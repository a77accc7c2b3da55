"""Merging configuration documents: maps merge key by key, anything else is replaced, later wins.

Each document carries where its values came from; when a later document replaces a value, the
locations (and known-bad marks) under it are replaced too, so errors point at the file that won.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reconciler.config.yaml_loader import ConfigPath

Location = tuple[str, int]
"""(file as shown to the user, 1-based line)."""


@dataclass
class Document:
    """Plain configuration data with the file and line of every key and list item."""

    data: dict[str, Any] = field(default_factory=dict)
    locations: dict[ConfigPath, Location] = field(default_factory=dict)
    tainted: set[ConfigPath] = field(default_factory=set)


def _under(path: ConfigPath, prefix: ConfigPath) -> bool:
    return path[: len(prefix)] == prefix


def merge_documents(base: Document, overlay: Document) -> None:
    """Merge `overlay` into `base` in place."""
    if () in overlay.locations and () not in base.locations:
        base.locations[()] = overlay.locations[()]
    _merge_maps(base, base.data, overlay, overlay.data, ())


def _merge_maps(
    base: Document,
    into: dict[str, Any],
    overlay: Document,
    source: dict[str, Any],
    prefix: ConfigPath,
) -> None:
    for key, value in source.items():
        path = (*prefix, key)
        if path in overlay.locations:
            base.locations[path] = overlay.locations[path]
        if path in overlay.tainted:
            base.tainted.add(path)
        current = into.get(key)
        if key in into and isinstance(current, dict) and isinstance(value, dict):
            _merge_maps(base, current, overlay, value, path)
            continue
        for located in [p for p in base.locations if _under(p, path) and p != path]:
            del base.locations[located]
        base.tainted = {p for p in base.tainted if not _under(p, path) or p in overlay.tainted}
        into[key] = value
        for located, where in overlay.locations.items():
            if _under(located, path):
                base.locations[located] = where
        base.tainted |= {p for p in overlay.tainted if _under(p, path)}
