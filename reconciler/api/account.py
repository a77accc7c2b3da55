"""The single-account functions of the API: validate, load, plan, apply, show, export, diff.

The engine is imported inside each function: `import reconciler.api` stays cheap, and
`validate` never loads the twilio library.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from reconciler.api.results import (
    ApplyResult,
    Checked,
    DiffResult,
    DoctorResult,
    ExportResult,
    Message,
    Notify,
    PermissionsResult,
    Planned,
    PlanResult,
    Result,
    SchemaResult,
    StepDone,
    Unmanaged,
    Validation,
)
from reconciler.errors import ReconcilerError

if TYPE_CHECKING:
    from reconciler.config import LoadedConfig
    from reconciler.live.api import LiveApi
    from reconciler.live.connection import ConnectionSettings
    from reconciler.plan import Plan
    from reconciler.plan.planfile import SavedPlan

Paths: TypeAlias = "str | Path | Sequence[str | Path]"
"""One configuration path, or several merged in order (a folder stands for its YAML files)."""
Config: TypeAlias = "Paths | LoadedConfig"
"""Paths, or a configuration loaded already (`load`)."""
Approve = Callable[[str], bool]
"""Asked the question before apply writes anything; False stops it (nothing is changed)."""


@dataclass(frozen=True)
class Connect:
    """Which account the calls reach: Twilio with the TWILIO_* variables (the default), the
    API at `endpoint` (a `reconciler emulator serve`; RECONCILER_ENDPOINT when not given), the
    embedded emulator (`local`, its state under `state_dir`, else .reconciler/ in the working
    directory), or `settings` given in code. `concurrency` caps the calls in flight (default
    8). A fleet's targets use their own credentials; these are then the parent's."""

    local: bool = False
    endpoint: str | None = None
    concurrency: int | None = None
    settings: ConnectionSettings | None = None
    state_dir: Path | None = None

    def check(self, fleet: bool = False) -> None:
        """Refuse settings that contradict each other, before anything connects
        (ConnectionSettingsError); a fleet's endpoint is checked here, one account's when its
        settings are made."""
        from reconciler.errors import ConnectionSettingsError
        from reconciler.live.connection import endpoint_path_problem

        if self.local and self.endpoint:
            raise ConnectionSettingsError("local and endpoint cannot be used together")
        if self.endpoint and fleet and not re.match(r"^https?://[^/\s]+", self.endpoint):
            raise ConnectionSettingsError(
                f"endpoint {self.endpoint!r} is not an http(s) URL such as http://127.0.0.1:4010"
            )
        problem = endpoint_path_problem(self.endpoint, "endpoint") if self.endpoint else None
        if problem:
            raise ConnectionSettingsError(problem)

    def connection_settings(self) -> ConnectionSettings:
        """The credentials and endpoint; ConnectionSettingsError when they are missing."""
        from reconciler.live.connection import ConnectionSettings

        if self.settings is not None:
            return self.settings
        if self.local:
            return ConnectionSettings.local(self.state_dir)
        return ConnectionSettings.from_environment(endpoint=self.endpoint)


Where: TypeAlias = "Connect | ConnectionSettings | None"
"""Where a function connects: a Connect, ConnectionSettings, or None for Connect()."""


def as_connect(target: Where) -> Connect:
    if target is None:
        return Connect()
    if isinstance(target, Connect):
        return target
    return Connect(settings=target)


@contextmanager
def connected(target: Where = None) -> Iterator[LiveApi]:
    """An open account (the embedded emulator started for `local`), closed on leaving."""
    from reconciler.live.api import DEFAULT_CONCURRENCY, LiveApi
    from reconciler.live.connection import Connection

    connect = as_connect(target)
    connect.check()
    with Connection(connect.connection_settings()) as connection:
        yield LiveApi(connection.client, concurrency=connect.concurrency or DEFAULT_CONCURRENCY)


def send(notify: Notify | None, result: Result) -> None:
    if notify is not None:
        notify(result)


def _paths(paths: Paths) -> list[str]:
    if isinstance(paths, (str, Path)):
        return [str(paths)]
    return [str(path) for path in paths]


def validate(paths: Paths, *, strict: bool = False) -> Validation:
    """Check a configuration offline (no network, no credentials): every finding of the loader
    and of the team's policy. Never raises for the configuration's problems: they are the
    result (`valid` False)."""
    from reconciler import lint
    from reconciler.config import ConfigError, load_config
    from reconciler.findings import Report, findings_from_issues

    given = tuple(_paths(paths))
    try:
        loaded = load_config(given, defer_secrets=True, strict=strict)
    except ConfigError as error:
        return Validation(Report(paths=given, findings=findings_from_issues(error.issues)))
    report = Report(
        paths=given,
        findings=lint.check(loaded),
        files=[str(file) for file in loaded.files],
        resources=loaded.resource_counts(),
    )
    return Validation(report, loaded)


def load(config: Config, *, notify: Notify | None = None) -> LoadedConfig:
    """The configuration plan and apply work from: every variable set, the team's policy met.

    Raises ConfigError (what stops the load) or PolicyError (the team's errors); the findings
    are sent to `notify` first (`Checked`), warnings included."""
    from reconciler import lint
    from reconciler.config import ConfigError, LoadedConfig, load_config
    from reconciler.findings import findings_from_issues

    if isinstance(config, LoadedConfig):
        loaded = config
    else:
        try:
            loaded = load_config(_paths(config))
        except ConfigError as error:
            send(notify, Checked(findings_from_issues(error.issues), fatal=True))
            raise
    findings = lint.check(loaded)
    send(notify, Checked(findings))
    lint.raise_for_errors(findings)
    return loaded


def plan(
    config: Config,
    connect: Where = None,
    *,
    rotate_secrets: bool = False,
    only: Sequence[str] = (),
    show_unmanaged: bool = False,
    out: str | Path | None = None,
    notify: Notify | None = None,
) -> PlanResult:
    """What apply would change in the account: the plan (nothing is written to the account).

    `only` selectors plan part of the configuration (SelectorError for one that names
    nothing); `show_unmanaged` also lists live resources the configuration does not manage;
    `out` saves the plan file for `apply(plan_file=...)` (it records the paths: give paths)."""
    from reconciler.config import LoadedConfig
    from reconciler.plan import PlanOptions, plan_account, unmanaged
    from reconciler.plan.model import Origin
    from reconciler.plan.planfile import save_plan
    from reconciler.plan.select import parse_selectors

    if out is not None and isinstance(config, LoadedConfig):
        raise ReconcilerError("a saved plan records its configuration paths: plan paths")
    loaded = load(config, notify=notify)
    parse_selectors(tuple(only), loaded.config)
    options = PlanOptions(rotate_secrets=rotate_secrets, only=tuple(only))
    with connected(connect) as api:
        the_plan, live = plan_account(loaded, api, options)
        found = unmanaged.find_unmanaged(loaded, api) if show_unmanaged else None
    records = Unmanaged(unmanaged.unmanaged_json(found)) if found is not None else None
    if out is not None:
        paths = _paths(config)  # type: ignore[arg-type]  # paths, as checked above
        save_plan(Path(out), the_plan, loaded.config, paths, options, Origin(live.account_sid))
    return PlanResult(the_plan, loaded, live.account_sid, records, out)


def apply(
    config: Config | None = None,
    connect: Where = None,
    *,
    plan_file: str | Path | SavedPlan | None = None,
    allow_destroy: bool = False,
    force: bool = False,
    rotate_secrets: bool = False,
    only: Sequence[str] = (),
    approve: Approve | None = None,
    notify: Notify | None = None,
) -> ApplyResult:
    """Make the calls that bring the account to the configuration, in dependency order.

    With `plan_file`, the saved plan is the approval: its configuration paths and options are
    used, and it is refused (StalePlanError, AccountMismatchError) unless planning now gives
    exactly it, on the account it was made against. Otherwise `approve` (when given) is asked
    before any write. Guards (`allow_destroy`, `force`) refuse a plan with ReconcilerError.
    `notify` sees the plan (`Planned`) before anything is written and each step (`StepDone`).
    The result's `raise_for_failure()` raises ApplyFailed when a step failed."""
    from reconciler.apply import Executor
    from reconciler.plan import PlanOptions, plan_account
    from reconciler.plan.planfile import SavedPlan, check_account, check_unchanged, read_plan
    from reconciler.plan.select import parse_selectors

    saved = plan_file
    if isinstance(saved, (str, Path)):
        saved = read_plan(Path(saved))
    if (config is None) == (saved is None):
        raise ReconcilerError("give either the configuration or a saved plan file")
    if isinstance(saved, SavedPlan):
        options = saved.options
        loaded = load(saved.config_paths(), notify=notify)
    else:
        options = PlanOptions(rotate_secrets=rotate_secrets, only=tuple(only))
        loaded = load(config, notify=notify)  # type: ignore[arg-type]
    parse_selectors(options.only, loaded.config)
    with connected(connect) as api:
        if saved is not None:
            check_account(saved, api.account_sid, "the credentials are for account")
        the_plan, live = plan_account(loaded, api, options, for_apply=True)
        if saved is not None:
            check_account(saved, live.account_sid, "the API answers for account")
            check_unchanged(saved, loaded.config, the_plan)
        send(notify, Planned(the_plan))
        if the_plan.empty:
            return ApplyResult(the_plan)
        _check_guards(the_plan, allow_destroy, force)
        for warning in default_secret_warnings(loaded, the_plan):
            send(notify, Message(warning))
        if saved is None and approve is not None and not approve("Apply these changes?"):
            raise ReconcilerError("apply cancelled; nothing was changed")
        report = Executor(api, live, progress=lambda step: send(notify, StepDone(step))).run(
            the_plan
        )
    return ApplyResult(the_plan, report)


def default_secret_warnings(loaded: LoadedConfig, plan: Plan) -> list[str]:
    """A secret that apply sends but that is written in the configuration, as it is or as a
    `${VAR:-default}`, is not a secret: anyone who reads the repository has it. Warned at its
    file:line, never shown."""
    written = {
        **dict.fromkeys(loaded.literal_secrets, "is written in the configuration"),
        **dict.fromkeys(
            loaded.default_secrets, "comes from a default written in the configuration"
        ),
    }
    warnings = []
    for change in plan.changes:
        for diff in change.diffs:
            path = (*change.source, diff.name)
            dotted = ".".join(str(part) for part in path)
            how = written.get(dotted) if diff.sensitive else None
            if how is not None:
                where = loaded.locate(path)
                warnings.append(
                    f"Warning: {where + ': ' if where else ''}{dotted} is write-only but its "
                    f"value {how}, not the environment; write ${{VAR}} there and set the "
                    "variable to a real secret"
                )
    return warnings


def _check_guards(plan: Plan, allow_destroy: bool, force: bool) -> None:
    from reconciler.plan.policy import ALLOW_DESTROY, FORCE

    flags = {flag for flag, given in ((ALLOW_DESTROY, allow_destroy), (FORCE, force)) if given}
    reasons = plan.blocked_reasons(flags)
    if reasons:
        raise ReconcilerError(f"nothing was applied: {reasons}")


def export(connect: Where = None, *, out: str | Path | None = None) -> ExportResult:
    """The account's Conversations configuration as YAML that plans to no changes against it
    (ExportNotExpressible when it holds what this version cannot write); `out` also writes it
    to that file, atomically. A file that leaves resources out (ExportIncomplete, naming them)
    is still written to `out` before the error is raised."""
    from reconciler.atomic import write_atomically
    from reconciler.export import ExportIncomplete, export_account

    with connected(connect) as api:
        try:
            text = export_account(api)
        except ExportIncomplete as incomplete:
            if out is None:
                raise
            write_atomically(Path(out), incomplete.text)
            raise ExportIncomplete(incomplete.text, incomplete.left_out, out) from None
    if out is not None:
        write_atomically(Path(out), text)
    return ExportResult(text, out)


def doctor(connect: Where = None) -> DoctorResult:
    """Read-only checks of the account behind `connect` (docs/doctor.md): which credentials,
    which account, whether the endpoint answers like Twilio, the clock skew, and everything in
    the account this version does not know. Refused credentials raise a ReconcilerError that
    names the credentials used (never their secret)."""
    from reconciler.doctor import credentials_of, diagnose
    from reconciler.fleet.errors import describe
    from reconciler.live.retry import UNAUTHORIZED, http_status

    local = as_connect(connect).local
    with connected(connect) as live:
        try:
            return DoctorResult(diagnose(live, local=local))
        except Exception as error:
            if http_status(error) != UNAUTHORIZED:
                raise
            used = credentials_of(live, local).describe()
            raise ReconcilerError(describe(error, f"doctor used {used}")) from error


def diff(
    a: Config | None,
    b: Config | None,
    connect: Where = None,
    *,
    notify: Notify | None = None,
) -> DiffResult:
    """Compare two configurations (offline), or one and the live account (the side given as
    None), field by field, read from A to B. Secrets are never compared. ReconcilerError names
    the side whose configuration does not load; its warnings are sent to `notify`."""
    from reconciler.compare import Side, compare_configs, compare_with_live

    sides = {"A": a, "B": b}
    if a is None and b is None:
        raise ReconcilerError("diff compares two sides: give a configuration for A or B")
    loaded = {
        name: _diff_side(name, given, notify) for name, given in sides.items() if given is not None
    }
    described = {
        name: Side(name, paths=_side_paths(given))
        for name, given in sides.items()
        if given is not None
    }
    if len(loaded) == 1:
        ((config_name, side),) = loaded.items()
        live_name = "B" if config_name == "A" else "A"
        with connected(connect) as api:
            comparison = compare_with_live(side, api, described[config_name], live_name)
    else:
        comparison = compare_configs(loaded["A"], loaded["B"], described["A"], described["B"])
    return DiffResult(comparison)


def _side_paths(given: Config) -> tuple[str, ...]:
    from reconciler.config import LoadedConfig

    if isinstance(given, LoadedConfig):
        return tuple(str(file) for file in given.files)
    return tuple(_paths(given))


def _diff_side(name: str, given: Config, notify: Notify | None) -> LoadedConfig:
    """A side's configuration: every variable but secrets, which are never compared."""
    from reconciler.config import ConfigError, LoadedConfig, load_config

    if isinstance(given, LoadedConfig):
        return given
    paths = _paths(given)
    try:
        loaded = load_config(paths, defer_secrets=True)
    except ConfigError as error:
        raise ReconcilerError(f"side {name} ({' + '.join(paths)}):\n{error}") from None
    for warning in loaded.warnings:
        if warning.severity == "warning":
            send(notify, Message(f"{name}: {warning}"))
    return loaded


def permissions(paths: Paths, job: str = "plan") -> PermissionsResult:
    """The restricted API key policy `job` (plan, apply, export, doctor) needs for the configuration
    at `paths`, offline: only what it touches (reconciler/permissions/)."""
    from reconciler.config import load_config
    from reconciler.permissions.policy import needs

    given = _paths(paths)
    loaded = load_config(given, defer_secrets=True)
    return PermissionsResult(job, tuple(given), needs(loaded.config, job).permissions())


def schema() -> str:
    """The JSON Schema (draft 2020-12) of the configuration format, as text."""
    from reconciler.config.schema import schema_text

    return schema_text()


def export_schema(out: str | Path | None = None) -> SchemaResult:
    """The JSON Schema of the configuration format (what `schema()` gives), and with `out`
    written to that file too: what `reconciler schema [--out FILE]` shows."""
    text = schema()
    if out is not None:
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as error:
            raise ReconcilerError(f"cannot write {out}: {error}") from error
    return SchemaResult(text, out)
