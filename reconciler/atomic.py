"""Writing a file so that a reader sees the old text or the new, never half of either.

Exports, saved plans, fleet reports and targets files are written to a temporary file beside
the target (same filesystem, so the rename is atomic), then renamed over it. The temporary
name is unique, so two runs writing the same file do not write into one temporary file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from reconciler.errors import ReconcilerError


def write_atomically(path: Path, text: str, *, private: bool = False) -> None:
    """Replace `path` with `text`, creating its folder if need be; `private` files are readable
    by their owner only (saved plans). Raises ReconcilerError naming the path."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        handle = os.open(temporary, flags, 0o600 if private else 0o666)
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise ReconcilerError(f"cannot write {path}: {error.strerror or error}") from error
