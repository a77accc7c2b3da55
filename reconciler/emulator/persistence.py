"""Crash-safe state file: every acknowledged write is on disk before its response leaves.

Two files. The snapshot (`FILE`) holds every account; it is never written in place: the new
state goes to a temporary file in the same directory (same filesystem, so the rename is
atomic), is flushed and fsynced, then os.replace swaps it in and the directory is fsynced so
the rename itself survives a power cut. A kill -9 between creating the temporary file and the
rename leaves that file behind (a full copy of the state); the next start sweeps it away.

Rewriting the snapshot on every write costs time in proportion to the account, so a write
instead appends one JSON line to the journal (`FILE.journal`) holding just the records it
changed, and fsyncs it before the response leaves. A kill -9 mid-append leaves a last line
without its newline: that write was never acknowledged, and loading ignores it. Any other
damage is an error naming the file and line, never a silent loss.

Compaction folds the journal into a new snapshot (at start, when the journal outgrows its
bound, at clean shutdown), then deletes the journal. Each snapshot names the journal that
extends it (`journal.id`, a random token written as the journal's first line) and the one it
absorbed (`journal.previous`): a kill -9 after the new snapshot is in place but before the old
journal is gone leaves a journal the snapshot already contains, recognised by its token and
discarded. A journal naming neither belongs to some other snapshot and is refused.

One process at a time: a store holds an exclusive lock (`FILE.lock`, flock) from its load to
its close, so a second emulator on the same state (a `--local` plan started while a `--local`
apply runs) is refused with the holder's process id, instead of replaying, compacting and
deleting the journal the first one is still appending to. The system drops the lock when its
process dies, kill -9 included.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reconciler.errors import ReconcilerError

JOURNAL_SUFFIX = ".journal"
LOCK_SUFFIX = ".lock"
MIN_JOURNAL_BYTES = 1 << 20
"""Compact once the journal holds this many bytes, or as many as the snapshot if that is more:
compaction then costs each write a constant share however large the account, and a start
replays a journal no longer than the snapshot (or this floor)."""
TEMPORARY_SUFFIX = ".tmp"
_SYNC_DATA: Callable[[int], None] = getattr(os, "fdatasync", os.fsync)


class StateFileError(ReconcilerError):
    """The state file exists but cannot be used (not JSON, wrong shape or version, or another
    process is using it)."""


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
    ours = re.compile(re.escape(_temporary_prefix(path)) + r"\w+" + re.escape(TEMPORARY_SUFFIX))
    for candidate in directory.iterdir():
        # mkstemp's random part is letters, digits and '_': `.st.<random>.tmp` belongs to st,
        # `.st.json.<random>.tmp` to st.json, a neighbour sharing the folder
        if ours.fullmatch(candidate.name) and candidate.is_file():
            with contextlib.suppress(FileNotFoundError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def save_state(path: Path, data: dict[str, Any]) -> int:
    """Atomically replace `path` with `data` as JSON; returns its size once it is durable."""
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
    return len(payload)


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


def journal_path(path: Path) -> Path:
    """The journal beside the state file `path`."""
    return path.with_name(path.name + JOURNAL_SUFFIX)


def lock_path(path: Path) -> Path:
    """The lock file beside the state file `path`."""
    return path.with_name(path.name + LOCK_SUFFIX)


def _lock_exclusively(path: Path) -> int | None:
    """An open descriptor holding the state's lock; refuses when another process holds it.
    None where the system has no flock (the lock is then not enforced)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    lock = lock_path(path)
    lock.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip()
        os.close(fd)
        shown = f" (process {holder})" if holder.isdigit() else ""
        raise StateFileError(
            f"{path} is in use by another emulator{shown}; wait for that run to finish "
            "(a --local command holds its state until it ends) or give this one another state "
            "file"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode("ascii"))
    return fd


@dataclass
class Loaded:
    """What a start finds: the snapshot, the journal entries to replay on it (with their line
    numbers, for errors), and whether a compaction must follow (no snapshot yet, a snapshot
    from before the journal existed, or entries to fold in)."""

    snapshot: dict[str, Any] | None
    entries: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    needs_compaction: bool = False


