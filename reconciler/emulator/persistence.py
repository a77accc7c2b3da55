"""Crash-safe state file: every acknowledged write is on disk before its response leaves.

A kill -9 can land at any instant, so the file is never written in place: the new state
goes to a temporary file in the same directory (same filesystem, so the rename is atomic),
is flushed and fsynced, then os.replace swaps it in and the directory is fsynced so the
rename itself survives a power cut. A reader sees the old state or the new one, never half.
A kill -9 between creating the temporary file and the rename leaves that file behind (a full
copy of the state); the next start sweeps such leftovers away.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from reconciler.errors import ReconcilerError


class StateFileError(ReconcilerError):
    """The state file exists but cannot be used (not JSON, wrong shape or version)."""


def load_state(path: Path) -> dict[str, Any] | None:
    """The saved state, or None when there is no file yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise StateFileError(f"{path}: not a JSON emulator state file ({error})") from None
    if not isinstance(data, dict):
        raise StateFileError(f"{path}: not an emulator state file")
    return data


def _temporary_prefix(path: Path) -> str:
    return f".{path.name}."


TEMPORARY_SUFFIX = ".tmp"


def sweep_temporary_files(path: Path) -> list[Path]:
    """Delete the temporary files an interrupted save left beside `path`; returns them.

    Only files named as save_state names them (`.<name>.<random>.tmp`) are touched. Call it
    before serving: a running emulator's own in-flight save is the one thing it must not
    remove.
    """
    directory = path.parent
    if not directory.is_dir():
        return []
    removed = []
    prefix = _temporary_prefix(path)
    for candidate in directory.iterdir():
        name = candidate.name
        if name.startswith(prefix) and name.endswith(TEMPORARY_SUFFIX) and candidate.is_file():
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def save_state(path: Path, data: dict[str, Any]) -> None:
    """Atomically replace `path` with `data` as JSON; returns once it is durable."""
    directory = path.parent
    directory.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, indent=1, sort_keys=True).encode("utf-8")
    fd, temporary = tempfile.mkstemp(
        prefix=_temporary_prefix(path), suffix=TEMPORARY_SUFFIX, dir=directory
    )
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; not every platform lets a directory be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
