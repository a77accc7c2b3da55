"""Emulator processes started by tests: stopped and their pipes closed whatever happened."""

from __future__ import annotations

import subprocess


def reap(process: subprocess.Popen[str]) -> None:
    """Kill the process if it still runs, wait for it, close its pipes (no ResourceWarning)."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
