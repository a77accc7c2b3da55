"""The exceptions the API raises, importable from `reconciler.api` (`except api.StalePlanError`).

Each lives beside the code that raises it; they are loaded when first named, so importing the
API stays as light as the commands that need none of them (`--help`, `validate`).
"""

from __future__ import annotations

import importlib

ERRORS: dict[str, str] = {
    "ReconcilerError": "reconciler.errors",
    "ConfigError": "reconciler.config.errors",
    "PolicyError": "reconciler.lint",
    "ConnectionSettingsError": "reconciler.errors",
    "SelectorError": "reconciler.plan.select",
    "AccountMismatchError": "reconciler.plan.pin",
    "StalePlanError": "reconciler.plan.planfile",
    "ReferenceError": "reconciler.plan.references",
    "MissingNeighbour": "reconciler.plan.neighbours",
    "ExportNotExpressible": "reconciler.export.verify",
    "ExportIncomplete": "reconciler.export.verify",
    "UnsupportedFormat": "reconciler.output.base",
}
"""Exception name -> the module that defines it (ApplyFailed is in reconciler.api.results)."""


def error_class(name: str) -> type[Exception]:
    """The exception class `name` (one of ERRORS), imported on first use."""
    found: type[Exception] = getattr(importlib.import_module(ERRORS[name]), name)
    return found
