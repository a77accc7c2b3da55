"""The names this module held before the emulator took moto's shape, for code that imports
them from here: the app is app.py, the request and answer types routing.py, and each API's
handlers its package under apis/."""

from __future__ import annotations

from reconciler.emulator.app import CONTROL_PREFIX, EmulatorApp, Stats
from reconciler.emulator.routing import Outcome, Request, Route, error_outcome

__all__ = ["CONTROL_PREFIX", "EmulatorApp", "Outcome", "Request", "Route", "Stats", "error_outcome"]
