"""Errors that reach the user as one clear message instead of a traceback."""

from __future__ import annotations


class ReconcilerError(Exception):
    """A problem the user can fix: printed as its message, exit code 1."""


class ConnectionSettingsError(ReconcilerError):
    """Credentials or endpoint settings are missing or malformed."""
