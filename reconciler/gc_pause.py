"""Pausing Python's cyclic garbage collector while building large acyclic data.

Parsing a large configuration or reading a large account allocates hundreds of thousands of
objects, none of them in a cycle; the collector would walk the growing heap again and again
meanwhile (several times the work itself) and free nothing. The collector is process-wide and
a fleet parses and reads on many threads at once, so pauses are counted: the first to start
turns it off, the last to end turns it back on (if it was on), never one thread's end while
another is still building.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
