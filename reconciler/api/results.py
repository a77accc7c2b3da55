"""What the API's functions return, and what they report while they run.

Every result is plain data with a `kind` (its name in the output layer, `reconciler.output`,
which renders each kind in the formats that make sense for it). The engine's own objects are
kept as they are (`Plan`, `findings.Report`, `FleetReport`, `Comparison`, `ApplyReport`), so a
script reads the same values the renderers do. Imports of the engine are for type checking
only: importing the API costs nothing until a function runs (the CLI's start-up).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from reconciler.errors import ReconcilerError

if TYPE_CHECKING:
    from reconciler.apply import ApplyReport, StepResult
    from reconciler.compare import Comparison
    from reconciler.config import LoadedConfig
    from reconciler.doctor.model import DoctorReport
    from reconciler.emulator.server import EmulatorServer
    from reconciler.findings import Finding, Report
    from reconciler.fleet.report import FleetReport
    from reconciler.plan.model import Origin, Plan


class Result:
    """Anything the output layer renders; `kind` names it there."""

    kind: ClassVar[str]


Notify = Callable[[Result], None]
"""Called with what a function finds while it runs (findings while loading, a plan about to be
applied, each step applied, a note): the CLI prints each at once, a script may ignore them."""


@dataclass(frozen=True)
class Message(Result):
    """A line for the person running the command (a note, a warning, where a file went)."""

    kind: ClassVar[str] = "message"
    text: str
    to_stderr: bool = True


@dataclass(frozen=True)
class Checked(Result):
    """The findings of loading a configuration for plan or apply: the team's policy
    (`fatal` False), or the problems that stopped the load (`fatal` True, then ConfigError)."""

    kind: ClassVar[str] = "checked"
    findings: Sequence[Finding]
    fatal: bool = False


@dataclass(frozen=True)
class Validation(Result):
    """`validate` of one configuration: every finding, and what it manages when valid."""

    kind: ClassVar[str] = "validation"
    report: Report
    loaded: LoadedConfig | None = None

    @property
    def valid(self) -> bool:
        return self.report.valid


@dataclass(frozen=True)
class Unmanaged(Result):
    """Live resources the configuration does not manage (`plan --show-unmanaged`), as the
    records plan JSON carries (`plan.unmanaged.unmanaged_json`)."""

    kind: ClassVar[str] = "unmanaged"
    records: Sequence[Mapping[str, Any]]


@dataclass(frozen=True)
class PlanResult(Result):
    """A fresh plan of one account: the plan, the configuration it came from, the account."""

    kind: ClassVar[str] = "plan"
    plan: Plan
    loaded: LoadedConfig
    account_sid: str | None = None
    unmanaged: Unmanaged | None = None
    saved_to: str | Path | None = None
    """Where the plan file was written (`out`), for `apply --plan`."""

    @property
    def origin(self) -> Origin:
        from reconciler.plan.model import Origin

        return Origin(self.account_sid)

    @property
    def changed(self) -> bool:
        return not self.plan.empty


@dataclass(frozen=True)
class SavedPlanView(Result):
    """A plan read back from a plan file (`show`), with the account it was made against."""

    kind: ClassVar[str] = "show"
    plan: Plan
    origin: Origin


@dataclass(frozen=True)
class Planned(Result):
    """The plan `apply` is about to carry out, shown before any write."""

    kind: ClassVar[str] = "planned"
    plan: Plan


@dataclass(frozen=True)
class StepDone(Result):
    """One applied step (a fleet's prefixed with its target)."""

    kind: ClassVar[str] = "step"
    step: StepResult
    target: str | None = None


@dataclass(frozen=True)
class ApplyResult(Result):
    """What `apply` did; `report` is None when the plan had nothing to change."""

    kind: ClassVar[str] = "apply"
    plan: Plan
    report: ApplyReport | None = None

    @property
    def succeeded(self) -> bool:
        return self.report is None or self.report.succeeded

    def raise_for_failure(self) -> None:
        """ApplyFailed when a step failed or was skipped (the account is then a rerun away
        from the configuration, or needs the fix the advice names)."""
        if self.report is not None and not self.report.succeeded:
            raise ApplyFailed(f"{self.report.advice()} (see above)")


class ApplyFailed(ReconcilerError):
    """Some steps of an apply failed or were skipped; the message says what to do next."""


@dataclass(frozen=True)
class PermissionsResult(Result):
    """`permissions`: the policy a restricted API key needs for one job, each permission with
    what needs it."""

    kind: ClassVar[str] = "permissions"
    job: str
    paths: tuple[str, ...]
    permissions: Mapping[str, Sequence[str]]

    @property
    def policy(self) -> dict[str, list[str]]:
        """The key's Policy document, as IAM's /v1/Keys takes it."""
        return {"allow": list(self.permissions)}


@dataclass(frozen=True)
class ExportResult(Result):
    """The account as YAML, and the file it was written to when one was asked for."""

    kind: ClassVar[str] = "export"
    text: str
    written_to: str | Path | None = None


@dataclass(frozen=True)
class SchemaResult(Result):
    """The JSON Schema of the configuration format, and the file it was written to when one
    was asked for."""

    kind: ClassVar[str] = "schema"
    text: str
    written_to: str | Path | None = None


@dataclass(frozen=True)
class DoctorResult(Result):
    """`doctor`: the credentials, endpoint and clock, and what this version does not know."""

    kind: ClassVar[str] = "doctor"
    report: DoctorReport

    @property
    def exit_code(self) -> int:
        """0 nothing unknown, 2 something is."""
        return self.report.exit_code


@dataclass(frozen=True)
class DiffResult(Result):
    """Two sides compared (`diff`): read from A to B."""

    kind: ClassVar[str] = "diff"
    comparison: Comparison

    @property
    def same(self) -> bool:
        return self.comparison.same


@dataclass(frozen=True)
class FleetResult(Result):
    """A run over a fleet's targets: its report, and what the formats need beside it."""

    kind: ClassVar[str] = "fleet"
    report: FleetReport
    planned: Sequence[tuple[str, Plan, LoadedConfig]] = field(default_factory=tuple)
    """(target, plan, configuration) of each planned target: `--format github` annotates
    each change on its config line."""
    report_file: str | Path | None = None
    """Where the JSON report was also written (`--report FILE`)."""
    nothing_to_apply: bool = False
    """apply found no changes in any target: the plan shown was all there was to say."""

    def exit_code(self, detailed_exitcode: bool = False) -> int:
        """1 if any target failed, else 2 for changes under detailed_exitcode, else 0."""
        return self.report.exit_code(detailed_exitcode)


@dataclass(frozen=True)
class EmulatorServing(Result):
    """A running emulator (`serve_emulator`): where it listens and what it accepts, for its
    clients; `stop()` ends it (its state saved)."""

    kind: ClassVar[str] = "emulator"
    server: EmulatorServer
    url: str
    """Where it listens (the port chosen, when 0 was asked for)."""
    state: str | Path | None
    account_sid: str
    auth_token: str
    api_key: str
    api_secret: str
    latency_ms: int = 0
    fault_rate: float = 0.0
    seed: int | None = None
    aps_limit: int = 0
    """Role writes allowed per second per service; 0 is no limit."""
    subaccounts: Sequence[Mapping[str, Any]] = ()
    """Each subaccount's SID, friendly name and status (their tokens are never shown)."""

    def stop(self) -> None:
        self.server.stop()