class StateStore:
    """The snapshot and its journal. Not thread-safe: the emulator calls it under its lock,
    which also keeps the journal in the order the writes were applied."""

    def __init__(self, path: Path, min_journal_bytes: int = MIN_JOURNAL_BYTES) -> None:
        if min_journal_bytes < 0:
            raise ValueError("min_journal_bytes must not be negative")
        self.path = Path(path)
        self.journal = journal_path(self.path)
        self.min_journal_bytes = min_journal_bytes
        self.journal_id: str | None = None
        self.snapshot_bytes = 0
        self.journal_bytes = 0
        self.appended = 0
        """Entries in the current journal."""
        self.compactions = 0
        self._fd: int | None = None
        self._lock_fd: int | None = None

    # ------------------------------------------------------------ start

    def load(self) -> Loaded:
        """Lock the state for this process, then read the snapshot and the entries of its
        journal; a stale or empty journal is deleted at once, so that appending can start a
        new one."""
        if self._lock_fd is None:
            self._lock_fd = _lock_exclusively(self.path)
        try:
            return self._load()
        except BaseException:
            self.release()
            raise

    def _load(self) -> Loaded:
        sweep_temporary_files(self.path)
        snapshot = load_state(self.path)
        current, previous = self._marker(snapshot)
        self.journal_id = current
        with contextlib.suppress(OSError):
            self.snapshot_bytes = self.path.stat().st_size
        try:
            raw = self.journal.read_bytes()
        except FileNotFoundError:
            return Loaded(snapshot, needs_compaction=current is None)
        lines = raw.split(b"\n")
        lines.pop()  # b"" after the last newline, or a torn line: a kill -9 mid-append, so
        # that write was never acknowledged; the compaction that follows a replay drops it
        entries: list[tuple[int, dict[str, Any]]] = []
        if lines:
            header = self._parse(lines[0], 1)
            owner = header.get("journal")
            if snapshot is None:
                raise StateFileError(
                    f"{self.journal}: a journal without its state file {self.path}; "
                    "delete the journal to start afresh"
                )
            if owner == current and current is not None:
                entries = [
                    (number, self._parse(line, number))
                    for number, line in enumerate(lines[1:], start=2)
                ]
            elif owner != previous or previous is None:
                raise StateFileError(
                    f"{self.journal}: journal {owner!r} does not belong to {self.path} "
                    f"(which expects journal {current!r})"
                )
            # else: the journal the snapshot already absorbed (a kill -9 mid-compaction)
        if not entries:
            # Nothing to replay (absorbed already, or only a torn line): delete it now, before
            # a compaction makes the snapshot forget the token that explains it.
            self._remove_journal()
            return Loaded(snapshot, needs_compaction=current is None)
        return Loaded(snapshot, entries, needs_compaction=True)

    def _marker(self, snapshot: dict[str, Any] | None) -> tuple[str | None, str | None]:
        """The snapshot's own journal token and the one it absorbed; none before journals."""
        marker = snapshot.get("journal") if snapshot is not None else None
        if marker is None:
            return None, None
        current = marker.get("id") if isinstance(marker, dict) else None
        previous = marker.get("previous") if isinstance(marker, dict) else None
        if not isinstance(current, str) or not isinstance(previous, (str, type(None))):
            raise StateFileError(f"{self.path}: unusable journal marker {marker!r}")
        return current, previous

    def _parse(self, line: bytes, number: int) -> dict[str, Any]:
        try:
            entry = json.loads(line)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StateFileError(
                f"{self.journal}, line {number}: not a JSON journal entry ({error})"
            ) from None
        if not isinstance(entry, dict):
            raise StateFileError(f"{self.journal}, line {number}: not a journal entry")
        return entry

    # ------------------------------------------------------------ writes

    def append(self, entry: dict[str, Any]) -> None:
        """Journal one acknowledged write; returns once it is durable. The first append after
        a compaction creates the journal, its token line first."""
        if self.journal_id is None:
            raise RuntimeError("compact the state before journaling writes to it")
        payload = (json.dumps(entry, separators=(",", ":")) + "\n").encode("utf-8")
        created = self._fd is None
        if self._fd is None:
            header = json.dumps({"journal": self.journal_id}) + "\n"
            payload = header.encode("utf-8") + payload
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND
            self._fd = os.open(self.journal, flags | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            _write_all(self._fd, payload)
            _SYNC_DATA(self._fd)
        except BaseException:
            # Never leave half a line for the next entry to be appended to.
            if created:
                with contextlib.suppress(OSError):
                    self._remove_journal()
            else:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, self.journal_bytes)
            raise
        if created:
            _fsync_directory(self.journal.parent)
        self.journal_bytes += len(payload)
        self.appended += 1

    @property
    def compaction_due(self) -> bool:
        return self.journal_bytes >= max(self.min_journal_bytes, self.snapshot_bytes)

    def compact(self, data: dict[str, Any]) -> None:
        """Make `data` (every write so far) the snapshot, then drop the journal it absorbs.

        The snapshot is in place before the journal goes: a crash in between leaves a
        journal that the new snapshot names as `previous`, which loading discards.
        """
        token = uuid.uuid4().hex
        marked = {**data, "journal": {"id": token, "previous": self.journal_id}}
        self.snapshot_bytes = save_state(self.path, marked)
        self._remove_journal()
        self.journal_id = token
        self.compactions += 1

    def close(self, data: Callable[[], dict[str, Any]]) -> None:
        """At a clean shutdown: fold the journal into the snapshot, if there is one."""
        try:
            if self.appended:
                self.compact(data())
            self._close()
        finally:
            self.release()

    def release(self) -> None:
        """Let another process use the state (the system also does when this one ends)."""
        fd, self._lock_fd = self._lock_fd, None
        if fd is not None:
            os.close(fd)

    def __del__(self) -> None:
        # A store dropped without close (an emulator built but never started) lets go too.
        with contextlib.suppress(OSError):
            self._close()
            self.release()

    def _remove_journal(self) -> None:
        self._close()
        try:
            self.journal.unlink()
        except FileNotFoundError:
            pass
        else:
            _fsync_directory(self.journal.parent)
        self.journal_bytes = 0
        self.appended = 0

    def _close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]
