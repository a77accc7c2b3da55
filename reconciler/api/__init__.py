"""The public Python API: what the `reconciler` commands do, as typed functions.

    from reconciler import api

    checked = api.validate("envs/prod")                 # offline; never raises for findings
    result = api.plan("envs/prod", api.Connect(endpoint="http://127.0.0.1:4010"))
    if result.changed:
        api.apply("envs/prod", allow_destroy=False).raise_for_failure()

Functions take configuration paths (or a `LoadedConfig` from `load`) and where to connect (a
`Connect`, or `ConnectionSettings`; by default Twilio with the TWILIO_* variables). They return
results (`reconciler.api.results`) holding the engine's own objects (`Plan`, `Report`,
`FleetReport`, `Comparison`, `ApplyReport`), which `reconciler.output` renders in every format
the CLI prints. They never print or exit: what a command shows while it runs (findings while
loading, the plan before apply writes, each step applied, notes) goes to the `notify` callback
when one is given, and `approve` is asked before apply writes (no question when it is None).

Errors are exceptions, all subclasses of `reconciler.errors.ReconcilerError` whose message is
meant for a person: `ConfigError` (the configuration does not load; `.issues` holds every
problem), `PolicyError` (the team's policy refuses it; `.findings`), `ConnectionSettingsError`
(credentials or endpoint), `SelectorError` (an `only` selector names nothing),
`AccountMismatchError` (the account pin or a saved plan's account is not the one reached),
`StalePlanError` (a saved plan no longer matches), `ReferenceError` (a reference names nothing
live), `MissingNeighbour` (a Messaging Service or Studio Flow the account does not have),
`ExportNotExpressible` (the account holds what export cannot write), `ExportIncomplete` (export
left out what the file cannot hold, and wrote the rest), `ApplyFailed` (from
`ApplyResult.raise_for_failure()`), `UnsupportedFormat` (a renderer asked for a result it does
not render); each is importable from here (`except api.StalePlanError`). Errors of Twilio's API
or the network are raised as the twilio library raises them. docs/api.md walks through the
common uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reconciler.api.account import (
    Approve,
    Config,
    Connect,
    Paths,
    Where,
    apply,
    connected,
    diff,
    doctor,
    export,
    export_schema,
    load,
    permissions,
    plan,
    schema,
    validate,
)
from reconciler.api.emulator import serve_emulator
from reconciler.api.errors import ERRORS, error_class
from reconciler.api.fleet import (
    Selection,
    apply_fleet,
    export_fleet,
    merge_fleet_reports,
    plan_fleet,
    show_fleet,
    validate_fleet,
)
from reconciler.api.results import (
    ApplyFailed,
    ApplyResult,
    Checked,
    DiffResult,
    DoctorResult,
    EmulatorServing,
    ExportResult,
    FleetResult,
    Message,
    Notify,
    PermissionsResult,
    Planned,
    PlanResult,
    Result,
    SavedPlanView,
    SchemaResult,
    StepDone,
    Unmanaged,
    Validation,
)
from reconciler.api.saved import read_plan_file, show

if TYPE_CHECKING:
    from reconciler.config.errors import ConfigError
    from reconciler.errors import ConnectionSettingsError, ReconcilerError
    from reconciler.export.verify import ExportIncomplete, ExportNotExpressible
    from reconciler.lint import PolicyError
    from reconciler.output.base import UnsupportedFormat
    from reconciler.plan.neighbours import MissingNeighbour
    from reconciler.plan.pin import AccountMismatchError
    from reconciler.plan.planfile import StalePlanError
    from reconciler.plan.references import ReferenceError
    from reconciler.plan.select import SelectorError


def __getattr__(name: str) -> Any:
    """The exceptions, imported when first named (api/errors.py)."""
    if name in ERRORS:
        return error_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AccountMismatchError",
    "ApplyFailed",
    "ApplyResult",
    "Approve",
    "Checked",
    "Config",
    "ConfigError",
    "Connect",
    "ConnectionSettingsError",
    "DiffResult",
    "DoctorResult",
    "EmulatorServing",
    "ExportIncomplete",
    "ExportNotExpressible",
    "ExportResult",
    "FleetResult",
    "Message",
    "MissingNeighbour",
    "Notify",
    "Paths",
    "PermissionsResult",
    "PlanResult",
    "Planned",
    "PolicyError",
    "ReconcilerError",
    "ReferenceError",
    "Result",
    "SavedPlanView",
    "SchemaResult",
    "Selection",
    "SelectorError",
    "StalePlanError",
    "StepDone",
    "Unmanaged",
    "UnsupportedFormat",
    "Validation",
    "Where",
    "apply",
    "apply_fleet",
    "connected",
    "diff",
    "doctor",
    "export",
    "export_fleet",
    "export_schema",
    "load",
    "merge_fleet_reports",
    "permissions",
    "plan",
    "plan_fleet",
    "read_plan_file",
    "schema",
    "serve_emulator",
    "show",
    "show_fleet",
    "validate",
    "validate_fleet",
]
